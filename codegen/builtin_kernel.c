/* builtin_kernel.c — the context of kernel trampoline probes (fentry/fexit)
 * and raw tracepoints: an array of u64 slots, one per argument, followed
 * for fexit by the return value. The verifier accepts only aligned reads of
 * whole slots there (btf_ctx_access), so a narrower field is read as its
 * full slot and truncated. */
#include <string.h>

#include "codegen/cg_int.h"
#include "probes/probe.h"

LLVMValueRef cg_ctx_slot(struct cg *g, const struct type *t, uint32_t off)
{
	LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, g->ctxp, off), "slot");
	LLVMTypeRef lt;

	LLVMSetAlignment(v, 8);
	if (t->kind == TY_BOOL)
		return LLVMBuildICmp(g->b, LLVMIntNE, v, cg_i64(g, 0), "");
	lt = cg_ltype(g, t);
	if (LLVMGetTypeKind(lt) == LLVMIntegerTypeKind && LLVMGetIntTypeWidth(lt) < 64)
		return LLVMBuildTrunc(g->b, v, lt, "");
	return v;
}

bool cg_ctx_slot_field(const struct type *rec, const struct type_field *f)
{
	return rec->kind == TY_RECORD && rec->is_ctx && f && f->offset % 8 == 0 && f->type &&
	       cg_is_scalar(f->type) && f->type->size <= 8 && !f->bit_size;
}

LLVMValueRef cg_kernel_retval(struct cg *g, struct ast_node *n)
{
	const struct probe_ctx *pc = g->probe ? g->probe->ctx : NULL;
	const struct type *rec = pc ? pc->args : NULL;

	for (uint32_t i = 0; rec && i < rec->n_fields; i++)
		if (rec->fields[i].name && strcmp(rec->fields[i].name, "retval") == 0)
			return cg_ctx_slot(g, n->type, rec->fields[i].offset);
	cg_error(g, n->loc, "retval is not available here");
	return LLVMConstInt(cg_ltype(g, n->type), 0, 0);
}

LLVMValueRef cg_kernel_args(struct cg *g, const struct type *rec)
{
	uint32_t size = rec->size ? rec->size : 8;
	LLVMValueRef tmp = cg_tmp(g, size, "args");

	/* a helper copy: loaded slots holding BTF pointers would reach the
	 * verifier through the byte shifts of unaligned stores (pointer
	 * arithmetic it refuses) */
	cg_probe_read(g, tmp, size, LLVMBuildPtrToInt(g->b, g->ctxp, g->i64, ""), MEM_KERNEL);
	return tmp;
}

bool cg_is_ctx_args(struct cg *g, const struct ast_node *e)
{
	const struct probe_ctx *pc = g->probe ? g->probe->ctx : NULL;

	return pc && (pc->kind == PCTX_TRAMPOLINE || pc->kind == PCTX_RAW_TP) &&
	       e->kind == AST_CALL && e->call.info && e->call.info->fn == BI_ARGS &&
	       e->call.info->n != 1 && e->type && e->type->kind == TY_RECORD && e->type->is_ctx;
}

LLVMValueRef cg_kernel_func_ip(struct cg *g)
{
	LLVMValueRef ctx = g->ctxp;

	return cg_helper(g, 173 /* bpf_get_func_ip */, g->i64, &ctx, 1);
}
