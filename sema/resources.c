/* resources.c — the last pass: map storage layouts and BPF object names, and
 * one action (event layout) per output call, computed once every type is
 * final (variable and map string types may have grown during typing). */
#include <string.h>

#include "sema/sema_int.h"

typedef void (*walk_fn)(struct sema *s, struct ast_node *n);

static void walk(struct sema *s, struct ast_node *n, walk_fn fn);

static void walk_list(struct sema *s, struct ast_node *n, walk_fn fn)
{
	for (; n; n = n->next)
		walk(s, n, fn);
}

static void walk(struct sema *s, struct ast_node *n, walk_fn fn)
{
	if (!n)
		return;
	switch (n->kind) {
	case AST_PROBE:
		walk(s, n->probe.pred, fn);
		walk(s, n->probe.body, fn);
		break;
	case AST_BLOCK:
	case AST_BLOCK_EXPR:
		walk_list(s, n->block.stmts, fn);
		walk(s, n->block.expr, fn);
		break;
	case AST_EXPR_STMT:
		walk(s, n->stmt.expr, fn);
		break;
	case AST_ASSIGN:
		walk(s, n->assign.lhs, fn);
		walk(s, n->assign.rhs, fn);
		break;
	case AST_LET:
		walk(s, n->let.init, fn);
		break;
	case AST_IF:
	case AST_TERNARY:
		walk(s, n->cond.cond, fn);
		walk(s, n->cond.then, fn);
		walk(s, n->cond.els, fn);
		break;
	case AST_WHILE:
	case AST_UNROLL:
		walk(s, n->loop.cond, fn);
		walk(s, n->loop.body, fn);
		break;
	case AST_FOR_MAP:
	case AST_FOR_RANGE:
		walk(s, n->for_.iter, fn);
		walk(s, n->for_.end, fn);
		walk(s, n->for_.body, fn);
		break;
	case AST_JUMP:
		walk(s, n->jump.value, fn);
		break;
	case AST_MAP:
		walk_list(s, n->map.keys, fn);
		break;
	case AST_CALL:
		walk_list(s, n->call.args, fn);
		break;
	case AST_BINOP:
		walk(s, n->bin.l, fn);
		walk(s, n->bin.r, fn);
		break;
	case AST_UNOP:
		walk(s, n->un.e, fn);
		break;
	case AST_FIELD:
		walk(s, n->field.e, fn);
		break;
	case AST_INDEX:
		walk(s, n->index.e, fn);
		walk(s, n->index.index, fn);
		break;
	case AST_TUPLE_INDEX:
		walk(s, n->tindex.e, fn);
		break;
	case AST_CAST:
		walk(s, n->cast.e, fn);
		break;
	case AST_TUPLE:
	case AST_RECORD:
		walk_list(s, n->tuple.elems, fn);
		break;
	case AST_NAMED:
		walk(s, n->named.e, fn);
		break;
	default:
		break;
	}
	fn(s, n);
}

static struct action *new_action(struct sema *s, enum action_kind k, struct ast_node *n)
{
	struct action *a = arena_alloc(s->a, sizeof(*a));

	a->kind = k;
	a->id = s->res->actions.n;
	a->loc = n->loc;
	ptrvec_push(&s->res->actions, a);
	s->res->needs_events = true;
	return a;
}

static const struct type *payload(struct sema *s, struct ast_node *args)
{
	uint32_t cnt = ast_list_len(args), i = 0;
	const struct type **el = arena_alloc(s->a, sizeof(*el) * (cnt + 1));

	for (; args; args = args->next)
		el[i++] = args->type;
	return sema_ty_tuple(s, el, NULL, cnt);
}

static void finish_action(struct sema *s, struct action *a)
{
	a->size = 8 + (a->args ? a->args->size : 0);
	a->size = (a->size + 7) / 8 * 8;
	if (a->size > s->res->event_max_size)
		s->res->event_max_size = a->size;
}

/* -k: the helper-error events codegen may send for @n. A map read reports a
 * missing key at the map (fmt "map_lookup_elem"); a field access, dereference
 * or array access reports a failed probe read at the expression it reads
 * through (fmt "probe_read"). Codegen finds them by fmt and loc and uses only
 * those it needs; the payload is the helper's s64 return code. */
static void helper_error_action(struct sema *s, struct ast_node *n)
{
	const struct type *el[1];
	const char *helper;
	struct ast_node *at;
	struct action *a;

	if (n->kind == AST_MAP && n->map.info) {
		helper = "map_lookup_elem";
		at = n;
	} else if (n->kind == AST_FIELD && n->field.e) {
		helper = "probe_read";
		at = n->field.e;
	} else if (n->kind == AST_INDEX && n->index.e) {
		helper = "probe_read";
		at = n->index.e;
	} else if (n->kind == AST_UNOP && n->un.op == AST_OP_DEREF && n->un.e) {
		helper = "probe_read";
		at = n->un.e;
	} else {
		return;
	}
	el[0] = sema_ty_int(s, 8, true);
	a = new_action(s, ACT_RUNTIME_ERROR, at);
	a->fmt = helper;
	a->args = sema_ty_tuple(s, el, NULL, 1);
	finish_action(s, a);
}

static void call_action(struct sema *s, struct ast_node *n)
{
	struct call_info *ci;
	struct action *a = NULL;
	struct ast_node *args = n->call.args;

	if (s->o && s->o->helper_errors)
		helper_error_action(s, n);

	if (n->kind == AST_BINOP && (n->bin.op == AST_OP_DIV || n->bin.op == AST_OP_MOD) && n->type &&
	    sema_ty_is_int(n->type)) {
		int64_t k;

		if (sema_const_int(n->bin.r, &k) && k != 0)
			return;
		/* found again by codegen through its loc */
		a = new_action(s, ACT_RUNTIME_WARNING, n);
		a->fmt = "Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result.";
		finish_action(s, a);
		return;
	}
	if (n->kind == AST_ASSIGN && n->assign.lhs->kind == AST_MAP && n->assign.lhs->map.info &&
	    n->assign.lhs->map.info->is_declared) {
		/* a declared map can fill up: say so when an update fails */
		a = new_action(s, ACT_RUNTIME_WARNING, n->assign.lhs);
		a->fmt = "Map full; can't update element.";
		finish_action(s, a);
		return;
	}
	if (n->kind == AST_INDEX && n->index.e->type && n->index.e->type->kind == TY_ARRAY) {
		int64_t k;

		if (sema_const_int(n->index.index, &k))
			return;
		a = new_action(s, ACT_RUNTIME_WARNING, n);
		a->fmt = "Array access out of bounds. This can lead to unexpected results.";
		finish_action(s, a);
		return;
	}
	if (n->kind != AST_CALL || !n->call.info)
		return;
	ci = n->call.info;
	switch (ci->fn) {
	case BI_PRINTF:
	case BI_ERRORF:
	case BI_WARNF:
	case BI_SYSTEM:
	case BI_CAT:
	case BI_DEBUGF:
		a = new_action(s, ci->fn == BI_ERRORF ? ACT_ERRORF : ci->fn == BI_WARNF ? ACT_WARNF :
			       ci->fn == BI_SYSTEM ? ACT_SYSTEM : ci->fn == BI_CAT ? ACT_CAT :
			       ci->fn == BI_DEBUGF ? ACT_DEBUGF : ACT_PRINTF, n);
		a->fmt = args->str.s;
		a->args = payload(s, args->next);
		for (size_t i = s->expansions.n; i-- > 0;) {
			const struct sema_expansion *e = s->expansions.v[i];

			if (e->call == n) {
				a->expanded_from = e->sites;
				a->n_expanded_from = e->n;
				break;
			}
		}
		break;
	case BI_JOIN: {
		struct type *arr = sema_ty_new(s, TY_ARRAY, 0);
		uint32_t elem = s->res->cfg.max_strlen < 256 ? s->res->cfg.max_strlen : 256;

		a = new_action(s, ACT_JOIN, n);
		a->fmt = args->next ? args->next->str.s : NULL;
		arr->elem = sema_ty_string(s, elem);
		arr->n = 16;
		arr->size = 16 * elem;
		arr->align = 1;
		a->args = arr;
		break;
	}
	case BI_TIME:
		a = new_action(s, ACT_TIME, n);
		a->fmt = args ? args->str.s : NULL;
		break;
	case BI_EXIT: {
		const struct type *el[1] = { sema_ty_int(s, 8, true) };

		a = new_action(s, ACT_EXIT, n);
		a->args = sema_ty_tuple(s, el, NULL, 1);
		break;
	}
	case BI_PRINT:
		if (ci->map) {
			const struct type *el[2] = { sema_ty_int(s, 8, false), sema_ty_int(s, 8, false) };

			a = new_action(s, ACT_PRINT_MAP, n);
			a->map = ci->map;
			a->args = sema_ty_tuple(s, el, NULL, 2);
		} else {
			a = new_action(s, ACT_PRINT_VALUE, n);
			a->args = payload(s, args);
		}
		break;
	case BI_CLEAR:
	case BI_ZERO:
		a = new_action(s, ci->fn == BI_CLEAR ? ACT_CLEAR_MAP : ACT_ZERO_MAP, n);
		a->map = ci->map;
		break;
	default:
		return;
	}
	ci->action = a;
	finish_action(s, a);
}

static void map_layout(struct sema *s, struct map_info *m)
{
	const struct type *v = m->value_type;
	enum map_kind percpu;

	m->bpf_name = arena_printf(s->a, "m%u", m->id);
	if (!m->key_type)
		m->key_size = 8;
	else
		m->key_size = m->key_type->size;
	if (!v) {
		m->value_size = 8;
		return;
	}
	/* aggregations need per-CPU values; a declared percpulruhash stays LRU */
	percpu = m->kind == MAPK_PERCPU_LRU_HASH ? MAPK_PERCPU_LRU_HASH : MAPK_PERCPU_HASH;
	switch (v->kind) {
	case TY_COUNT:
	case TY_SUM:
		m->value_size = 8;
		m->kind = percpu;
		/* @ = count(): one per-CPU array slot, which the verifier looks up
		 * inline (a count of 0 reads as never updated: not printed) */
		if (v->kind == TY_COUNT && !m->key_type && !m->is_declared) {
			m->kind = MAPK_PERCPU_ARRAY;
			m->max_entries = 1;
		}
		break;
	case TY_MIN:
	case TY_MAX:
	case TY_AVG:
	case TY_STATS:
		m->value_size = 16;
		m->kind = percpu;
		break;
	case TY_TSERIES:
		m->value_size = 24;
		m->kind = percpu;
		m->key_size = (m->key_type ? m->key_type->size : 0) + 8;
		break;
	case TY_HIST:
	case TY_LHIST:
		m->value_size = 8;
		m->kind = percpu;
		/* stored key: user key + u64 bucket (scalar: the bucket only) */
		m->key_size = (m->key_type ? m->key_type->size : 0) + 8;
		break;
	default:
		m->value_size = v->size ? v->size : 8;
		break;
	}
	if (m->key_size == 0)
		m->key_size = 8;
}

void sema_resources(struct sema *s)
{
	for (size_t i = 0; i < s->res->maps.n; i++) {
		struct map_info *m = s->res->maps.v[i];

		if (m->is_declared && !m->value_type)
			sema_warn(s, m->first_use, "Unused map: %s", m->name);
		map_layout(s, m);
	}
	for (struct ast_node *it = s->prog->program.items; it; it = it->next)
		if (it->kind == AST_PROBE)
			walk(s, it, call_action);
}
