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

static bool uses_builtin(const struct ast_node *n, const char *name)
{
	for (; n; n = n->next) {
		bool hit = false;

		switch (n->kind) {
		case AST_IDENT:
			hit = strcmp(n->ident.name, name) == 0;
			break;
		case AST_CALL:
			hit = (strcmp(n->call.name, name) == 0 && !n->call.args) ||
			      uses_builtin(n->call.args, name);
			break;
		case AST_PROBE:
			hit = uses_builtin(n->probe.pred, name) ||
			      uses_builtin(n->probe.body, name);
			break;
		case AST_BLOCK:
		case AST_BLOCK_EXPR:
			hit = uses_builtin(n->block.stmts, name) ||
			      uses_builtin(n->block.expr, name);
			break;
		case AST_EXPR_STMT: hit = uses_builtin(n->stmt.expr, name); break;
		case AST_ASSIGN:
			hit = uses_builtin(n->assign.lhs, name) ||
			      uses_builtin(n->assign.rhs, name);
			break;
		case AST_LET: hit = uses_builtin(n->let.init, name); break;
		case AST_IF:
		case AST_TERNARY:
			hit = uses_builtin(n->cond.cond, name) ||
			      uses_builtin(n->cond.then, name) ||
			      uses_builtin(n->cond.els, name);
			break;
		case AST_WHILE:
		case AST_UNROLL:
			hit = uses_builtin(n->loop.cond, name) ||
			      uses_builtin(n->loop.body, name);
			break;
		case AST_FOR_MAP:
		case AST_FOR_RANGE:
			hit = uses_builtin(n->for_.iter, name) ||
			      uses_builtin(n->for_.end, name) ||
			      uses_builtin(n->for_.body, name);
			break;
		case AST_JUMP: hit = uses_builtin(n->jump.value, name); break;
		case AST_MAP: hit = uses_builtin(n->map.keys, name); break;
		case AST_BINOP:
			hit = uses_builtin(n->bin.l, name) || uses_builtin(n->bin.r, name);
			break;
		case AST_UNOP: hit = uses_builtin(n->un.e, name); break;
		case AST_FIELD: hit = uses_builtin(n->field.e, name); break;
		case AST_INDEX:
			hit = uses_builtin(n->index.e, name) ||
			      uses_builtin(n->index.index, name);
			break;
		case AST_TUPLE_INDEX: hit = uses_builtin(n->tindex.e, name); break;
		case AST_CAST: hit = uses_builtin(n->cast.e, name); break;
		case AST_TUPLE:
		case AST_RECORD: hit = uses_builtin(n->tuple.elems, name); break;
		case AST_NAMED: hit = uses_builtin(n->named.e, name); break;
		default:
			break;
		}
		if (hit)
			return true;
	}
	return false;
}

/* True if a kprobe/kretprobe attach point may become a kprobe_multi target:
 * a function wildcard without module or offset. */
static bool ap_may_be_multi(const struct ast_node *ap)
{
	const struct probe_ops *ops = probe_lookup(ap->attach.provider);

	return ops && (strcmp(ops->name, "kprobe") == 0 || strcmp(ops->name, "kretprobe") == 0) &&
	       ap->attach.n_parts == 1 && probe_has_wildcard(ap->attach.parts[0]) &&
	       !strchr(ap->attach.parts[0], '+');
}

/* True if a uprobe/uretprobe attach point may become uprobe_multi targets:
 * a function wildcard. */
static bool ap_may_be_umulti(const struct ast_node *ap)
{
	const struct probe_ops *ops = probe_lookup(ap->attach.provider);

	return ops && (strcmp(ops->name, "uprobe") == 0 || strcmp(ops->name, "uretprobe") == 0) &&
	       ap->attach.n_parts >= 1 &&
	       probe_has_wildcard(ap->attach.parts[ap->attach.n_parts - 1]);
}

bool sema_probe_needs_single(const struct ast_node *probe)
{
	unsigned n_aps = 0, n_multi = 0;

	if (uses_builtin(probe->probe.pred, "probe") || uses_builtin(probe->probe.body, "probe"))
		return true;
	for (const struct ast_node *ap = probe->probe.attach; ap; ap = ap->next) {
		n_aps++;
		n_multi += ap_may_be_multi(ap);
		/* a uprobe_multi program knows neither its function's name nor
		 * its DWARF arguments */
		if (ap_may_be_umulti(ap) &&
		    (uses_builtin(probe->probe.pred, "func") || uses_builtin(probe->probe.body, "func") ||
		     uses_builtin(probe->probe.pred, "args") || uses_builtin(probe->probe.body, "args")))
			return true;
	}
	/* `func` is a ksym in a kprobe_multi program and a string elsewhere:
	 * one probe must not mix them */
	return n_multi && n_multi < n_aps &&
	       (uses_builtin(probe->probe.pred, "func") || uses_builtin(probe->probe.body, "func"));
}
