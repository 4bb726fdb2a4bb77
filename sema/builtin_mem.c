/* builtin_mem.c — strings and memory: str, strncmp, strcontains, strlen, buf,
 * ksym/usym, kptr/uptr, bswap, strerror. */
#include <stdio.h>
#include <string.h>

#include "sema/sema_int.h"

/* A positional parameter as a string literal: str($1) is the text of $1
 * even when it looks like a number. */
static void posparam_as_str(struct sema *s, struct ast_node **np)
{
	struct ast_node *p = *np, *lit;
	const char *v = "";

	if (p->kind != AST_POSPARAM || p->pos.n == 0)
		return;
	if (s->o && p->pos.n <= s->o->n_pos_params)
		v = s->o->pos_params[p->pos.n - 1];
	lit = ast_str(s->cx, p->loc, v, strlen(v));
	lit->next = p->next;
	*np = lit;
}

/* str() of a literal is a literal: str($1), str($1 + 2), str(42), str("ab", 1) */
static const struct type *str_fold(struct sema *s, struct ast_node *n)
{
	struct ast_node *a = n->call.args, *lit, *next = n->next;
	char num[32];
	const char *v;
	uint32_t len;
	int64_t k;

	if (a->kind == AST_INT) {
		if (a->num.is_negative)
			snprintf(num, sizeof(num), "%lld", (long long)a->num.v);
		else
			snprintf(num, sizeof(num), "%llu", (unsigned long long)a->num.v);
		v = num;
		len = strlen(num);
	} else if (a->kind == AST_STR && a->type && a->type->kind == TY_STRING) {
		v = a->str.s;
		len = a->str.len;
	} else {
		return NULL;
	}
	if (a->next) {
		if (a->next->kind != AST_INT || !sema_const_int(a->next, &k))
			return NULL;
		if (k >= 0 && (uint64_t)k < len)
			len = (uint32_t)k;
	}
	lit = ast_str(s->cx, n->loc, v, len);
	*n = *lit;
	n->next = next;
	n->type = NULL;
	return sema_expr(s, &n);
}

static const struct type *str_call(struct sema *s, struct ast_node *n, struct call_info *ci)
{
	const struct type *t, *lt, *folded;
	uint32_t size = s->res->cfg.max_strlen;
	int64_t k;

	if (!sema_arity(s, n, 1, 2))
		return NULL;
	posparam_as_str(s, &n->call.args);
	if (n->call.args->kind == AST_BINOP && n->call.args->bin.op == AST_OP_ADD)
		posparam_as_str(s, &n->call.args->bin.l);
	t = sema_expr(s, &n->call.args);
	if (!t)
		return NULL;
	if ((folded = str_fold(s, n)))
		return folded;
	if (n->call.args->next) {
		lt = sema_expr(s, &n->call.args->next);
		if (!lt)
			return NULL;
		if (!sema_ty_is_int(lt)) {
			sema_err(s, n->call.args->next->loc, "str() expects an integer length");
			return NULL;
		}
		if (sema_const_int(n->call.args->next, &k)) {
			if (k < 1)
				k = 1;
			if ((uint64_t)k < size)
				size = k;
			ci->n = k;
		}
		sema_cast_to(s, &n->call.args->next, sema_ty_int(s, 8, false));
	}
	if (t->kind == TY_STRING) {
		if (t->size <= size)
			return t;
		return sema_ty_string(s, size);
	}
	if (t->kind == TY_ARRAY && t->elem && t->elem->size == 1)
		return sema_ty_string(s, t->size + 1 < size ? t->size + 1 : size);
	if (!sema_ty_is_int(t) && t->kind != TY_POINTER) {
		sema_err(s, n->call.args->loc, "str() expects an integer or a pointer type as first argument (%s provided)",
			 sema_ty_name(s, t));
		return NULL;
	}
	{
		struct type *r = sema_ty_string(s, size);

		r->as = t->as;
		if (t->kind != TY_POINTER)
			sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, false));
		return r;
	}
}

const struct type *sema_bi_mem(struct sema *s, struct ast_node *n, enum builtin_fn fn)
{
	struct call_info *ci = sema_call_info(s, n, fn);
	const struct type *t, *u;

	switch (fn) {
	case BI_STR:
		return str_call(s, n, ci);
	case BI_STRNCMP: {
		int64_t k;

		if (!sema_arity(s, n, 3, 3))
			return NULL;
		t = sema_expr(s, &n->call.args);
		u = sema_expr(s, &n->call.args->next);
		sema_expr(s, &n->call.args->next->next);
		if (!t || !u)
			return NULL;
		if (t->kind != TY_STRING || u->kind != TY_STRING) {
			sema_err(s, n->loc, "strncmp() expects string arguments");
			return NULL;
		}
		if (!sema_const_int(n->call.args->next->next, &k) || k < 0) {
			sema_err(s, n->call.args->next->next->loc, "strncmp() expects a non-negative integer literal as the third argument");
			return NULL;
		}
		ci->n = k;
		return sema_ty_int(s, 8, false);
	}
	case BI_STRCONTAINS:
		if (!sema_arity(s, n, 2, 2))
			return NULL;
		t = sema_expr(s, &n->call.args);
		u = sema_expr(s, &n->call.args->next);
		if (!t || !u)
			return NULL;
		if (t->kind != TY_STRING || u->kind != TY_STRING) {
			sema_err(s, n->loc, "strcontains() expects string arguments");
			return NULL;
		}
		return sema_ty_bool(s);
	case BI_STRLEN:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (t->kind != TY_STRING) {
			sema_err(s, n->loc, "strlen() expects a string argument");
			return NULL;
		}
		return sema_ty_int(s, 8, false);
	case BI_KSYM:
	case BI_USYM:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (!sema_ty_is_int(t) && t->kind != TY_POINTER) {
			sema_err(s, n->loc, "%s() expects an integer or pointer argument", n->call.name);
			return NULL;
		}
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, false));
		return sema_ty_simple(s, fn == BI_KSYM ? TY_KSYM : TY_USYM, fn == BI_KSYM ? 8 : 16);
	case BI_KPTR:
	case BI_UPTR: {
		struct type *r;

		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (t->kind != TY_POINTER && !sema_ty_is_int(t)) {
			sema_err(s, n->loc, "%s() expects a pointer or integer argument", n->call.name);
			return NULL;
		}
		r = sema_ty_storage(s, t);
		r->size = t->size;
		r->as = fn == BI_KPTR ? AS_KERNEL : AS_USER;
		return r;
	}
	case BI_BSWAP:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (!sema_ty_is_int(t)) {
			sema_err(s, n->loc, "bswap() expects an integer argument");
			return NULL;
		}
		return sema_ty_int(s, t->size, false);
	case BI_BUF: {
		int64_t k = 0;
		struct type *b;
		uint32_t cap = s->res->cfg.max_strlen;

		if (!sema_arity(s, n, 1, 2))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (n->call.args->next) {
			if (!sema_expr(s, &n->call.args->next))
				return NULL;
			if (sema_const_int(n->call.args->next, &k)) {
				if (k < 0)
					k = 0;
				cap = k < cap ? k : cap;
				ci->n = k;
			} else if (!sema_ty_is_int(n->call.args->next->type)) {
				sema_err(s, n->call.args->next->loc, "buf() expects an integer length");
				return NULL;
			}
			sema_cast_to(s, &n->call.args->next, sema_ty_int(s, 8, false));
		} else if (t->kind == TY_ARRAY || t->kind == TY_STRING) {
			cap = t->size;
		} else {
			sema_err(s, n->loc, "buf() requires a length argument for this type");
			return NULL;
		}
		if (t->kind != TY_STRING && t->kind != TY_ARRAY && !sema_ty_is_int(t) && t->kind != TY_POINTER) {
			sema_err(s, n->call.args->loc, "buf() expects a pointer, array or string");
			return NULL;
		}
		if (sema_ty_is_int(t) && t->kind != TY_POINTER)
			sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, false));
		b = sema_ty_new(s, TY_BUFFER, 4 + cap);
		b->align = 4;
		b->as = t->as;
		return b;
	}
	case BI_STRFTIME: {
		struct type *ts;

		if (!sema_arity(s, n, 2, 2))
			return NULL;
		if (n->call.args->kind != AST_STR) {
			sema_err(s, n->call.args->loc, "strftime() expects a string literal as the format");
			return NULL;
		}
		n->call.args->type = sema_ty_string(s, n->call.args->str.len + 1);
		t = sema_expr(s, &n->call.args->next);
		if (!t)
			return NULL;
		if (!sema_ty_is_int(t)) {
			sema_err(s, n->call.args->next->loc, "strftime() expects an integer timestamp");
			return NULL;
		}
		sema_cast_to(s, &n->call.args->next, sema_ty_int(s, 8, false));
		ts = sema_ty_new(s, TY_TIMESTAMP, 8);
		ts->name = n->call.args->str.s;
		ts->n = TS_CLOCK_BOOT;
		{
			struct ast_node *x = n->call.args->next;

			if (x->kind == AST_CAST)
				x = x->cast.e;
			if (x->kind == AST_CALL && x->call.info && x->call.info->fn == BI_NSECS)
				ts->n = x->call.info->n == 0 ? TS_CLOCK_MONOTONIC :
					x->call.info->n == 2 ? TS_CLOCK_TAI : x->call.info->n == 3 ? TS_CLOCK_SW_TAI :
					TS_CLOCK_BOOT;
		}
		return ts;
	}
	case BI_NTOP: {
		const struct type *at;
		struct ast_node **ap = &n->call.args;

		if (!sema_arity(s, n, 1, 2))
			return NULL;
		if (n->call.args->next) {
			if (!sema_expr(s, &n->call.args))
				return NULL;
			sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, false));
			ap = &n->call.args->next;
		}
		at = sema_expr(s, ap);
		if (!at)
			return NULL;
		if (!sema_ty_is_int(at) && !(at->kind == TY_ARRAY && (at->size == 4 || at->size == 16))) {
			sema_err(s, (*ap)->loc, "ntop() expects an integer or array argument, got %s",
				 sema_ty_name(s, at));
			return NULL;
		}
		if (sema_ty_is_int(at) && (*ap)->kind == AST_INT)
			sema_cast_to(s, ap, sema_ty_int(s, 4, false));
		return sema_ty_simple(s, TY_INET, 24);
	}
	case BI_MACADDR:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		if (!((t->kind == TY_ARRAY || t->kind == TY_STRING) && t->size >= 6) && t->kind != TY_POINTER &&
		    !sema_ty_is_int(t)) {
			sema_err(s, n->loc, "macaddr() expects an array or pointer argument");
			return NULL;
		}
		return sema_ty_simple(s, TY_MAC, 6);
	case BI_REG: {
		static const struct {
			const char *name;
			uint32_t off;
		} regs[] = {
			{ "r15", 0 }, { "r14", 8 }, { "r13", 16 }, { "r12", 24 }, { "bp", 32 },
			{ "bx", 40 }, { "r11", 48 }, { "r10", 56 }, { "r9", 64 }, { "r8", 72 },
			{ "ax", 80 }, { "cx", 88 }, { "dx", 96 }, { "si", 104 }, { "di", 112 },
			{ "orig_ax", 120 }, { "ip", 128 }, { "cs", 136 }, { "flags", 144 },
			{ "sp", 152 }, { "ss", 160 },
		};
		struct ast_node *a = n->call.args;

		if (!sema_arity(s, n, 1, 1))
			return NULL;
		if (a->kind != AST_STR) {
			sema_err(s, a->loc, "reg() expects a string literal register name");
			return NULL;
		}
		for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
			if (!strcmp(a->str.s, regs[i].name)) {
				ci->n = regs[i].off;
				if (!s->pctx || s->pctx->kind != PCTX_PT_REGS) {
					sema_err(s, n->loc, "reg can not be used with \"%s\" probes",
						 s->pinfo && s->pinfo->target ? s->pinfo->target->ops->name : "");
					return NULL;
				}
				return sema_ty_int(s, 8, false);
			}
		sema_err(s, a->loc, "'%s' is not a valid register", a->str.s);
		return NULL;
	}
	case BI_UADDR:
		return sema_bi_uaddr(s, n, ci);
	case BI_KADDR: {
		/* kaddr("sym"): the kernel symbol's address, from kallsyms now */
		struct ast_node *a = n->call.args, *lit;
		const char *path = s->env.kallsyms ? s->env.kallsyms : "/proc/kallsyms";
		FILE *f;
		char line[512];
		unsigned long long addr = 0;
		bool found = false;

		if (!sema_arity(s, n, 1, 1))
			return NULL;
		if (a->kind == AST_CALL) {
			/* str($1) folds to a literal */
			if (!sema_expr(s, &n->call.args))
				return NULL;
			a = n->call.args;
		}
		if (a->kind != AST_STR) {
			sema_err(s, a->loc, "kaddr() expects a string literal");
			return NULL;
		}
		f = fopen(path, "r");
		while (f && !found && fgets(line, sizeof(line), f)) {
			char name[256], kind;

			if (sscanf(line, "%llx %c %255s", &addr, &kind, name) == 3 && !strcmp(name, a->str.s))
				found = true;
		}
		if (f)
			fclose(f);
		if (!found) {
			sema_err(s, n->loc, "Failed to resolve kernel symbol: %s", a->str.s);
			return NULL;
		}
		lit = ast_int(s->cx, n->loc, addr);
		lit->type = sema_ty_int(s, 8, false);
		lit->next = n->next;
		*n = *lit;
		return lit->type;
	}
	case BI_STRERROR:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, true));
		return sema_ty_simple(s, TY_STRERROR, 8);
	case BI_SIZEOF:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		t = sema_expr(s, &n->call.args);
		if (!t)
			return NULL;
		{
			struct ast_node *lit = ast_int(s->cx, n->loc, t->size), *nx = n->next;

			lit->type = sema_ty_int(s, 8, false);
			/* the caller stores n->type; make the call read as the literal */
			*n = *lit;
			n->next = nx;
			return lit->type;
		}
	default:
		sema_err(s, n->loc, "%s() is not supported", n->call.name);
		return NULL;
	}
}
