/* helper_errors.c — -k: report failed helper calls at run time.
 *
 * With -k, sema makes an ACT_RUNTIME_ERROR action for each place a helper
 * may fail: a map read ("map_lookup_elem", at the map) and a read through a
 * pointer ("probe_read", at the expression read through). Codegen finds the
 * action for the node it is generating and, right after the helper call,
 * branches on failure to an event whose payload is the helper's return code
 * (0 for a lookup that found nothing, as bpftrace reports it). The runtime
 * prints it as a WARNING at the action's location. Without -k there are no
 * such actions and nothing is emitted. */
#include <string.h>

#include "codegen/cg_int.h"

const struct action *cg_helper_error_for(struct cg *g, const char *helper, const struct ast_node *at)
{
	if (!at)
		return NULL;
	for (size_t i = 0; i < g->res->actions.n; i++) {
		const struct action *a = g->res->actions.v[i];

		if (a->kind == ACT_RUNTIME_ERROR && a->fmt && !strcmp(a->fmt, helper) &&
		    a->loc.src == at->loc.src && a->loc.off == at->loc.off && a->loc.len == at->loc.len)
			return a;
	}
	return NULL;
}

const struct action *cg_read_error_for(struct cg *g, const struct ast_node *n)
{
	const struct ast_node *at = NULL;

	if (!g->res->needs_events)
		return NULL;
	if (n->kind == AST_FIELD)
		at = n->field.e;
	else if (n->kind == AST_INDEX)
		at = n->index.e;
	else if (n->kind == AST_UNOP && n->un.op == AST_OP_DEREF)
		at = n->un.e;
	return at ? cg_helper_error_for(g, "probe_read", at) : NULL;
}

void cg_helper_error_check(struct cg *g, const struct action *a, LLVMValueRef ret)
{
	LLVMBasicBlockRef fail, cont;
	LLVMValueRef cond, code, ev, args[4];

	if (!a)
		return;
	fail = cg_block(g, "helper_err");
	cont = cg_block(g, "helper_ok");
	if (LLVMGetTypeKind(LLVMTypeOf(ret)) == LLVMPointerTypeKind) {
		cond = LLVMBuildIsNull(g->b, ret, "");
		code = cg_i64(g, 0);
	} else {
		cond = LLVMBuildICmp(g->b, LLVMIntSLT, ret, LLVMConstInt(LLVMTypeOf(ret), 0, 0), "");
		code = LLVMBuildSExt(g->b, ret, g->i64, "");
		if (LLVMTypeOf(ret) == g->i64)
			code = ret;
	}
	LLVMBuildCondBr(g->b, cond, fail, cont);
	LLVMPositionBuilderAtEnd(g->b, fail);
	ev = cg_gep(g, g->scratch_base, g->event_off);
	LLVMBuildStore(g->b, cg_i64(g, a->id), ev);
	LLVMBuildStore(g->b, code, cg_gep(g, ev, 8));
	args[0] = g->events;
	args[1] = ev;
	args[2] = cg_i64(g, a->size);
	args[3] = cg_i64(g, 0);
	cg_helper(g, BH_ringbuf_output, g->i64, args, 4);
	LLVMBuildBr(g->b, cont);
	LLVMPositionBuilderAtEnd(g->b, cont);
}
