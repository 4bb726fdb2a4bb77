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
	LLVMValueRef tmp = cg_tmp(g, rec->size ? rec->size : 8, "args");

	/* slot by slot: the optimizer drops the copies nobody reads */
	for (uint32_t off = 0; off + 8 <= rec->size; off += 8) {
		LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, g->ctxp, off), "");
		LLVMValueRef st;

		LLVMSetAlignment(v, 8);
		st = LLVMBuildStore(g->b, v, cg_gep(g, tmp, off));
		LLVMSetAlignment(st, 8);
	}
	return tmp;
}
