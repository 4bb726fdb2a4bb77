/* ast.c — node allocation, list helpers and the kind/operator name tables. */
#include "ast/ast.h"

const char *const ast_kind_names[AST__COUNT] = {
#define X(k, s) [k] = s,
#include "ast/kinds.def"
#undef X
};

const char *const ast_op_names[AST_OP__COUNT] = {
#define X(k, s) [k] = s,
#include "ast/ops.def"
#undef X
};

const char *const type_kind_names[TY__COUNT] = {
#define X(k, s) [k] = s,
	SCRY_TYPE_KINDS(X)
#undef X
};

void ast_ctx_init(struct ast_ctx *cx, struct diag *d, struct src *src)
{
	arena_init(&cx->arena);
	cx->diag = d;
	cx->src = src;
}

void ast_ctx_fini(struct ast_ctx *cx)
{
	arena_fini(&cx->arena);
}

struct ast_node *ast_new(struct ast_ctx *cx, enum ast_kind kind, struct loc loc)
{
	struct ast_node *n = arena_alloc(&cx->arena, sizeof(*n));

	n->kind = kind;
	n->loc = loc;
	return n;
}

struct ast_node *ast_append(struct ast_node **head, struct ast_node *item)
{
	struct ast_node **p = head;

	while (*p)
		p = &(*p)->next;
	*p = item;
	return *head;
}

unsigned ast_list_len(const struct ast_node *head)
{
	unsigned n = 0;

	for (; head; head = head->next)
		n++;
	return n;
}

struct ast_node *ast_int(struct ast_ctx *cx, struct loc loc, uint64_t v)
{
	struct ast_node *n = ast_new(cx, AST_INT, loc);

	n->num.v = v;
	return n;
}

struct ast_node *ast_str(struct ast_ctx *cx, struct loc loc, const char *s, uint32_t len)
{
	struct ast_node *n = ast_new(cx, AST_STR, loc);

	n->str.s = str_intern(&cx->arena, s, len);
	n->str.len = len;
	return n;
}

struct ast_node *ast_bin(struct ast_ctx *cx, struct loc loc, enum ast_op op,
			 struct ast_node *l, struct ast_node *r)
{
	struct ast_node *n = ast_new(cx, AST_BINOP, loc);

	n->bin.op = op;
	n->bin.l = l;
	n->bin.r = r;
	return n;
}

struct ast_node *ast_un(struct ast_ctx *cx, struct loc loc, enum ast_op op,
			struct ast_node *e, bool is_postfix)
{
	struct ast_node *n = ast_new(cx, AST_UNOP, loc);

	n->un.op = op;
	n->un.e = e;
	n->un.is_postfix = is_postfix;
	return n;
}

struct ast_node *ast_call(struct ast_ctx *cx, struct loc loc, const char *name,
			  struct ast_node *args)
{
	struct ast_node *n = ast_new(cx, AST_CALL, loc);

	n->call.name = str_intern0(&cx->arena, name);
	n->call.args = args;
	return n;
}

struct ast_node *ast_var(struct ast_ctx *cx, struct loc loc, const char *name)
{
	struct ast_node *n = ast_new(cx, AST_VAR, loc);

	n->var.name = str_intern0(&cx->arena, name);
	return n;
}

struct ast_node *ast_map(struct ast_ctx *cx, struct loc loc, const char *name,
			 struct ast_node *keys)
{
	struct ast_node *n = ast_new(cx, AST_MAP, loc);

	n->map.name = str_intern0(&cx->arena, name);
	n->map.keys = keys;
	return n;
}

struct ast_node *ast_ident(struct ast_ctx *cx, struct loc loc, const char *name)
{
	struct ast_node *n = ast_new(cx, AST_IDENT, loc);

	n->ident.name = str_intern0(&cx->arena, name);
	return n;
}
