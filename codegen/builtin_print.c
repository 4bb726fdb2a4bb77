/* builtin_print.c — calls that talk to user space through the "events" ring
 * buffer: printf/errorf/warnf/system/cat, print, time, join, clear/zero, exit;
 * plus signal(). An event is header (u64 action id) + payload laid out as
 * action->args says; it is built in the scratch area and copied out with one
 * bpf_ringbuf_output. */
#include <string.h>

#include "codegen/cg_int.h"

static LLVMValueRef event_buf(struct cg *g, const struct action *a)
{
	LLVMValueRef p = cg_gep(g, g->scratch_base, g->event_off);

	LLVMBuildStore(g->b, cg_i64(g, a->id), p);
	return p;
}

/* Batched wake-ups. Waking the reader costs the producer about as much as
 * the rest of a printf event, and the kernel's default wakes it for every
 * record it has caught up with. So a record wakes the reader only when
 *   - it takes what is waiting past a quarter of the ring (at most 64 KiB)
 *     (forced), or
 *   - the ring was empty and no wake-up was sent for EVENT_WAKE_NS (slot 1
 *     of the "state" array holds the time of the last one): the first event
 *     after a quiet spell shows at once;
 * else BPF_RB_NO_WAKEUP. The runtime reads what is left without a wake-up
 * after a short timeout whenever it has just handled events (rt_poll), so
 * nothing waits long. exit() always wakes the reader. */
#define EVENT_WAKE_NS 1000000ull
#define BH_RINGBUF_QUERY 134 /* BPF_FUNC_ringbuf_query */
#define RB_NO_WAKEUP 1
#define RB_FORCE_WAKEUP 2

static uint64_t event_wake_bytes(struct cg *g)
{
	uint64_t rb = (g->res->cfg.perf_rb_pages ? g->res->cfg.perf_rb_pages : 64) * 4096ull, p = 4096;

	while (p < rb)
		p <<= 1;
	return p / 4 < 65536 ? p / 4 : 65536;
}

/* A pointer to slot @idx of the "state" array (NULL only if the look-up
 * fails, which the verifier insists on checking). */
static LLVMValueRef state_slot(struct cg *g, uint32_t idx, const char *name)
{
	LLVMValueRef key = cg_alloca(g, g->i32, name), args[2];

	LLVMBuildStore(g->b, cg_i32(g, idx), key);
	args[0] = g->state;
	args[1] = key;
	return cg_helper(g, BH_map_lookup_elem, g->ptr, args, 2);
}

static LLVMValueRef event_wake_flags(struct cg *g, LLVMValueRef size)
{
	LLVMValueRef qargs[2] = { g->events, cg_i64(g, 0) /* BPF_RB_AVAIL_DATA */ };
	LLVMValueRef avail = cg_helper(g, BH_RINGBUF_QUERY, g->i64, qargs, 2);
	LLVMValueRef slot, now, last, flags, cross;
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef empty = cg_block(g, "wake_empty"), chk = cg_block(g, "wake_check"),
			  upd = cg_block(g, "wake_update"), done = cg_block(g, "wake_done");
	LLVMBasicBlockRef from_full;
	LLVMValueRef phi, vals[4];
	LLVMBasicBlockRef blocks[4];

	/* forced only by the record that takes the backlog over the mark:
	 * a reader that is already awake (or runnable but waiting for a CPU)
	 * gains nothing from a wake-up per record, and each costs the
	 * producer an irq_work */
	cross = LLVMBuildSub(g->b, LLVMBuildAdd(g->b, avail, size, ""),
			     cg_i64(g, event_wake_bytes(g)), "");
	flags = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntULT, cross, size, ""),
				cg_i64(g, RB_FORCE_WAKEUP), cg_i64(g, RB_NO_WAKEUP), "");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, avail, cg_i64(g, 0), ""), empty, done);
	from_full = cur;
	LLVMPositionBuilderAtEnd(g->b, empty);
	slot = state_slot(g, 1, "wkey");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, slot, ""), done, chk);
	LLVMPositionBuilderAtEnd(g->b, chk);
	now = cg_helper(g, BH_ktime_get_ns, g->i64, NULL, 0);
	last = LLVMBuildLoad2(g->b, g->i64, slot, "");
	LLVMBuildCondBr(g->b,
			LLVMBuildICmp(g->b, LLVMIntUGE, LLVMBuildSub(g->b, now, last, ""),
				      cg_i64(g, EVENT_WAKE_NS), ""),
			upd, done);
	LLVMPositionBuilderAtEnd(g->b, upd);
	LLVMBuildStore(g->b, now, slot);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, g->i64, "wake_flags");
	vals[0] = flags;
	blocks[0] = from_full;
	vals[1] = cg_i64(g, RB_NO_WAKEUP);
	blocks[1] = empty;
	vals[2] = cg_i64(g, RB_NO_WAKEUP);
	blocks[2] = chk;
	vals[3] = cg_i64(g, 0); /* adaptive: wakes a reader that has caught up */
	blocks[3] = upd;
	LLVMAddIncoming(phi, vals, blocks, 4);
	return phi;
}

static void event_output(struct cg *g, LLVMValueRef p, LLVMValueRef size, bool force_wake)
{
	LLVMValueRef flags = force_wake ? cg_i64(g, RB_FORCE_WAKEUP) : event_wake_flags(g, size);

	if (g->probe && !g->probe->is_begin && !g->probe->is_end)
		g->events_streaming = true;
	LLVMValueRef args[4] = { g->events, p, size, flags };
	LLVMValueRef r = cg_helper(g, BH_ringbuf_output, g->i64, args, 4);
	LLVMBasicBlockRef lost = cg_block(g, "event_lost"), done = cg_block(g, "event_done");

	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, r, cg_i64(g, 0), ""), lost, done);
	LLVMPositionBuilderAtEnd(g->b, lost);
	cg_counter_inc(g, g->lost, 0, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

void cg_event_output(struct cg *g, LLVMValueRef p, LLVMValueRef size)
{
	event_output(g, p, size, false);
}

static void event_send(struct cg *g, const struct action *a, LLVMValueRef p)
{
	event_output(g, p, cg_i64(g, a->size), a->kind == ACT_EXIT);
}

/* Evaluates @args into the payload of @a. */
static void fill_payload(struct cg *g, const struct action *a, struct ast_node *args, LLVMValueRef ev)
{
	const struct type *pt = a->args;
	LLVMValueRef vals[64];
	uint32_t i = 0;

	for (struct ast_node *x = args; x && i < 64; x = x->next, i++)
		vals[i] = cg_expr(g, x);
	i = 0;
	for (struct ast_node *x = args; x && i < 64 && pt && i < pt->n_fields; x = x->next, i++) {
		const struct type_field *f = &pt->fields[i];
		LLVMValueRef v = cg_convert(g, vals[i], x->type, f->type);

		cg_store(g, f->type, v, cg_gep(g, ev, 8 + f->offset));
	}
}

/* debugf(): the program writes to the kernel's trace buffer itself with
 * bpf_trace_vprintk(fmt, size, u64 args[], 8 * n); the format is a constant
 * in .rodata (the helper wants read-only memory), a string argument is
 * passed as a pointer to its bytes in the scratch copy of the arguments. */
static void debugf(struct cg *g, const struct action *a, struct ast_node *args)
{
	const struct type *pt = a->args;
	uint32_t n = pt ? pt->n_fields : 0, flen = (uint32_t)strlen(a->fmt) + 1;
	LLVMValueRef ev = cg_gep(g, g->scratch_base, g->event_off), fmt, arr = NULL, hargs[4];
	LLVMTypeRef fty = LLVMArrayType(g->i8, flen);
	char name[32];

	snprintf(name, sizeof(name), "debugf_fmt_%u", a->id);
	fmt = LLVMAddGlobal(g->mod, fty, name);
	LLVMSetInitializer(fmt, LLVMConstStringInContext(g->ctx, a->fmt, flen - 1, 0));
	LLVMSetGlobalConstant(fmt, 1);
	LLVMSetLinkage(fmt, LLVMPrivateLinkage);
	LLVMSetSection(fmt, ".rodata");
	fill_payload(g, a, args, ev);
	if (n) {
		arr = cg_tmp(g, 8 * n, "debugf_args");
		for (uint32_t i = 0; i < n; i++) {
			const struct type_field *f = &pt->fields[i];
			LLVMValueRef p = cg_gep(g, ev, 8 + f->offset), v;

			if (cg_is_scalar(f->type)) {
				v = cg_load(g, f->type, p);
				if (LLVMGetIntTypeWidth(LLVMTypeOf(v)) < 64)
					v = f->type->is_signed ? LLVMBuildSExt(g->b, v, g->i64, "")
							       : LLVMBuildZExt(g->b, v, g->i64, "");
			} else
				v = LLVMBuildPtrToInt(g->b, p, g->i64, "");
			LLVMBuildStore(g->b, v, cg_gep(g, arr, 8 * i));
		}
	}
	hargs[0] = fmt;
	hargs[1] = cg_i32(g, flen);
	hargs[2] = arr ? arr : LLVMConstNull(g->ptr);
	hargs[3] = cg_i32(g, 8 * n);
	cg_helper(g, BH_trace_vprintk, g->i64, hargs, 4);
}

LLVMValueRef cg_bi_print(struct cg *g, struct ast_node *n)
{
	struct call_info *ci = n->call.info;
	const struct action *a = ci->action;
	LLVMValueRef ev;

	switch (ci->fn) {
	case BI_SIGNAL: {
		LLVMValueRef sig = cg_expr(g, n->call.args);
		LLVMValueRef args[1] = { LLVMBuildTrunc(g->b, sig, g->i32, "") };

		cg_helper(g, BH_send_signal, g->i64, args, 1);
		return cg_i64(g, 0);
	}
	case BI_OVERRIDE:
		cg_error(g, n->loc, "override() is not supported");
		return cg_i64(g, 0);
	default:
		break;
	}
	if (!a) {
		cg_error(g, n->loc, "%s() is not supported", n->call.name);
		return cg_i64(g, 0);
	}
	switch (ci->fn) {
	case BI_DEBUGF:
		debugf(g, a, n->call.args->next);
		break;
	case BI_PRINTF:
	case BI_ERRORF:
	case BI_WARNF:
	case BI_SYSTEM:
	case BI_CAT: {
		LLVMValueRef vals_ev;

		/* arguments first: they may use scratch temporaries, not the event */
		vals_ev = cg_gep(g, g->scratch_base, g->event_off);
		fill_payload(g, a, n->call.args->next, vals_ev);
		event_buf(g, a);
		event_send(g, a, vals_ev);
		break;
	}
	case BI_PRINT:
		ev = cg_gep(g, g->scratch_base, g->event_off);
		if (ci->map) {
			struct ast_node *top = n->call.args->next, *div = top ? top->next : NULL;
			LLVMValueRef tv = top ? cg_expr(g, top) : cg_i64(g, 0);
			LLVMValueRef dv = div ? cg_expr(g, div) : cg_i64(g, 0);

			LLVMBuildStore(g->b, cg_convert(g, tv, top ? top->type : NULL, NULL), cg_gep(g, ev, 8));
			LLVMBuildStore(g->b, dv, cg_gep(g, ev, 16));
		} else {
			fill_payload(g, a, n->call.args, ev);
		}
		event_buf(g, a);
		event_send(g, a, ev);
		break;
	case BI_JOIN: {
		/* up to n strings behind an array of pointers; stops at NULL */
		const struct type *arr = a->args;
		uint32_t elem = arr->elem->size;
		LLVMValueRef base = cg_expr(g, n->call.args), slot = cg_tmp(g, 8, "argp");
		LLVMBasicBlockRef done = cg_block(g, "join_done");
		enum addrspace as = n->call.args->type->as;

		ev = cg_gep(g, g->scratch_base, g->event_off);
		cg_memset0(g, cg_gep(g, ev, 8), arr->size);
		for (uint32_t i = 0; i < arr->n; i++) {
			LLVMBasicBlockRef more = cg_block(g, "join_next");
			LLVMValueRef p, args[3];

			LLVMBuildStore(g->b, cg_i64(g, 0), slot);
			cg_probe_read(g, slot, 8, LLVMBuildAdd(g->b, base, cg_i64(g, 8 * i), ""),
				      as == AS_USER ? MEM_USER : as == AS_KERNEL ? MEM_KERNEL : MEM_ANY);
			p = LLVMBuildLoad2(g->b, g->i64, slot, "");
			LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, more);
			LLVMPositionBuilderAtEnd(g->b, more);
			args[0] = cg_gep(g, ev, 8 + i * elem);
			args[1] = cg_i32(g, elem);
			args[2] = LLVMBuildIntToPtr(g->b, p, g->ptr, "");
			cg_helper(g, as == AS_USER ? BH_probe_read_user_str : as == AS_KERNEL ?
				     BH_probe_read_kernel_str : BH_probe_read_str, g->i64, args, 3);
		}
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
		event_buf(g, a);
		event_send(g, a, ev);
		break;
	}
	case BI_TIME:
	case BI_CLEAR:
	case BI_ZERO:
		ev = event_buf(g, a);
		event_send(g, a, ev);
		break;
	case BI_EXIT: {
		LLVMValueRef code = n->call.args ? cg_expr(g, n->call.args) : cg_i64(g, 0);

		ev = cg_gep(g, g->scratch_base, g->event_off);
		LLVMBuildStore(g->b, code, cg_gep(g, ev, 8));
		event_buf(g, a);
		event_send(g, a, ev);
		{
			/* mark the program as exiting (see probe_fn) */
			LLVMValueRef v = state_slot(g, 0, "skey");
			LLVMBasicBlockRef set = cg_block(g, "exit_set"), done = cg_block(g, "exit_done");

			LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, v, ""), done, set);
			LLVMPositionBuilderAtEnd(g->b, set);
			LLVMBuildStore(g->b, cg_i64(g, 1), v);
			LLVMBuildBr(g->b, done);
			LLVMPositionBuilderAtEnd(g->b, done);
		}
		if (g->in_callback) {
			LLVMBuildStore(g->b, cg_i64(g, 1), g->cb_ctx);
			LLVMBuildRet(g->b, cg_i64(g, 1));
		} else {
			cg_return(g);
		}
		break;
	}
	default:
		cg_error(g, n->loc, "%s() is not supported", n->call.name);
	}
	return cg_i64(g, 0);
}
