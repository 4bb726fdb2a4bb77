/* clone.c — deep copies of subtrees (probe expansion, macro inlining). */
#include "ast/ast.h"

#include <string.h>

struct ast_node *ast_clone_list(struct ast_ctx *cx, const struct ast_node *head)
{
	struct ast_node *out = NULL, **tail = &out;

	for (; head; head = head->next) {
		*tail = ast_clone(cx, head);
		tail = &(*tail)->next;
	}
	return out;
}

struct ast_node *ast_clone(struct ast_ctx *cx, const struct ast_node *n)
{
	struct ast_node *c;

	if (!n)
		return NULL;
	c = ast_new(cx, n->kind, n->loc);
	memcpy(c, n, sizeof(*c));
	c->next = NULL;
	c->type = NULL;
#define L(f) c->f = ast_clone_list(cx, n->f)
	switch (n->kind) {
	case AST_PROGRAM: L(program.items); break;
	case AST_PROBE: L(probe.attach); L(probe.pred); L(probe.body); c->probe.info = NULL; break;
	case AST_CONFIG: L(config.value); break;
	case AST_MACRO: case AST_FUNC_DEF: L(macro.params); L(macro.ret); L(macro.body); break;
	case AST_MAP_DECL: L(map_decl.init); break;
	case AST_BLOCK: case AST_BLOCK_EXPR: L(block.stmts); L(block.expr); break;
	case AST_EXPR_STMT: L(stmt.expr); break;
	case AST_ASSIGN: L(assign.lhs); L(assign.rhs); break;
	case AST_LET: L(let.var); L(let.typ); L(let.init); break;
	case AST_IF: case AST_TERNARY: L(cond.cond); L(cond.then); L(cond.els); break;
	case AST_WHILE: case AST_UNROLL: L(loop.cond); L(loop.body); break;
	case AST_FOR_MAP: case AST_FOR_RANGE: L(for_.var); L(for_.iter); L(for_.end); L(for_.body); break;
	case AST_JUMP: L(jump.value); break;
	case AST_VAR: c->var.info = NULL; break;
	case AST_MAP: L(map.keys); c->map.info = NULL; break;
	case AST_CALL: L(call.args); c->call.info = NULL; break;
	case AST_BINOP: L(bin.l); L(bin.r); break;
	case AST_UNOP: L(un.e); break;
	case AST_FIELD: L(field.e); c->field.field = NULL; break;
	case AST_INDEX: L(index.e); L(index.index); break;
	case AST_TUPLE_INDEX: L(tindex.e); break;
	case AST_CAST: L(cast.typ); L(cast.e); break;
	case AST_TUPLE: case AST_RECORD: L(tuple.elems); break;
	case AST_NAMED: L(named.e); break;
	case AST_SIZEOF: case AST_TYPEOF: case AST_COMPTIME: L(size.arg); break;
	case AST_OFFSETOF: L(offsetof_.typ); break;
	default: break;
	}
#undef L
	return c;
}
