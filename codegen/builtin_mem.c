/* builtin_mem.c — strings and memory: str() through probe_read_*_str into a
 * zeroed buffer, strncmp/strcontains/strlen as bounded loops, ksym/usym
 * addresses, bswap. */
#include <string.h>

#include "codegen/cg_int.h"

static LLVMValueRef str_call(struct cg *g, struct ast_node *n)
{
	struct ast_node *a = n->call.args;
	const struct type *t = n->type, *at = a->type;
	LLVMValueRef v = cg_expr(g, a), buf, args[3], len;
	unsigned id;

	if (at->kind == TY_STRING || at->kind == TY_ARRAY)
		return cg_convert(g, v, at->kind == TY_STRING ? at : t, t);
	/* without a length, read one byte more than the type holds: a string that
	 * fills the type has no NUL and prints with the truncation trailer */
	buf = cg_tmp(g, t->size + 1, "str");
	cg_memset0(g, buf, t->size + 1);
	id = t->as == AS_USER ? BH_probe_read_user_str : t->as == AS_KERNEL ? BH_probe_read_kernel_str :
	     BH_probe_read_str;
	len = cg_i32(g, a->next ? t->size : t->size + 1);
	if (a->next && a->next->kind != AST_INT) {
		/* runtime length: min(n, size + 1) */
		LLVMValueRef n1 = cg_expr(g, a->next);
		LLVMValueRef lt = LLVMBuildICmp(g->b, LLVMIntULT, n1, cg_i64(g, t->size + 1), "");

		len = LLVMBuildTrunc(g->b, LLVMBuildSelect(g->b, lt, n1, cg_i64(g, t->size + 1), ""), g->i32, "");
	}
	if (LLVMGetTypeKind(LLVMTypeOf(v)) != LLVMPointerTypeKind)
		v = LLVMBuildIntToPtr(g->b, v, g->ptr, "");
	args[0] = buf;
	args[1] = len;
	args[2] = v;
	cg_helper(g, id, g->i64, args, 3);
	return buf;
}

/* i1: @needle occurs in @hay */
static LLVMValueRef strcontains(struct cg *g, LLVMValueRef hay, uint32_t hsz, LLVMValueRef nd, uint32_t nsz)
{
	LLVMValueRef res = cg_tmp(g, 8, "found"), ip = cg_tmp(g, 8, "i"), jp = cg_tmp(g, 8, "j");
	LLVMBasicBlockRef ocond = cg_block(g, "sc_outer"), obody = cg_block(g, "sc_obody"),
			  icond = cg_block(g, "sc_inner"), ibody = cg_block(g, "sc_ibody"),
			  inext = cg_block(g, "sc_inext"), onext = cg_block(g, "sc_onext"),
			  found = cg_block(g, "sc_found"), done = cg_block(g, "sc_done");
	LLVMValueRef i, j, c, hc, nc, idx;

	LLVMBuildStore(g->b, cg_i64(g, 0), res);
	LLVMBuildStore(g->b, cg_i64(g, 0), ip);
	LLVMBuildBr(g->b, ocond);
	/* for i in 0..hsz */
	LLVMPositionBuilderAtEnd(g->b, ocond);
	i = LLVMBuildLoad2(g->b, g->i64, ip, "");
	c = LLVMBuildICmp(g->b, LLVMIntULT, i, cg_i64(g, hsz), "");
	LLVMBuildCondBr(g->b, c, obody, done);
	LLVMPositionBuilderAtEnd(g->b, obody);
	LLVMBuildStore(g->b, cg_i64(g, 0), jp);
	LLVMBuildBr(g->b, icond);
	/* for j in 0..nsz: needle[j] == 0 -> found; i + j >= hsz or hay[i+j] != needle[j] -> next i */
	LLVMPositionBuilderAtEnd(g->b, icond);
	j = LLVMBuildLoad2(g->b, g->i64, jp, "");
	c = LLVMBuildICmp(g->b, LLVMIntULT, j, cg_i64(g, nsz), "");
	LLVMBuildCondBr(g->b, c, ibody, found);
	LLVMPositionBuilderAtEnd(g->b, ibody);
	nc = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, nd, &j, 1, ""), "");
	{
		LLVMBasicBlockRef chk = cg_block(g, "sc_chk"), cmp = cg_block(g, "sc_cmp");

		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, nc, LLVMConstInt(g->i8, 0, 0), ""), found, chk);
		LLVMPositionBuilderAtEnd(g->b, chk);
		idx = LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i64, ip, ""), j, "");
		c = LLVMBuildICmp(g->b, LLVMIntUGE, idx, cg_i64(g, hsz), "");
		LLVMBuildCondBr(g->b, c, done, cmp);
		LLVMPositionBuilderAtEnd(g->b, cmp);
		idx = LLVMBuildAnd(g->b, idx, cg_i64(g, 0xffff), "");
		hc = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, hay, &idx, 1, ""), "");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, hc, nc, ""), inext, onext);
	}
	LLVMPositionBuilderAtEnd(g->b, inext);
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, j, cg_i64(g, 1), ""), jp);
	LLVMBuildBr(g->b, icond);
	LLVMPositionBuilderAtEnd(g->b, onext);
	{
		LLVMValueRef ii = LLVMBuildLoad2(g->b, g->i64, ip, "");
		LLVMValueRef hc0 = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, hay, &ii, 1, ""), "");
		LLVMBasicBlockRef adv = cg_block(g, "sc_adv");

		/* the haystack ended: stop */
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, hc0, LLVMConstInt(g->i8, 0, 0), ""), done, adv);
		LLVMPositionBuilderAtEnd(g->b, adv);
		LLVMBuildStore(g->b, LLVMBuildAdd(g->b, ii, cg_i64(g, 1), ""), ip);
		LLVMBuildBr(g->b, ocond);
	}
	LLVMPositionBuilderAtEnd(g->b, found);
	LLVMBuildStore(g->b, cg_i64(g, 1), res);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return LLVMBuildICmp(g->b, LLVMIntNE, LLVMBuildLoad2(g->b, g->i64, res, ""), cg_i64(g, 0), "");
}

static LLVMValueRef strlen_loop(struct cg *g, LLVMValueRef s, uint32_t size)
{
	LLVMValueRef ip = cg_tmp(g, 8, "len"), i, c;
	LLVMBasicBlockRef cond = cg_block(g, "sl_cond"), body = cg_block(g, "sl_body"),
			  next = cg_block(g, "sl_next"), done = cg_block(g, "sl_done");

	LLVMBuildStore(g->b, cg_i64(g, 0), ip);
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	i = LLVMBuildLoad2(g->b, g->i64, ip, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, i, cg_i64(g, size), ""), body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	c = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, s, &i, 1, ""), "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, c, LLVMConstInt(g->i8, 0, 0), ""), done, next);
	LLVMPositionBuilderAtEnd(g->b, next);
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, i, cg_i64(g, 1), ""), ip);
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, done);
	return LLVMBuildLoad2(g->b, g->i64, ip, "");
}

LLVMValueRef cg_bi_mem(struct cg *g, struct ast_node *n)
{
	struct call_info *ci = n->call.info;
	struct ast_node *a = n->call.args;

	switch (ci->fn) {
	case BI_STR:
		return str_call(g, n);
	case BI_STRNCMP: {
		LLVMValueRef x = cg_expr(g, a), y = cg_expr(g, a->next);
		LLVMValueRef eq = cg_str_eq(g, x, a->type->size, y, a->next->type->size, ci->n ? ci->n : 1);

		if (!ci->n)
			return cg_i64(g, 0);
		return LLVMBuildZExt(g->b, LLVMBuildNot(g->b, eq, ""), g->i64, "");
	}
	case BI_STRCONTAINS: {
		LLVMValueRef x = cg_expr(g, a), y = cg_expr(g, a->next);

		return strcontains(g, x, a->type->size, y, a->next->type->size);
	}
	case BI_STRLEN:
		return strlen_loop(g, cg_expr(g, a), a->type->size);
	case BI_KSYM:
		return cg_expr(g, a);
	case BI_USYM: {
		LLVMValueRef t = cg_tmp(g, 16, "usym"), v = cg_expr(g, a);
		LLVMValueRef pid = LLVMBuildLShr(g->b, cg_helper(g, BH_get_current_pid_tgid, g->i64, NULL, 0),
						 cg_i64(g, 32), "");

		LLVMBuildStore(g->b, v, t);
		LLVMBuildStore(g->b, pid, cg_gep(g, t, 8));
		return t;
	}
	case BI_BUF: {
		const struct type *t = n->type, *at = a->type;
		uint32_t cap = t->size - 4;
		LLVMValueRef buf = cg_tmp(g, t->size, "buf"), v = cg_expr(g, a), len;

		cg_memset0(g, buf, t->size);
		if (a->next && a->next->kind != AST_INT) {
			LLVMValueRef n1 = cg_expr(g, a->next);
			LLVMValueRef lt = LLVMBuildICmp(g->b, LLVMIntULT, n1, cg_i64(g, cap), "");

			len = LLVMBuildSelect(g->b, lt, n1, cg_i64(g, cap), "");
		} else {
			len = cg_i64(g, cap);
		}
		LLVMSetAlignment(LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, len, g->i32, ""), buf), 1);
		if (at->kind == TY_STRING || at->kind == TY_ARRAY) {
			cg_memcpy(g, cg_gep(g, buf, 4), v, cap < at->size ? cap : at->size);
		} else if (a->next && a->next->kind != AST_INT) {
			LLVMValueRef args[3] = { cg_gep(g, buf, 4), LLVMBuildTrunc(g->b, len, g->i32, ""),
						 LLVMBuildIntToPtr(g->b, v, g->ptr, "") };

			/* variable size: bounded by the mask for the verifier */
			args[1] = LLVMBuildAnd(g->b, args[1], cg_i32(g, 0xffff), "");
			cg_helper(g, at->as == AS_USER ? BH_probe_read_user : at->as == AS_KERNEL ?
				     BH_probe_read_kernel : BH_probe_read, g->i64, args, 3);
		} else {
			cg_probe_read(g, cg_gep(g, buf, 4), cap, v, at->as == AS_USER ? MEM_USER :
				      at->as == AS_KERNEL ? MEM_KERNEL : MEM_ANY);
		}
		return buf;
	}
	case BI_STRFTIME:
		return cg_expr(g, a->next);
	case BI_NTOP: {
		LLVMValueRef t = cg_tmp(g, 24, "inet"), fam, v;
		struct ast_node *x = a->next ? a->next : a;

		cg_memset0(g, t, 24);
		v = cg_expr(g, x);
		if (a->next)
			fam = cg_expr(g, a);
		else
			fam = cg_i64(g, x->type->kind == TY_ARRAY && x->type->size == 16 ? 10 : 2);
		LLVMBuildStore(g->b, fam, t);
		if (cg_is_scalar(x->type)) {
			if (LLVMGetIntTypeWidth(LLVMTypeOf(v)) > 32)
				v = LLVMBuildTrunc(g->b, v, g->i32, "");
			LLVMSetAlignment(LLVMBuildStore(g->b, v, cg_gep(g, t, 8)), 1);
		} else {
			cg_memcpy(g, cg_gep(g, t, 8), v, x->type->size > 16 ? 16 : x->type->size);
		}
		return t;
	}
	case BI_MACADDR: {
		LLVMValueRef t = cg_tmp(g, 8, "mac"), v = cg_expr(g, a);

		cg_memset0(g, t, 8);
		if (a->type->kind == TY_ARRAY || a->type->kind == TY_STRING)
			cg_memcpy(g, t, v, 6);
		else
			cg_probe_read(g, t, 6, v, a->type->as == AS_USER ? MEM_USER : MEM_KERNEL);
		return t;
	}
	case BI_REG:
		return LLVMBuildLoad2(g->b, g->i64, cg_gep(g, g->ctxp, ci->n), "");
	case BI_UADDR:
		return cg_uaddr(g, n);
	case BI_KPTR:
	case BI_UPTR:
	case BI_STRERROR:
		return cg_expr(g, a);
	case BI_BSWAP: {
		LLVMValueRef v = cg_expr(g, a);
		LLVMTypeRef t = LLVMTypeOf(v);
		unsigned id;
		LLVMValueRef f;

		if (LLVMGetIntTypeWidth(t) == 8)
			return v;
		id = LLVMLookupIntrinsicID("llvm.bswap", 10);
		f = LLVMGetIntrinsicDeclaration(g->mod, id, &t, 1);
		return LLVMBuildCall2(g->b, LLVMIntrinsicGetType(g->ctx, id, &t, 1), f, &v, 1, "");
	}
	default:
		cg_error(g, n->loc, "%s() is not supported", n->call.name);
		return LLVMConstInt(n->type && cg_is_scalar(n->type) ? cg_ltype(g, n->type) : g->i64, 0, 0);
	}
}
