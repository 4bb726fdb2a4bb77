/* builtin_kernel.c — builtins of kernel probes whose types come from BTF:
 * `retval` of fexit is the "retval" field of the args record that
 * probes/fentry.c built from the function's FUNC_PROTO. */
#include <string.h>

#include "sema/sema_int.h"

const struct type *sema_kernel_retval(struct sema *s)
{
	const struct probe_ctx *pc = s->pctx;
	const struct type *rec = pc && pc->kind == PCTX_TRAMPOLINE ? pc->args : NULL;

	for (uint32_t i = 0; rec && i < rec->n_fields; i++)
		if (rec->fields[i].name && strcmp(rec->fields[i].name, "retval") == 0)
			return rec->fields[i].type;
	return NULL;
}

bool sema_uses_probe_builtin(const struct ast_node *n)
{
	for (; n; n = n->next) {
		bool hit = false;

		switch (n->kind) {
		case AST_IDENT:
			hit = strcmp(n->ident.name, "probe") == 0;
			break;
		case AST_CALL:
			hit = (strcmp(n->call.name, "probe") == 0 && !n->call.args) ||
			      sema_uses_probe_builtin(n->call.args);
			break;
		case AST_PROBE:
			hit = sema_uses_probe_builtin(n->probe.pred) ||
			      sema_uses_probe_builtin(n->probe.body);
			break;
		case AST_BLOCK:
		case AST_BLOCK_EXPR:
			hit = sema_uses_probe_builtin(n->block.stmts) ||
			      sema_uses_probe_builtin(n->block.expr);
			break;
		case AST_EXPR_STMT: hit = sema_uses_probe_builtin(n->stmt.expr); break;
		case AST_ASSIGN:
			hit = sema_uses_probe_builtin(n->assign.lhs) ||
			      sema_uses_probe_builtin(n->assign.rhs);
			break;
		case AST_LET: hit = sema_uses_probe_builtin(n->let.init); break;
		case AST_IF:
		case AST_TERNARY:
			hit = sema_uses_probe_builtin(n->cond.cond) ||
			      sema_uses_probe_builtin(n->cond.then) ||
			      sema_uses_probe_builtin(n->cond.els);
			break;
		case AST_WHILE:
		case AST_UNROLL:
			hit = sema_uses_probe_builtin(n->loop.cond) ||
			      sema_uses_probe_builtin(n->loop.body);
			break;
		case AST_FOR_MAP:
		case AST_FOR_RANGE:
			hit = sema_uses_probe_builtin(n->for_.iter) ||
			      sema_uses_probe_builtin(n->for_.end) ||
			      sema_uses_probe_builtin(n->for_.body);
			break;
		case AST_JUMP: hit = sema_uses_probe_builtin(n->jump.value); break;
		case AST_MAP: hit = sema_uses_probe_builtin(n->map.keys); break;
		case AST_BINOP:
			hit = sema_uses_probe_builtin(n->bin.l) || sema_uses_probe_builtin(n->bin.r);
			break;
		case AST_UNOP: hit = sema_uses_probe_builtin(n->un.e); break;
		case AST_FIELD: hit = sema_uses_probe_builtin(n->field.e); break;
		case AST_INDEX:
			hit = sema_uses_probe_builtin(n->index.e) ||
			      sema_uses_probe_builtin(n->index.index);
			break;
		case AST_TUPLE_INDEX: hit = sema_uses_probe_builtin(n->tindex.e); break;
		case AST_CAST: hit = sema_uses_probe_builtin(n->cast.e); break;
		case AST_TUPLE:
		case AST_RECORD: hit = sema_uses_probe_builtin(n->tuple.elems); break;
		case AST_NAMED: hit = sema_uses_probe_builtin(n->named.e); break;
		default:
			break;
		}
		if (hit)
			return true;
	}
	return false;
}
