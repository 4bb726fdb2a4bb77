/* builtin_proc.c — builtin variables: process identity, time, CPU, context
 * arguments (argN from pt_regs or the raw tracepoint u64 array, args from the
 * tracepoint record), stacks. */
#include <string.h>
#include <sys/stat.h>

#include "codegen/cg_int.h"
#include "probes/probe.h"

/* x86-64 struct pt_regs offsets of the argument registers */
static const uint32_t pt_regs_arg[] = { 112, 104, 96, 88, 72, 64 };
#define PT_REGS_AX 80

static LLVMValueRef ctx_u64(struct cg *g, uint32_t off)
{
	LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, g->ctxp, off), "");

	return v;
}

static LLVMValueRef helper0(struct cg *g, unsigned id)
{
	return cg_helper(g, id, g->i64, NULL, 0);
}

/* bpf_get_ns_current_pid_tgid(dev, ino, struct bpf_pidns_info *, size) */
#define CG_HELPER_NS_PID_TGID 120
/* the initial pid namespace's inode number (PROC_PID_INIT_INO) */
#define CG_PID_INIT_INO 0xEFFFFFFCULL

/* The pid namespace scry runs in, when it is not the initial one: pid and
 * tid (without init) are then numbered as seen from it, as in bpftrace. */
static bool own_pidns(uint64_t *dev, uint64_t *ino)
{
	static int cached = -1;
	static uint64_t c_dev, c_ino;
	struct stat st;

	if (cached < 0) {
		cached = stat("/proc/self/ns/pid", &st) == 0 && st.st_ino != CG_PID_INIT_INO;
		if (cached) {
			c_dev = st.st_dev;
			c_ino = st.st_ino;
		}
	}
	*dev = c_dev;
	*ino = c_ino;
	return cached == 1;
}

/* pid (@want_tgid) or tid of the current task in scry's own pid namespace */
static LLVMValueRef ns_pid_tid(struct cg *g, uint64_t dev, uint64_t ino, bool want_tgid)
{
	LLVMValueRef info = cg_alloca(g, g->i64, "pidns_info"), args[4];

	LLVMBuildStore(g->b, cg_i64(g, 0), info);
	args[0] = cg_i64(g, dev);
	args[1] = cg_i64(g, ino);
	args[2] = info;
	args[3] = cg_i32(g, 8);
	cg_helper(g, CG_HELPER_NS_PID_TGID, g->i64, args, 4);
	/* struct bpf_pidns_info { u32 pid; u32 tgid; } */
	return LLVMBuildLoad2(g->b, g->i32, cg_gep(g, info, want_tgid ? 4 : 0), want_tgid ? "pid" : "tid");
}

LLVMValueRef cg_bi_proc(struct cg *g, struct ast_node *n)
{
	struct call_info *ci = n->call.info;
	const struct probe_ctx *pc = g->probe ? g->probe->ctx : NULL;
	LLVMValueRef v;

	switch (ci->fn) {
	case BI_PID: {
		uint64_t dev, ino;

		if (ci->n == 0 && own_pidns(&dev, &ino))
			return ns_pid_tid(g, dev, ino, true);
	}
		v = LLVMBuildLShr(g->b, helper0(g, BH_get_current_pid_tgid), cg_i64(g, 32), "");
		return LLVMBuildTrunc(g->b, v, g->i32, "pid");
	case BI_TID: {
		uint64_t dev, ino;

		if (ci->n == 0 && own_pidns(&dev, &ino))
			return ns_pid_tid(g, dev, ino, false);
	}
		return LLVMBuildTrunc(g->b, helper0(g, BH_get_current_pid_tgid), g->i32, "tid");
	case BI_UID:
		return LLVMBuildAnd(g->b, helper0(g, BH_get_current_uid_gid), cg_i64(g, 0xffffffff), "uid");
	case BI_GID:
		return LLVMBuildLShr(g->b, helper0(g, BH_get_current_uid_gid), cg_i64(g, 32), "gid");
	case BI_USERNAME:
		return LLVMBuildAnd(g->b, helper0(g, BH_get_current_uid_gid), cg_i64(g, 0xffffffff), "uid");
	case BI_NSECS:
		switch (ci->n) {
		case 0:
			return helper0(g, BH_ktime_get_ns);
		case 2:
		case 3:
			return helper0(g, BH_ktime_get_tai_ns);
		default:
			return helper0(g, BH_ktime_get_boot_ns);
		}
	case BI_ELAPSED:
		/* boot-clock ns since the object was generated; close enough to start */
		return LLVMBuildSub(g->b, helper0(g, BH_ktime_get_boot_ns), cg_i64(g, 0), "");
	case BI_CPU:
		return helper0(g, BH_get_smp_processor_id);
	case BI_NUMAID:
		return helper0(g, BH_get_numa_node_id);
	case BI_NCPUS:
		return cg_i64(g, g->n_cpus);
	case BI_RAND:
		return LLVMBuildAnd(g->b, helper0(g, BH_get_prandom_u32), cg_i64(g, 0xffffffff), "");
	case BI_CGROUP:
		return helper0(g, BH_get_current_cgroup_id);
	case BI_CURTASK:
		return helper0(g, BH_get_current_task);
	case BI_JIFFIES:
		return helper0(g, BH_jiffies64);
	case BI_COMM: {
		LLVMValueRef t = cg_tmp(g, 16, "comm"), args[2] = { t, cg_i32(g, 16) };

		cg_memset0(g, t, 16);
		cg_helper(g, BH_get_current_comm, g->i64, args, 2);
		return t;
	}
	case BI_ARGS:
		if (ci->n == 1) /* ctx */
			return LLVMBuildPtrToInt(g->b, g->ctxp, g->i64, "");
		if (pc && pc->kind == PCTX_PT_REGS && n->type && n->type->kind == TY_RECORD)
			return cg_uprobe_args(g, n->type);
		if (pc && (pc->kind == PCTX_TRAMPOLINE || pc->kind == PCTX_RAW_TP) && n->type &&
		    n->type->kind == TY_RECORD && n->type->is_ctx)
			return cg_kernel_args(g, n->type);
		return g->ctxp;
	case BI_ARG:
		if (pc && pc->n_usdt_sites)
			return cg_usdt_arg(g, ci->n);
		if (pc && pc->kind == PCTX_RAW_TP)
			return ctx_u64(g, ci->n * 8);
		if (ci->n < ARRAY_SIZE(pt_regs_arg))
			return ctx_u64(g, pt_regs_arg[ci->n]);
		cg_error(g, n->loc, "arg%u is not available", ci->n);
		return cg_i64(g, 0);
	case BI_FUNC: /* kprobe_multi (sema made it a constant elsewhere) */
		return cg_kernel_func_ip(g);
	case BI_RETVAL:
		if (pc && pc->kind == PCTX_TRAMPOLINE)
			return cg_kernel_retval(g, n);
		return ctx_u64(g, PT_REGS_AX);
	case BI_KSTACK:
	case BI_USTACK: {
		bool bid = ci->fn == BI_USTACK && n->type->stack_mode == STACK_BUILD_ID;
		LLVMValueRef args[3] = { g->ctxp, bid ? g->stacks_bid : g->stacks,
					 cg_i64(g, ci->fn == BI_USTACK ? 256 : 0) };
		LLVMValueRef id = cg_helper(g, BH_get_stackid, g->i64, args, 3);

		if (ci->fn == BI_KSTACK)
			return id;
		{
			LLVMValueRef t = cg_tmp(g, 16, "ustack");
			LLVMValueRef pid = LLVMBuildLShr(g->b, helper0(g, BH_get_current_pid_tgid), cg_i64(g, 32), "");

			LLVMBuildStore(g->b, id, t);
			LLVMBuildStore(g->b, pid, cg_gep(g, t, 8));
			return t;
		}
	}
	case BI_USERMODE:
		if (pc && pc->kind == PCTX_PT_REGS) {
			/* (regs->cs & 3) == 3 */
			LLVMValueRef cs = ctx_u64(g, 136);

			return LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, LLVMBuildAnd(g->b, cs, cg_i64(g, 3), ""),
								 cg_i64(g, 3), ""), g->i8, "");
		}
		return LLVMConstInt(g->i8, 0, 0);
	case BI_HAS_CPID:
		return LLVMConstInt(g->i1, 0, 0);
	case BI_CPID:
	case BI_PPID:
	default:
		cg_error(g, n->loc, "builtin '%s' is not supported", n->call.name);
		return LLVMConstInt(cg_ltype(g, n->type), 0, 0);
	}
}
