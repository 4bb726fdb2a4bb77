/* builtin_print.c — output and flow builtins: printf, errorf, warnf, system,
 * cat, print, time, join, exit, signal. Their actions (event layouts) are made
 * by resources.c once every type is final. */
#include <string.h>

#include "sema/sema_int.h"

/* Counts printf conversions in @fmt and checks each against its argument. */
static bool check_format(struct sema *s, struct ast_node *call, const char *fmt, struct ast_node *args)
{
	unsigned want = 0, have = ast_list_len(args);
	bool debugf = strcmp(call->call.name, "debugf") == 0;
	struct ast_node *a = args;

	for (const char *p = fmt; *p; p++) {
		char conv;

		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && strchr("-+ #0123456789.*", *p))
			p++;
		while (*p && strchr("hlLqjzt", *p))
			p++;
		if (!*p) {
			sema_err(s, call->loc, "%s: Invalid format string", call->call.name);
			return false;
		}
		conv = *p;
		if (*p == 'r') {
			/* %r, %rx, %rh */
			if (p[1] == 'x' || p[1] == 'h')
				p++;
		}
		want++;
		if (debugf && !strchr("duxps", conv)) {
			/* what bpf_trace_vprintk() formats */
			sema_err(s, call->call.args->loc, "Invalid format specifier for `debugf`: %c",
				 conv);
			return false;
		}
		if (debugf && a && a->type && (conv == 's') != (a->type->kind == TY_STRING)) {
			sema_err(s, a->loc, "Type does not match format specifier: %c", conv);
			return false;
		}
		if (a) {
			const struct type *t = a->type;

			if (t && strchr("diouxXc", conv) && t->kind == TY_STRING) {
				sema_err(s, a->loc, "%s: %%%c specifier expects a value of type integer (%s supplied)",
					 call->call.name, conv, sema_ty_name(s, t));
				return false;
			}
			a = a->next;
		}
		if (!strchr("diouxXcspfeEgGr", conv)) {
			sema_err(s, call->loc, "%s: Invalid format string conversion specifier: %%%c",
				 call->call.name, conv);
			return false;
		}
	}
	if (want < have) {
		sema_err(s, call->loc, "%s: Too many arguments for format string (%u supplied, %u expected)",
			 call->call.name, have, want);
		return false;
	}
	if (want > have) {
		sema_err(s, call->loc, "%s: Not enough arguments for format string (%u supplied, %u expected)",
			 call->call.name, have, want);
		return false;
	}
	return true;
}

static bool type_args(struct sema *s, struct ast_node *n, struct ast_node **head)
{
	bool good = true;

	for (struct ast_node **p = head; *p; p = &(*p)->next) {
		const struct type *t = sema_expr(s, p);

		if (!t) {
			good = false;
			continue;
		}
		if (t->kind == TY_NONE || sema_ty_is_agg(t)) {
			sema_err(s, (*p)->loc, "%s() argument of type '%s' cannot be printed", n->call.name,
				 sema_ty_name(s, t));
			good = false;
		}
	}
	return good;
}

static const struct type *fmt_call(struct sema *s, struct ast_node *n, enum builtin_fn fn)
{
	struct ast_node *f = n->call.args;

	if (!f) {
		sema_err(s, n->loc, "%s() requires at least 1 argument (0 provided)", n->call.name);
		return NULL;
	}
	if (f->kind == AST_CALL) {
		/* a macro whose value is a string literal: printf(fmt()) */
		sema_expr(s, &n->call.args);
		f = n->call.args;
		if (f && f->kind == AST_BLOCK_EXPR && !f->block.stmts && f->block.expr &&
		    f->block.expr->kind == AST_STR) {
			struct ast_node *lit = f->block.expr;

			lit->next = f->next;
			n->call.args = f = lit;
		}
		if (!f)
			return NULL;
	}
	if (f->kind != AST_STR) {
		sema_err(s, f->loc, "%s() expects a string literal as the first argument", n->call.name);
		return NULL;
	}
	f->type = sema_ty_string(s, f->str.len + 1);
	if (!type_args(s, n, &f->next))
		return NULL;
	if (!check_format(s, n, f->str.s, f->next))
		return NULL;
	if (fn == BI_SYSTEM && !s->res->cfg.unsafe) {
		sema_err(s, n->loc, "system() is an unsafe function being used in safe mode");
		return NULL;
	}
	sema_call_info(s, n, fn);
	return sema_ty_none(s);
}

const struct type *sema_bi_print(struct sema *s, struct ast_node *n, enum builtin_fn fn)
{
	struct call_info *ci;
	struct ast_node *a = n->call.args;

	switch (fn) {
	case BI_PRINTF:
	case BI_ERRORF:
	case BI_WARNF:
	case BI_SYSTEM:
	case BI_CAT:
	case BI_DEBUGF:
		if ((fn == BI_ERRORF || fn == BI_WARNF) && s->macro_depth > 0) {
			struct sema_expansion *e = arena_alloc(s->a, sizeof(*e));
			uint32_t depth = (uint32_t)s->macro_depth;

			if (depth > ARRAY_SIZE(s->macro_sites))
				depth = ARRAY_SIZE(s->macro_sites);
			e->call = n;
			e->n = depth;
			e->sites = arena_alloc(s->a, sizeof(*e->sites) * depth);
			for (uint32_t i = 0; i < depth; i++)
				e->sites[i] = s->macro_sites[depth - 1 - i];
			ptrvec_push(&s->expansions, e);
		}
		return fmt_call(s, n, fn);
	case BI_PRINT:
		if (!sema_arity(s, n, 1, 3))
			return NULL;
		ci = sema_call_info(s, n, fn);
		if (a->kind == AST_MAP && !a->map.keys) {
			struct map_info *mi = sema_map_get(s, a);

			ci->map = mi;
			if (!mi->value_type && !s->is_discovery) {
				sema_err(s, a->loc, "Undefined map: %s", a->map.name);
				return NULL;
			}
			for (struct ast_node **p = &a->next; *p; p = &(*p)->next) {
				const struct type *t = sema_expr(s, p);

				if (t && !sema_ty_is_int(t)) {
					sema_err(s, (*p)->loc, "print() expects an integer argument");
					return NULL;
				}
				if (t)
					sema_cast_to(s, p, sema_ty_int(s, 8, false));
			}
			return sema_ty_none(s);
		}
		if (a->next) {
			sema_err(s, n->loc, "Non-map print() only takes 1 argument, %u found",
				 ast_list_len(a));
			return NULL;
		}
		if (!type_args(s, n, &n->call.args))
			return NULL;
		return sema_ty_none(s);
	case BI_TIME:
		if (!sema_arity(s, n, 0, 1))
			return NULL;
		if (a && a->kind != AST_STR) {
			sema_err(s, a->loc, "time() expects a string literal");
			return NULL;
		}
		if (a)
			a->type = sema_ty_string(s, a->str.len + 1);
		sema_call_info(s, n, fn);
		return sema_ty_none(s);
	case BI_JOIN: {
		const struct type *t;

		if (!sema_arity(s, n, 1, 2))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (a->next && a->next->kind != AST_STR) {
			sema_err(s, a->next->loc, "join() expects a string literal as the separator");
			return NULL;
		}
		if (a->next)
			a->next->type = sema_ty_string(s, a->next->str.len + 1);
		if (!sema_ty_is_int(t) && t->kind != TY_POINTER) {
			sema_err(s, n->call.args->loc, "join() expects a pointer argument");
			return NULL;
		}
		sema_call_info(s, n, fn);
		return sema_ty_none(s);
	}
	case BI_EXIT: {
		if (!sema_arity(s, n, 0, 1))
			return NULL;
		if (a) {
			const struct type *t = sema_expr(s, &n->call.args);

			if (t && !sema_ty_is_int(t)) {
				sema_err(s, n->call.args->loc, "exit() expects an integer argument");
				return NULL;
			}
			sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, true));
		}
		sema_call_info(s, n, fn);
		return sema_ty_none(s);
	}
	case BI_SIGNAL: {
		const struct type *t;

		if (!sema_arity(s, n, 1, 1))
			return NULL;
		if (!s->res->cfg.unsafe) {
			sema_err(s, n->loc, "signal() is unsafe. To use you need the --unsafe flag");
			return NULL;
		}
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (t->kind == TY_STRING && n->call.args->kind == AST_STR) {
			static const char *const sigs[] = { "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP",
				"SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
				"SIGPIPE", "SIGALRM", "SIGTERM" };
			const char *nm = n->call.args->str.s;
			int k = -1;

			for (unsigned i = 1; i < ARRAY_SIZE(sigs); i++)
				if (!strcmp(nm, sigs[i]) || !strcmp(nm, sigs[i] + 3))
					k = i;
			if (k < 0) {
				sema_err(s, n->call.args->loc, "Invalid signal: %s", nm);
				return NULL;
			}
			n->call.args = ast_int(s->cx, n->call.args->loc, k);
			n->call.args->type = sema_ty_int(s, 8, false);
		} else if (!sema_ty_is_int(t)) {
			sema_err(s, n->call.args->loc, "signal() expects a signal name or number");
			return NULL;
		}
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, false));
		sema_call_info(s, n, fn);
		return sema_ty_none(s);
	}
	default:
		sema_err(s, n->loc, "%s() is not supported", n->call.name);
		return NULL;
	}
}
