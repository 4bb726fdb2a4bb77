/* sema_int.h — private to sema/: the pass context, type constructors and the
 * entry points of the individual passes (one file each). */
#ifndef SCRY_SEMA_SEMA_INT_H
#define SCRY_SEMA_SEMA_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ast/ast.h"
#include "sema/resources.h"
#include "probes/probe.h"
#include "sema/sema.h"

struct btf;
struct probe_ctx;
struct stdlib_cache;

/* One lexical block of $variables. */
struct scope {
	struct scope *up;
	struct ptrvec vars; /* struct var_info * */
};

/* A user enum constant (from enum definitions in the program). */
struct enum_const {
	const char *name;
	int64_t value;
	const struct type *type; /* TY_ENUM */
};

struct sema {
	struct ast_ctx *cx;
	struct arena *a;
	struct diag *d;
	const struct sema_opts *o;
	struct resources *res;
	struct probe_env env;     /* from opts or the machine default */
	struct ast_node *prog;
	/* discovery walk: types are learned, nothing is reported */
	bool is_discovery;
	/* current probe */
	struct ast_node *probe;
	struct probe_info *pinfo;
	const struct probe_ctx *pctx;
	struct scope *scope;
	uint32_t n_vars;
	int loop_depth;
	bool in_map_loop; /* inside a for (... : @m) body (callback) */
	/* kernel BTF, loaded on first need */
	struct btf *btf;
	bool btf_tried;
	struct ptrvec enums;  /* struct enum_const * */
	struct ptrvec macros; /* AST_MACRO nodes */
	struct ptrvec cstructs; /* struct type * from C definitions in the program */
	struct ptrvec getopts;  /* names asked for with getopt() (const char *) */
	struct ptrvec getopt_descs; /* their descriptions (const char * or NULL) */
	int macro_depth;
	struct loc macro_sites[40]; /* call sites of the macros being expanded, outermost first */
	const struct ast_node *macro_stack[40]; /* the macros being expanded (AST_MACRO) */
	struct ptrvec expansions;   /* struct sema_expansion *: errorf/warnf inside macros */
	unsigned n_macro_exp;       /* macro expansions so far (private names) */
	const char *macro_suffix;   /* while a macro body is rewritten */
	struct stdlib_cache *stdlib; /* stdlib.c: kernel enumerators, loaded on first need */
	struct ptrvec reported;     /* interned "level:loc:message" already printed */
};

/* An errorf/warnf call inside macro expansions: the macro call sites,
 * innermost first, which the runtime reports as "expanded from". */
struct sema_expansion {
	const struct ast_node *call;
	struct loc *sites;
	uint32_t n;
};

/* ---- reporting (muted during the discovery walk) ---- */
void sema_err(struct sema *s, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sema_warn(struct sema *s, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void sema_note(struct sema *s, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- types (sema_type.c) ---- */
struct type *sema_ty_new(struct sema *s, enum type_kind k, uint32_t size);
const struct type *sema_ty_none(struct sema *s);
const struct type *sema_ty_int(struct sema *s, uint32_t size, bool is_signed);
const struct type *sema_ty_bool(struct sema *s);
const struct type *sema_ty_void(struct sema *s);
struct type *sema_ty_string(struct sema *s, uint32_t size);
const struct type *sema_ty_ptr(struct sema *s, const struct type *elem, enum addrspace as);
/* Lays out @n fields (natural alignment) into a TY_TUPLE, or TY_RECORD when
 * @names is non-NULL. */
struct type *sema_ty_tuple(struct sema *s, const struct type *const *elems,
			   const char *const *names, uint32_t n);
const struct type *sema_ty_simple(struct sema *s, enum type_kind k, uint32_t size);
bool sema_ty_equal(const struct type *a, const struct type *b);
bool sema_ty_is_int(const struct type *t);      /* int, enum */
bool sema_ty_is_scalar(const struct type *t);   /* kept in a register by codegen */
bool sema_ty_is_agg(const struct type *t);      /* count_t .. tseries_t */
/* bpftrace spelling: "uint64", "string[16]", "(int64,string[3])" */
const char *sema_ty_name(struct sema *s, const struct type *t);
/* Copy of @t with storage suitable for a variable/map value: ints become 64-bit
 * (keeping the sign), strings keep their size (widened later). */
struct type *sema_ty_storage(struct sema *s, const struct type *t);
/* Resolves a type written in the program; NULL (after an error) if unknown. */
const struct type *sema_ty_resolve(struct sema *s, const struct ast_node *typ);
/* Kernel BTF type by name ("struct task_struct", "uint32_t"), or NULL. */
const struct type *sema_btf_type(struct sema *s, const char *name);
struct btf *sema_btf(struct sema *s);
/* Type of BTF id @id (kernel) converted to a scry type. */
const struct type *sema_btf_type_id(struct sema *s, int32_t id);
/* "did you mean": the script-defined or kernel type name closest to @name
 * ("struct task_strct" -> "struct task_struct"), or NULL. */
const char *sema_closest_type(struct sema *s, const char *name);
/* The script-defined or kernel enum value (or #define) closest to @name, or NULL. */
const char *sema_closest_enum_value(struct sema *s, const char *name);

/* ---- passes ---- */
void sema_config(struct sema *s);        /* config.c */
void sema_probes(struct sema *s);        /* probes.c: expand attach points */
void sema_macros(struct sema *s);        /* macros.c: collect macros, map declarations */
void sema_cdef(struct sema *s, struct ast_node *def); /* cdefs.c: struct/union/enum/typedef */
void sema_check_includes(struct sema *s);                /* cdefs.c: #include files exist */
void sema_types(struct sema *s);         /* types.c: scopes, typing, casts */
void sema_resources(struct sema *s);     /* resources.c: actions, map layouts */

/* ---- scopes.c ---- */
void sema_scope_push(struct sema *s);
void sema_scope_pop(struct sema *s);
struct var_info *sema_var_lookup(struct sema *s, const char *name);
struct var_info *sema_var_declare(struct sema *s, const char *name, const struct type *t);

/* ---- types.c helpers used by the builtin files ---- */
/* Types @n (and rewrites it in place when needed); returns n->type. */
const struct type *sema_expr(struct sema *s, struct ast_node **np);
/* Wraps *np in an AST_CAST to @t when its type differs. */
void sema_cast_to(struct sema *s, struct ast_node **np, const struct type *t);
/* Integer literal value of a (folded) constant expression. */
bool sema_const_int(const struct ast_node *n, int64_t *out);

/* ---- maps.c ---- */
/* Makes @stored able to hold @t (strings/ints in tuples widen in place). */
bool sema_unify(struct sema *s, struct type *stored, const struct type *t);
struct map_info *sema_map_get(struct sema *s, struct ast_node *m);
/* Records/checks the key types of @m (an AST_MAP with keys); rewrites keys
 * so they match the stored key type. */
void sema_map_keys(struct sema *s, struct ast_node *m);
/* Assigning a value of type @t (rhs *np) to map @m: fixes or checks the value type. */
void sema_map_assign(struct sema *s, struct ast_node *m, struct ast_node **np);
/* An aggregation call assigned to @m. */
void sema_map_agg(struct sema *s, struct ast_node *m, struct ast_node *call);
/* Value type of @m for reading; reports "undefined map" if never assigned. */
const struct type *sema_map_read(struct sema *s, struct ast_node *m);

/* ---- builtins (builtin_*.c) ---- */
/* Types a builtin call or identifier (rewritten to AST_CALL); returns its type,
 * NULL if @name is not a builtin of that theme. */
const struct type *sema_call(struct sema *s, struct ast_node **np);
const struct type *sema_builtin_var(struct sema *s, struct ast_node **np, enum builtin_fn fn);
int sema_builtin_lookup(const char *name);
extern const char *const sema_builtin_names[BI__COUNT];

/* Output/flow/map builtins, by theme. Each returns the call type. */
const struct type *sema_bi_print(struct sema *s, struct ast_node *n, enum builtin_fn fn);
const struct type *sema_bi_agg(struct sema *s, struct ast_node *n, enum builtin_fn fn);
const struct type *sema_bi_proc(struct sema *s, struct ast_node *n, enum builtin_fn fn);
const struct type *sema_bi_mem(struct sema *s, struct ast_node *n, enum builtin_fn fn);
/* builtin_usdt.c: uaddr() */
const struct type *sema_bi_uaddr(struct sema *s, struct ast_node *n, struct call_info *ci);
/* builtin_usdt.c: a type from the DWARF of the current uprobe/usdt probe's
 * binary, or NULL. */
const struct type *sema_user_type(struct sema *s, const char *name);

/* stdlib.c: standard-library functions (syscall_name, strerror, signal_name,
 * is_err, leader_tid, pcomm, leader_comm). Each returns true when it handled
 * the call/identifier *np, with *tp its type (NULL after an error). */
bool sema_stdlib_call(struct sema *s, struct ast_node **np, const struct type **tp);
bool sema_stdlib_ident(struct sema *s, struct ast_node **np, const struct type **tp);

/* builtin_kernel.c: the BTF type of fexit's `retval`, or NULL (other probes). */
const struct type *sema_kernel_retval(struct sema *s);
/* True if AST_PROBE @probe needs one program per match (no kprobe_multi):
 * it uses `probe`, or uses `func` with attach points of both kinds. */
bool sema_probe_needs_single(const struct ast_node *probe);

void sema_check_named_params(struct sema *s);
struct call_info *sema_call_info(struct sema *s, struct ast_node *n, enum builtin_fn fn);
bool sema_arity(struct sema *s, struct ast_node *n, unsigned min, unsigned max);

#endif
