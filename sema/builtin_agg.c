/* builtin_agg.c — aggregations (count, sum, min, max, avg, stats, hist, lhist)
 * and map functions (clear, zero, delete, len, has_key). */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

static bool int_arg(struct sema *s, struct ast_node *n, struct ast_node **p)
{
	const struct type *t = sema_expr(s, p);

	if (!t)
		return false;
	if (!sema_ty_is_int(t) && t->kind != TY_BOOL && t->kind != TY_POINTER) {
		sema_err(s, (*p)->loc, "%s() expects an integer argument (%s provided)", n->call.name,
			 sema_ty_name(s, t));
		return false;
	}
	return true;
}

static bool const_arg(struct sema *s, struct ast_node *n, struct ast_node **p, const char *what,
		      int64_t *out)
{
	sema_expr(s, p);
	if (!sema_const_int(*p, out)) {
		sema_err(s, (*p)->loc, "%s: invalid %s value (must be an integer literal)", n->call.name, what);
		return false;
	}
	return true;
}

/* A map argument: @m (bare); returns its info or NULL after an error. */
static struct map_info *map_arg(struct sema *s, struct ast_node *n, struct ast_node *a, bool bare)
{
	struct map_info *mi;

	if (!a || a->kind != AST_MAP) {
		sema_err(s, a ? a->loc : n->loc, "%s() expects a map argument", n->call.name);
		return NULL;
	}
	if (bare && a->map.keys) {
		sema_err(s, a->loc, "%s() expects a map without explicit keys", n->call.name);
		return NULL;
	}
	mi = sema_map_get(s, a);
	if (!mi->value_type && !s->is_discovery) {
		sema_err(s, a->loc, "Undefined map: %s", a->map.name);
		return NULL;
	}
	return mi;
}

/* delete(@m[k]) / delete(@m, k) / has_key(@m, k): leaves a single AST_MAP with keys. */
static struct map_info *keyed_arg(struct sema *s, struct ast_node *n)
{
	struct ast_node *a = n->call.args;
	struct map_info *mi;

	if (!a || a->kind != AST_MAP) {
		sema_err(s, a ? a->loc : n->loc, "%s() expects a map argument", n->call.name);
		return NULL;
	}
	if (a->next) {
		if (a->map.keys) {
			sema_err(s, a->loc, "%s() expects a map with no keys as the first argument", n->call.name);
			return NULL;
		}
		a->map.keys = a->next;
		a->next = NULL;
	}
	mi = sema_map_get(s, a);
	if (!mi->value_type && !s->is_discovery) {
		sema_err(s, a->loc, "Undefined map: %s", a->map.name);
		return NULL;
	}
	if (mi->value_type && !mi->key_type && mi->key_size && !strcmp(n->call.name, "has_key")) {
		sema_err(s, n->loc, "call to %s() expects a map with explicit keys (non-scalar map)",
			 n->call.name);
		return NULL;
	}
	if (!a->map.keys && mi->key_type) {
		sema_err(s, a->loc, "%s() expects a key for map %s", n->call.name, a->map.name);
		return NULL;
	}
	sema_map_keys(s, a);
	return mi;
}

const struct type *sema_bi_agg(struct sema *s, struct ast_node *n, enum builtin_fn fn)
{
	struct call_info *ci = sema_call_info(s, n, fn);
	struct type *t;
	struct map_info *mi;

	switch (fn) {
	case BI_COUNT:
		if (!sema_arity(s, n, 0, 0))
			return NULL;
		t = sema_ty_new(s, TY_COUNT, 8);
		return t;
	case BI_SUM:
	case BI_MIN:
	case BI_MAX:
	case BI_AVG:
	case BI_STATS:
		if (!sema_arity(s, n, 1, 1) || !int_arg(s, n, &n->call.args))
			return NULL;
		t = sema_ty_new(s, fn == BI_SUM ? TY_SUM : fn == BI_MIN ? TY_MIN : fn == BI_MAX ? TY_MAX :
				   fn == BI_AVG ? TY_AVG : TY_STATS, fn == BI_SUM ? 8 : 16);
		t->elem = n->call.args->type;
		t->is_signed = n->call.args->type->is_signed;
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, t->is_signed));
		return t;
	case BI_HIST: {
		int64_t k = 0;

		if (!sema_arity(s, n, 1, 2) || !int_arg(s, n, &n->call.args))
			return NULL;
		if (n->call.args->next) {
			if (!const_arg(s, n, &n->call.args->next, "bits", &k))
				return NULL;
			if (k < 0 || k > 5) {
				sema_err(s, n->call.args->next->loc, "hist: bits %lld must be 0..5", (long long)k);
				return NULL;
			}
		}
		t = sema_ty_new(s, TY_HIST, 8);
		t->n = k;
		t->elem = n->call.args->type;
		t->is_signed = true;
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, true));
		return t;
	}
	case BI_LHIST: {
		int64_t mn, mx, st;
		struct ast_node *a;

		if (!sema_arity(s, n, 4, 4) || !int_arg(s, n, &n->call.args))
			return NULL;
		a = n->call.args;
		if (!const_arg(s, n, &a->next, "min", &mn) ||
		    !const_arg(s, n, &a->next->next, "max", &mx) ||
		    !const_arg(s, n, &a->next->next->next, "step", &st))
			return NULL;
		if (st <= 0) {
			sema_err(s, n->loc, "lhist() step must be >= 1 (%lld provided)", (long long)st);
			return NULL;
		}
		if (mn < 0) {
			sema_err(s, n->loc, "lhist() min must be non-negative (provided min %lld)", (long long)mn);
			return NULL;
		}
		if (mn > mx) {
			sema_err(s, n->loc, "lhist() min must be less than max (provided min %lld and max %lld)",
				 (long long)mn, (long long)mx);
			return NULL;
		}
		if ((mx - mn) / st > 1000) {
			sema_err(s, n->loc, "lhist() too many buckets, must be <= 1000 (would need %lld)",
				 (long long)((mx - mn) / st));
			return NULL;
		}
		t = sema_ty_new(s, TY_LHIST, 8);
		t->lmin = mn;
		t->lmax = mx;
		t->lstep = st;
		t->elem = a->type;
		t->is_signed = true;
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, true));
		return t;
	}
	case BI_TSERIES: {
		int64_t iv, nb;
		struct ast_node *a;
		const char *agg = "";
		const char *dummy = getenv("BPFTRACE_DUMMY_TS_MAP");

		if (!sema_arity(s, n, 3, 4) || !int_arg(s, n, &n->call.args))
			return NULL;
		a = n->call.args;
		if (!const_arg(s, n, &a->next, "interval", &iv) ||
		    !const_arg(s, n, &a->next->next, "buckets", &nb))
			return NULL;
		if (iv <= 0 || nb <= 0 || nb > 1000000) {
			sema_err(s, n->loc, "tseries() interval and number of buckets must be positive");
			return NULL;
		}
		if (a->next->next->next) {
			struct ast_node *g = a->next->next->next;

			if (g->kind != AST_STR) {
				sema_err(s, g->loc, "tseries() aggregation must be a string literal");
				return NULL;
			}
			agg = g->str.s;
		} else {
			a->next->next->next = ast_str(s->cx, n->loc, "", 0);
		}
		t = sema_ty_new(s, TY_TSERIES, 24);
		t->lmin = iv;
		t->lmax = nb;
		t->agg_fn = !strcmp(agg, "avg") ? 1 : !strcmp(agg, "min") ? 2 : !strcmp(agg, "max") ? 3 :
			    !strcmp(agg, "sum") ? 4 : 0;
		if (*agg && !t->agg_fn) {
			sema_err(s, n->loc, "tseries() aggregation must be one of avg, min, max, sum");
			return NULL;
		}
		t->elem = a->type;
		t->is_signed = a->type->is_signed;
		a->next->next->next->type = sema_ty_string(s, strlen(agg) + 1);
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, t->is_signed));
		if (dummy && *dummy && !a->next->next->next->next) {
			/* testing hook: the time comes from a map instead of the clock */
			struct ast_node *m = ast_map(s->cx, n->loc, dummy, NULL);

			a = n->call.args;
			a->next->next->next->next = m;
			if (sema_expr(s, &a->next->next->next->next))
				sema_cast_to(s, &a->next->next->next->next, sema_ty_int(s, 8, false));
		}
		return t;
	}
	case BI_CLEAR:
	case BI_ZERO:
		if (!sema_arity(s, n, 1, 1))
			return NULL;
		mi = map_arg(s, n, n->call.args, true);
		if (!mi)
			return NULL;
		ci->map = mi;
		return sema_ty_none(s);
	case BI_LEN: {
		const struct type *at;

		if (!sema_arity(s, n, 1, 1))
			return NULL;
		if (n->call.args->kind != AST_MAP) {
			at = sema_expr(s, &n->call.args);
			if (at && at->kind == TY_STRING) {
				ci->fn = BI_STRLEN;
				return sema_ty_int(s, 8, false);
			}
			if (at && (at->kind == TY_KSTACK || at->kind == TY_USTACK)) {
				/* the number of frames (up to the stack's limit) */
				ci->n = at->n ? at->n : 127;
				return sema_ty_int(s, 8, true);
			}
			sema_err(s, n->call.args->loc, "len() expects a map argument");
			return NULL;
		}
		mi = map_arg(s, n, n->call.args, true);
		if (!mi)
			return NULL;
		if (mi->value_type && !mi->key_type) {
			sema_err(s, n->call.args->loc, "call to len() expects a map with explicit keys (non-scalar map)");
			return NULL;
		}
		ci->map = mi;
		return sema_ty_int(s, 8, true);
	}
	case BI_DELETE:
		if (!sema_arity(s, n, 1, 2))
			return NULL;
		mi = keyed_arg(s, n);
		if (!mi)
			return NULL;
		ci->map = mi;
		return sema_ty_bool(s); /* true when something was deleted */
	case BI_HAS_KEY:
		if (!sema_arity(s, n, 2, 2))
			return NULL;
		mi = keyed_arg(s, n);
		if (!mi)
			return NULL;
		ci->map = mi;
		return sema_ty_bool(s);
	default:
		sema_err(s, n->loc, "%s() is not supported", n->call.name);
		return NULL;
	}
}
