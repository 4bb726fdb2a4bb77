/* builtin_stdlib.c — code for the standard-library builtins that need more
 * than a rewrite in sema (see sema/stdlib.c):
 *
 *   percpu_kaddr("var"[, cpu])
 *       A 64-bit load of the per-CPU variable's BTF id with the
 *       BPF_PSEUDO_BTF_ID marker (llvm.bpf.pseudo emits the ld_imm64; the
 *       kernel resolves it against vmlinux BTF at load time, no relocation
 *       needed), then bpf_this_cpu_ptr() or bpf_per_cpu_ptr() (NULL when
 *       @cpu is out of range). sema put the BTF id in call.info->n.
 *   socket_cookie(sk)
 *       bpf_get_socket_cookie() on the struct sock * (a BTF pointer of a
 *       fentry/raw tracepoint argument). */
#include "codegen/cg_int.h"

#define HELPER_GET_SOCKET_COOKIE 46 /* bpf_get_socket_cookie */
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

LLVMValueRef cg_bi_stdlib(struct cg *g, struct ast_node *n)
{
	switch (n->call.info->fn) {
	case BI_PERCPU_KADDR:
		return percpu_kaddr(g, n);
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
