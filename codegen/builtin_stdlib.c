/* builtin_stdlib.c — code for the standard-library builtins that need more
 * than a rewrite in sema (see sema/stdlib.c):
 *
 *   percpu_kaddr("var"[, cpu])
 *       A 64-bit load of the per-CPU variable's BTF id with the
 *       BPF_PSEUDO_BTF_ID marker (llvm.bpf.pseudo emits the ld_imm64; the
 *       kernel resolves it against vmlinux BTF at load time, no relocation
 *       needed), then bpf_this_cpu_ptr() or bpf_per_cpu_ptr() (NULL when
 *       @cpu is out of range). sema put the BTF id in call.info->n.
 *   strstr(haystack, needle)
 *       Index of the first needle in haystack, or -1: a bounded double loop
 *       over the two string buffers (sizes from their types).
 *   signal_thread(sig)
 *       bpf_send_signal_thread(): signal() for the current thread only.
 *   memcmp(a, b, n)
 *       0, or the difference of the first differing bytes (as unsigned
 *       char), over the first n bytes of two values in program memory.
 *   write_user(dst, src, n)
 *       bpf_probe_write_user(); true when the helper returned 0.
 *   socket_cookie(sk)
 *       bpf_get_socket_cookie() on the struct sock * (a BTF pointer of a
 *       fentry/raw tracepoint argument). */
#include "codegen/cg_int.h"

#define HELPER_GET_SOCKET_COOKIE 46 /* bpf_get_socket_cookie */
#define HELPER_SEND_SIGNAL_THREAD 117 /* bpf_send_signal_thread */
#define HELPER_PROBE_WRITE_USER 36  /* bpf_probe_write_user */
#define PSEUDO_BTF_ID 3         /* BPF_PSEUDO_BTF_ID */
#define HELPER_PER_CPU_PTR 153  /* bpf_per_cpu_ptr */
#define HELPER_THIS_CPU_PTR 154 /* bpf_this_cpu_ptr */

static LLVMValueRef percpu_kaddr(struct cg *g, struct ast_node *n)
{
	LLVMValueRef args[2] = { cg_i64(g, PSEUDO_BTF_ID), cg_i64(g, n->call.info->n) };
	unsigned id = LLVMLookupIntrinsicID("llvm.bpf.pseudo", 15);
	LLVMValueRef f = LLVMGetIntrinsicDeclaration(g->mod, id, NULL, 0);
	LLVMValueRef var = LLVMBuildCall2(g->b, LLVMIntrinsicGetType(g->ctx, id, NULL, 0), f, args, 2, "percpu");
	LLVMValueRef cpu, p;

	if (n->call.args->next) {
		cpu = cg_expr(g, n->call.args->next);
		cpu = LLVMBuildZExtOrBitCast(g->b, LLVMBuildTrunc(g->b, cpu, g->i32, ""), g->i64, "");
		args[0] = var;
		args[1] = cpu;
		p = cg_helper(g, HELPER_PER_CPU_PTR, g->i64, args, 2);
	} else {
		args[0] = var;
		p = cg_helper(g, HELPER_THIS_CPU_PTR, g->i64, args, 1);
	}
	return p;
}

static LLVMValueRef load_byte(struct cg *g, LLVMValueRef base, LLVMValueRef idx)
{
	return LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, base, &idx, 1, ""), "");
}

static LLVMValueRef strstr_call(struct cg *g, struct ast_node *n)
{
	struct ast_node *a = n->call.args;
	LLVMValueRef hay = cg_expr(g, a), nd = cg_expr(g, a->next);
	uint32_t hsz = a->type->size, nsz = a->next->type->size;
	LLVMValueRef res = cg_tmp(g, 8, "pos"), ip = cg_tmp(g, 8, "i"), jp = cg_tmp(g, 8, "j");
	LLVMBasicBlockRef outer = cg_block(g, "ss_outer"), start = cg_block(g, "ss_start"),
			  inner = cg_block(g, "ss_inner"), body = cg_block(g, "ss_body"),
			  in_hay = cg_block(g, "ss_in_hay"), next_j = cg_block(g, "ss_next_j"),
			  next_i = cg_block(g, "ss_next_i"), found = cg_block(g, "ss_found"),
			  done = cg_block(g, "ss_done");
	LLVMValueRef i, j, k, nc, z8 = LLVMConstInt(g->i8, 0, 0);

	LLVMBuildStore(g->b, cg_i64(g, (uint64_t)-1), res);
	LLVMBuildStore(g->b, cg_i64(g, 0), ip);
	LLVMBuildBr(g->b, outer);

	/* for (i = 0; i < hsz && hay[i]; i++) */
	LLVMPositionBuilderAtEnd(g->b, outer);
	i = LLVMBuildLoad2(g->b, g->i64, ip, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, i, cg_i64(g, hsz), ""), start, done);
	LLVMPositionBuilderAtEnd(g->b, start);
	LLVMBuildStore(g->b, cg_i64(g, 0), jp);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, load_byte(g, hay, i), z8, ""), done, inner);

	/* for (j = 0; j < nsz; j++): needle ended -> found at i */
	LLVMPositionBuilderAtEnd(g->b, inner);
	j = LLVMBuildLoad2(g->b, g->i64, jp, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, j, cg_i64(g, nsz), ""), body, found);
	LLVMPositionBuilderAtEnd(g->b, body);
	nc = load_byte(g, nd, j);
	k = LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i64, ip, ""), j, "");
	{
		LLVMBasicBlockRef chk = cg_block(g, "ss_chk");

		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, nc, z8, ""), found, chk);
		LLVMPositionBuilderAtEnd(g->b, chk);
		/* the haystack is shorter than the rest of the needle: no match anywhere */
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGE, k, cg_i64(g, hsz), ""), done, in_hay);
	}
	LLVMPositionBuilderAtEnd(g->b, in_hay);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, load_byte(g, hay, k), nc, ""), next_j, next_i);
	LLVMPositionBuilderAtEnd(g->b, next_j);
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, j, cg_i64(g, 1), ""), jp);
	LLVMBuildBr(g->b, inner);

	LLVMPositionBuilderAtEnd(g->b, next_i);
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i64, ip, ""), cg_i64(g, 1), ""), ip);
	LLVMBuildBr(g->b, outer);

	LLVMPositionBuilderAtEnd(g->b, found);
	LLVMBuildStore(g->b, LLVMBuildLoad2(g->b, g->i64, ip, ""), res);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return LLVMBuildLoad2(g->b, g->i64, res, "");
}

static LLVMValueRef memcmp_call(struct cg *g, struct ast_node *n)
{
	struct ast_node *a = n->call.args;
	LLVMValueRef l = cg_expr(g, a), r = cg_expr(g, a->next);
	LLVMValueRef res = cg_tmp(g, 8, "cmp"), ip = cg_tmp(g, 8, "i"), i, x, y;
	LLVMBasicBlockRef cond = cg_block(g, "mc_cond"), body = cg_block(g, "mc_body"),
			  next = cg_block(g, "mc_next"), diff = cg_block(g, "mc_diff"), done = cg_block(g, "mc_done");

	LLVMBuildStore(g->b, cg_i64(g, 0), res);
	LLVMBuildStore(g->b, cg_i64(g, 0), ip);
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	i = LLVMBuildLoad2(g->b, g->i64, ip, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, i, cg_i64(g, n->call.info->n), ""), body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	x = LLVMBuildZExt(g->b, load_byte(g, l, i), g->i64, "");
	y = LLVMBuildZExt(g->b, load_byte(g, r, i), g->i64, "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, x, y, ""), next, diff);
	LLVMPositionBuilderAtEnd(g->b, next);
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, i, cg_i64(g, 1), ""), ip);
	LLVMBuildBr(g->b, cond);
	LLVMPositionBuilderAtEnd(g->b, diff);
	LLVMBuildStore(g->b, LLVMBuildSub(g->b, x, y, ""), res);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return LLVMBuildLoad2(g->b, g->i64, res, "");
}

static LLVMValueRef write_user(struct cg *g, struct ast_node *n)
{
	struct ast_node *a = n->call.args;
	LLVMValueRef args[3];

	args[0] = cg_expr(g, a);
	args[1] = cg_expr(g, a->next);
	args[2] = cg_i32(g, n->call.info->n);
	if (LLVMGetTypeKind(LLVMTypeOf(args[0])) != LLVMPointerTypeKind)
		args[0] = LLVMBuildIntToPtr(g->b, args[0], g->ptr, "");
	return LLVMBuildICmp(g->b, LLVMIntEQ, cg_helper(g, HELPER_PROBE_WRITE_USER, g->i64, args, 3), cg_i64(g, 0), "");
}

LLVMValueRef cg_bi_stdlib(struct cg *g, struct ast_node *n)
{
	switch (n->call.info->fn) {
	case BI_PERCPU_KADDR:
		return percpu_kaddr(g, n);
	case BI_STRSTR:
		return strstr_call(g, n);
	case BI_MEMCMP:
		return memcmp_call(g, n);
	case BI_WRITE_USER:
		return write_user(g, n);
	case BI_SIGNAL_THREAD: {
		LLVMValueRef sig = LLVMBuildTrunc(g->b, cg_expr(g, n->call.args), g->i32, "");

		cg_helper(g, HELPER_SEND_SIGNAL_THREAD, g->i64, &sig, 1);
		return cg_i64(g, 0);
	}
	case BI_SOCKET_COOKIE: {
		/* the BTF pointer goes to the helper untouched */
		LLVMValueRef sk = cg_expr(g, n->call.args);

		return cg_helper(g, HELPER_GET_SOCKET_COOKIE, g->i64, &sk, 1);
	}
	default:
		cg_error(g, n->loc, "%s() is not supported", n->call.name);
		return cg_i64(g, 0);
	}
}
