/* builtin_proc.c — builtin variables (pid, comm, nsecs, args, argN, retval,
 * probe, func, ...): an identifier or zero-argument call becomes an AST_CALL
 * with call.info; probe-dependent constants (probe, probetype, func for most
 * probe types) become string literals. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

static struct ast_node *str_lit(struct sema *s, struct ast_node **np, const char *v)
{
	struct ast_node *n = *np, *lit = ast_str(s->cx, n->loc, v, strlen(v));

	lit->next = n->next;
	lit->type = sema_ty_string(s, strlen(v) + 1);
	*np = lit;
	return lit;
}

static const char *probe_type_name(struct sema *s)
{
	const struct probe_target *t = s->pinfo ? s->pinfo->target : NULL;

	return t && t->ops ? t->ops->name : "";
}

const struct type *sema_builtin_var(struct sema *s, struct ast_node **np, enum builtin_fn fn)
{
	struct ast_node *n = *np, *c;
	struct call_info *ci;
	const struct type *t = NULL;
	const struct probe_ctx *pc = s->pctx;
	const struct probe_target *tg = s->pinfo ? s->pinfo->target : NULL;
	uint32_t argn = 0;

	if (n->kind == AST_IDENT) {
		c = ast_new(s->cx, AST_CALL, n->loc);
		c->call.name = n->ident.name;
		c->next = n->next;
		*np = c;
		n = c;
	}
	if (fn == BI_ARG && n->call.name[0] == 'a' && n->call.name[3])
		argn = strtoul(n->call.name + 3, NULL, 10);
	ci = sema_call_info(s, n, fn);
	ci->n = argn;

	switch (fn) {
	case BI_PPID: {
		/* task->real_parent->tgid, task defaulting to curtask */
		struct ast_node *task = n->call.args, *f1, *f2;

		if (!task || (task->kind == AST_IDENT && (!strcmp(task->ident.name, "curr_ns") ||
							   !strcmp(task->ident.name, "init"))))
			task = ast_ident(s->cx, n->loc, "curtask");
		f1 = ast_new(s->cx, AST_FIELD, n->loc);
		f1->field.e = task;
		f1->field.name = str_intern0(s->a, "real_parent");
		f1->field.is_arrow = true;
		f2 = ast_new(s->cx, AST_FIELD, n->loc);
		f2->field.e = f1;
		f2->field.name = str_intern0(s->a, "tgid");
		f2->field.is_arrow = true;
		f2->next = n->next;
		*np = f2;
		return sema_expr(s, np);
	}
	case BI_PID:
	case BI_TID:
		if (n->call.args) {
			/* pid(curr_ns) / pid(init): accepted, same value here */
			if (n->call.args->kind != AST_IDENT ||
			    (strcmp(n->call.args->ident.name, "curr_ns") &&
			     strcmp(n->call.args->ident.name, "init"))) {
				sema_err(s, n->call.args->loc, "%s() only supports curr_ns and init as the argument",
					 n->call.name);
				return NULL;
			}
			ci->n = !strcmp(n->call.args->ident.name, "init");
		}
		t = sema_ty_int(s, 4, false);
		break;
	case BI_UID:
	case BI_GID:
	case BI_ELAPSED:
	case BI_CGROUP:
	case BI_CPU:
	case BI_RAND:
	case BI_JIFFIES:
	case BI_NCPUS:
	case BI_NUMAID:
		t = sema_ty_int(s, 8, false);
		break;
	case BI_NSECS:
		if (n->call.args) {
			const char *k = n->call.args->kind == AST_IDENT ? n->call.args->ident.name : "";

			if (!strcmp(k, "monotonic"))
				ci->n = 0;
			else if (!strcmp(k, "boot"))
				ci->n = 1;
			else if (!strcmp(k, "tai"))
				ci->n = 2;
			else if (!strcmp(k, "sw_tai"))
				ci->n = 3;
			else {
				sema_err(s, n->call.args->loc, "Invalid timestamp mode: %s", k);
				return NULL;
			}
		} else {
			ci->n = 1;
		}
		t = sema_ty_int(s, 8, false);
		break;
	case BI_CPID: {
		struct ast_node *lit;

		if (!s->o || !s->o->has_child) {
			sema_err(s, n->loc, "cpid cannot be used without child command");
			return NULL;
		}
		/* the child exists before sema runs: its pid is a constant */
		lit = ast_int(s->cx, n->loc, (uint64_t)s->o->cpid);
		lit->type = sema_ty_int(s, 8, false);
		lit->next = n->next;
		*np = lit;
		return lit->type;
	}
	case BI_HAS_CPID:
		t = sema_ty_bool(s);
		break;
	case BI_USERMODE:
		if (s->pinfo && (s->pinfo->is_begin || s->pinfo->is_end)) {
			/* begin/end run from user space */
			struct ast_node *lit = ast_int(s->cx, n->loc, 1);

			lit->type = sema_ty_int(s, 1, false);
			lit->next = n->next;
			*np = lit;
			return lit->type;
		}
		t = sema_ty_int(s, 1, false);
		break;
	case BI_COMM:
		if (n->call.args) {
			sema_err(s, n->loc, "comm(pid) is not supported");
			return NULL;
		}
		t = sema_ty_string(s, 16);
		break;
	case BI_USERNAME:
		t = sema_ty_simple(s, TY_USERNAME, 8);
		break;
	case BI_CURTASK: {
		struct ast_node fake = { 0 };
		const struct type *ts;
		bool saved = s->is_discovery;

		/* a task_struct defined in the program wins over the kernel's */
		fake.kind = AST_TYPE;
		fake.loc = n->loc;
		fake.typ.base = "struct task_struct";
		s->is_discovery = true;
		ts = sema_ty_resolve(s, &fake);
		s->is_discovery = saved;

		t = ts ? sema_ty_ptr(s, ts, AS_KERNEL) : sema_ty_int(s, 8, false);
		break;
	}
	case BI_PROBE:
		str_lit(s, np, tg && tg->full ? tg->full : "");
		return (*np)->type;
	case BI_PROBETYPE:
		str_lit(s, np, s->pinfo && (s->pinfo->is_begin || s->pinfo->is_end) ? "special" :
			       probe_type_name(s));
		return (*np)->type;
	case BI_FUNC:
		/* kprobe_multi: the function's address, printed as its symbol */
		if (tg && tg->n_syms) {
			t = sema_ty_simple(s, TY_KSYM, 8);
			break;
		}
		/* every expanded target is its own program: the name is a constant */
		str_lit(s, np, tg && tg->func ? tg->func : "");
		return (*np)->type;
	case BI_ARGS:
		if (!pc || !pc->has_args || !pc->args) {
			sema_err(s, n->loc, "The args builtin can only be used with tracepoint/fentry/uprobe probes (%s used here)",
				 probe_type_name(s));
			return NULL;
		}
		t = pc->args;
		break;
	case BI_ARG:
		if (!pc || (pc->kind != PCTX_PT_REGS && pc->kind != PCTX_RAW_TP)) {
			sema_err(s, n->loc, "The %s builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes (%s used here)",
				 n->call.name, probe_type_name(s));
			return NULL;
		}
		if (pc->max_argn && argn >= pc->max_argn) {
			sema_err(s, n->loc, "%s is not a valid argument", n->call.name);
			return NULL;
		}
		t = sema_ty_int(s, 8, false);
		break;
	case BI_RETVAL:
		if (!tg || !tg->is_ret) {
			sema_err(s, n->loc, "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'fentry' probes (%s used here)",
				 probe_type_name(s));
			return NULL;
		}
		t = sema_kernel_retval(s);
		if (!t)
			t = sema_ty_int(s, 8, false);
		break;
	case BI_KSTACK:
	case BI_USTACK: {
		struct type *st = sema_ty_new(s, fn == BI_KSTACK ? TY_KSTACK : TY_USTACK,
					      fn == BI_KSTACK ? 8 : 16);
		struct ast_node *a = n->call.args;

		st->stack_mode = s->res->cfg.stack_mode;
		st->n = 127;
		for (struct ast_node **ap = &n->call.args; *ap; ap = &(*ap)->next) {
			int64_t k;

			a = *ap;
			if (a->kind == AST_POSPARAM) {
				sema_expr(s, ap);
				a = *ap;
			}
			if (a->kind == AST_IDENT) {
				if (!strcmp(a->ident.name, "bpftrace"))
					st->stack_mode = STACK_BPFTRACE;
				else if (!strcmp(a->ident.name, "perf"))
					st->stack_mode = STACK_PERF;
				else if (!strcmp(a->ident.name, "raw"))
					st->stack_mode = STACK_RAW;
				else if (!strcmp(a->ident.name, "build_id"))
					st->stack_mode = STACK_BUILD_ID;
				else
					sema_err(s, a->loc, "Unknown stack mode: '%s'", a->ident.name);
			} else if (sema_const_int(a, &k)) {
				if (k < 0 || k > 1024)
					sema_err(s, a->loc, "%s: invalid limit", n->call.name);
				st->n = k;
			} else {
				sema_err(s, a->loc, "%s: expected a stack mode or limit", n->call.name);
			}
		}
		ci->n = st->n;
		t = st;
		break;
	}
	default:
		sema_err(s, n->loc, "builtin '%s' is not supported", n->call.name);
		return NULL;
	}
	n->type = t;
	return t;
}
