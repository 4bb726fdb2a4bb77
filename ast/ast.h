/* ast.h — the syntax tree of a scry program.
 *
 * Every node comes from the arena of its struct ast_ctx and is never freed on its
 * own; strings in nodes are interned (compare with ==). Lists are chained through
 * ->next. The parser fills the syntax fields; fields marked "sema" are filled by
 * the sema passes and read by codegen. A pass that rewrites the tree allocates
 * new nodes and copies the loc of the node it replaces. */
#ifndef SCRY_AST_AST_H
#define SCRY_AST_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast/type.h"
#include "util/util.h"

enum ast_kind {
#define X(k, s) k,
#include "ast/kinds.def"
#undef X
	AST__COUNT
};

enum ast_op {
#define X(k, s) k,
#include "ast/ops.def"
#undef X
	AST_OP__COUNT
};

enum ast_jump { JUMP_RETURN, JUMP_BREAK, JUMP_CONTINUE };

/* Filled by sema (see sema/resources.h); opaque here. */
struct var_info;
struct map_info;
struct probe_info;
struct call_info;

struct ast_node {
	enum ast_kind kind;
	struct loc loc;
	const struct type *type;   /* sema: NULL until typed */
	struct ast_node *next;     /* sibling in a list */
	union {
		/* AST_PROGRAM: top-level items in source order (config, include, cdef,
		 * macro, import, map_decl, fn, probe) */
		struct { struct ast_node *items; } program;
		/* AST_PROBE */
		struct {
			struct ast_node *attach;  /* AST_ATTACH list */
			struct ast_node *pred;    /* NULL or expression */
			struct ast_node *body;    /* AST_BLOCK */
			struct probe_info *info;  /* sema */
		} probe;
		/* AST_ATTACH: "tracepoint:syscalls:sys_enter_*", "k:vfs_read+16",
		 * "uprobe:/bin/bash:readline", "BEGIN", "i:s:1", u:lib:"quoted" */
		struct {
			const char *raw;          /* text as written (after positional-param substitution) */
			const char *label;        /* "name" of name=probe, else NULL */
			const char *provider;     /* first part as written ("t", "kprobe", "BEGIN") */
			const char **parts;       /* parts after the provider, unquoted */
			uint32_t n_parts;
			bool has_wildcard;        /* '*' or '?' outside quotes */
		} attach;
		/* AST_CONFIG: key = value (value: AST_INT, AST_STR, AST_BOOL or AST_IDENT) */
		struct { const char *key; struct ast_node *value; } config;
		/* AST_INCLUDE (#include), AST_IMPORT (import "x") */
		struct { const char *path; bool is_system; } include;
		/* AST_CDEF: struct/union/enum/typedef definition, verbatim C text */
		struct { const char *text; } cdef;
		/* AST_MACRO: macro name(params) { body }; params: AST_VAR/AST_MAP/AST_IDENT
		 * AST_FUNC_DEF: fn name(params): ret { body }; params: AST_LET (var + type) */
		struct {
			const char *name;
			struct ast_node *params;
			struct ast_node *ret;     /* AST_TYPE or NULL (fn only) */
			struct ast_node *body;    /* AST_BLOCK (or AST_BLOCK_EXPR) */
		} macro;
		/* AST_MAP_DECL: let @name = hash(1024); init is the AST_CALL */
		struct { const char *name; struct ast_node *init; } map_decl;
		/* AST_BLOCK: statements; AST_BLOCK_EXPR: statements then value expr */
		struct { struct ast_node *stmts; struct ast_node *expr; } block;
		/* AST_EXPR_STMT */
		struct { struct ast_node *expr; } stmt;
		/* AST_ASSIGN: lhs is AST_VAR, AST_MAP, AST_DISCARD, AST_FIELD, AST_INDEX,
		 * AST_UNOP(deref). op != AST_OP_NONE for compound assignment (+= ...). */
		struct { struct ast_node *lhs, *rhs; enum ast_op op; } assign;
		/* AST_LET: let $x [: type] [= init]; typ is an AST_TYPE or an AST_TYPEOF
		 * (let $x: typeof($y)). Also the parameters of AST_FUNC_DEF. */
		struct { struct ast_node *var, *typ, *init; } let;
		/* AST_IF and AST_TERNARY: els may be NULL for if; for AST_IF, els is an
		 * AST_BLOCK or an AST_IF (else if). An AST_IF is also an expression
		 * (print(if ($x) { 1 } else { 2 }), or the value of a block); its
		 * branches are then AST_BLOCK_EXPR when they have a value. */
		struct { struct ast_node *cond, *then, *els; } cond;
		/* AST_WHILE: cond + body; AST_UNROLL: cond is the count expression */
		struct { struct ast_node *cond, *body; } loop;
		/* AST_FOR_MAP: var + iter (AST_MAP); AST_FOR_RANGE: var + iter (start) + end */
		struct { struct ast_node *var, *iter, *end, *body; } for_;
		/* AST_JUMP */
		struct { enum ast_jump kind; struct ast_node *value; } jump;
		/* AST_INT: literal value (durations are converted to ns by the lexer,
		 * size suffixes applied). is_negative: only set by folding. */
		struct { uint64_t v; bool is_negative; } num;
		/* AST_STR: unescaped bytes (may contain NUL), interned */
		struct { const char *s; uint32_t len; } str;
		/* AST_BOOL */
		struct { bool v; } boolean;
		/* AST_VAR: name includes the '$' */
		struct { const char *name; struct var_info *info; /* sema */ } var;
		/* AST_MAP: name includes the '@' ("@" for the anonymous map); keys is
		 * the list of key expressions (NULL for a scalar map) */
		struct { const char *name; struct ast_node *keys; struct map_info *info; /* sema */ } map;
		/* AST_IDENT */
		struct { const char *name; } ident;
		/* AST_POSPARAM: $1.. (n >= 1) or $# (n == 0) */
		struct { uint32_t n; } pos;
		/* AST_CALL: name(args); also map-type calls like hash(100) */
		struct {
			const char *name;
			struct ast_node *args;
			struct call_info *info;   /* sema */
		} call;
		/* AST_BINOP */
		struct { enum ast_op op; struct ast_node *l, *r; } bin;
		/* AST_UNOP: -x !x ~x *p &x ++x x++ (is_postfix) */
		struct { enum ast_op op; struct ast_node *e; bool is_postfix; } un;
		/* AST_FIELD: e.name / e->name */
		struct {
			struct ast_node *e;
			const char *name;
			bool is_arrow;
			const struct type_field *field; /* sema */
		} field;
		/* AST_INDEX: e[index] */
		struct { struct ast_node *e, *index; } index;
		/* AST_TUPLE_INDEX: e.N */
		struct { struct ast_node *e; uint32_t idx; } tindex;
		/* AST_CAST: (typ)e; typ is an AST_TYPE or an AST_TYPEOF */
		struct { struct ast_node *typ, *e; } cast;
		/* AST_TUPLE / AST_RECORD: elements (AST_NAMED for records) */
		struct { struct ast_node *elems; } tuple;
		/* AST_NAMED: name = e */
		struct { const char *name; struct ast_node *e; } named;
		/* AST_SIZEOF / AST_TYPEOF / AST_COMPTIME: arg is an AST_TYPE or an expression */
		struct { struct ast_node *arg; } size;
		/* AST_OFFSETOF: offsetof(typ, a.b.c); typ is an AST_TYPE or expression */
		struct { struct ast_node *typ; const char **fields; uint32_t n_fields; } offsetof_;
		/* AST_TYPE: base as written ("uint32", "struct task_struct", "string",
		 * "enum Foo", "inet", "buffer"); n_ptr '*'s; an array suffix [N] applies
		 * after the pointers (int32*[4] is an array of 4 pointers). string[N]
		 * and buffer[N] set str_len. */
		struct {
			const char *base;
			uint32_t n_ptr;
			bool is_array;
			uint32_t array_len;       /* 0 with is_array: [] */
			uint32_t str_len;         /* string[N] / buffer[N], 0 if absent */
		} typ;
	};
};

/* Per-compile context: the arena that owns every node and string, and the
 * diagnostics sink. */
struct ast_ctx {
	struct arena arena;
	struct diag *diag;
	struct src *src;           /* main source (borrowed) */
};

void ast_ctx_init(struct ast_ctx *cx, struct diag *d, struct src *src);
void ast_ctx_fini(struct ast_ctx *cx);

/* Allocates a zeroed node of @kind at @loc; never fails. */
struct ast_node *ast_new(struct ast_ctx *cx, enum ast_kind kind, struct loc loc);
/* Appends @item (and anything chained after it) to the list *head; returns *head. */
struct ast_node *ast_append(struct ast_node **head, struct ast_node *item);
unsigned ast_list_len(const struct ast_node *head);

struct ast_node *ast_int(struct ast_ctx *cx, struct loc loc, uint64_t v);
struct ast_node *ast_str(struct ast_ctx *cx, struct loc loc, const char *s, uint32_t len);
struct ast_node *ast_bin(struct ast_ctx *cx, struct loc loc, enum ast_op op,
			 struct ast_node *l, struct ast_node *r);
struct ast_node *ast_un(struct ast_ctx *cx, struct loc loc, enum ast_op op,
			struct ast_node *e, bool is_postfix);
struct ast_node *ast_call(struct ast_ctx *cx, struct loc loc, const char *name,
			  struct ast_node *args);
struct ast_node *ast_var(struct ast_ctx *cx, struct loc loc, const char *name);
struct ast_node *ast_map(struct ast_ctx *cx, struct loc loc, const char *name,
			 struct ast_node *keys);
struct ast_node *ast_ident(struct ast_ctx *cx, struct loc loc, const char *name);

/* Deep copy of one node (not its ->next siblings), for probe expansion and
 * macro inlining; sema fields are cleared in the copy. */
struct ast_node *ast_clone(struct ast_ctx *cx, const struct ast_node *n);
/* Deep copy of a whole list. */
struct ast_node *ast_clone_list(struct ast_ctx *cx, const struct ast_node *head);

/* Prints the tree as `-d ast` shows it: one node a line, two spaces per depth. */
void ast_print(FILE *out, const struct ast_node *root);

extern const char *const ast_kind_names[AST__COUNT];
extern const char *const ast_op_names[AST_OP__COUNT];

#endif
