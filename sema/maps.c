/* maps.c — map typing. A map's key and value types are fixed by its first use
 * (in probe order, learned in the discovery walk); a later use must agree,
 * strings may grow. Aggregations (count, hist, ...) make the map per-CPU. */
#include <string.h>

#include "sema/sema_int.h"

struct map_info *sema_map_get(struct sema *s, struct ast_node *m)
{
	struct map_info *mi;

	for (size_t i = 0; i < s->res->maps.n; i++) {
		mi = s->res->maps.v[i];
		if (mi->name == m->map.name) {
			m->map.info = mi;
			return mi;
		}
	}
	mi = arena_alloc(s->a, sizeof(*mi));
	mi->name = m->map.name;
	mi->id = s->res->maps.n;
	mi->kind = MAPK_HASH;
	mi->max_entries = s->res->cfg.max_map_keys;
	mi->first_use = m->loc;
	ptrvec_push(&s->res->maps, mi);
	m->map.info = mi;
	return mi;
}

/* Makes @stored able to hold @t, widening strings in place. False on mismatch. */
bool sema_unify(struct sema *s, struct type *stored, const struct type *t)
{
	if ((stored->kind == TY_INT || stored->kind == TY_ENUM) && (t->kind == TY_INT || t->kind == TY_ENUM))
		return true;
	if (stored->kind == TY_POINTER && t->kind == TY_POINTER)
		return true;
	if (stored->kind != t->kind)
		return false;
	switch (t->kind) {
	case TY_STRING:
		if (t->size > stored->size)
			stored->size = t->size;
		return true;
	case TY_TUPLE:
	case TY_RECORD: {
		const struct type **el;
		struct type *nt;
		bool changed = false;

		if (stored->n_fields != t->n_fields)
			return false;
		el = arena_alloc(s->a, sizeof(*el) * (t->n_fields + 1));
		for (uint32_t i = 0; i < t->n_fields; i++) {
			const struct type *a = stored->fields[i].type, *b = t->fields[i].type;

			if (t->kind == TY_RECORD && stored->fields[i].name != t->fields[i].name)
				return false;
			if (a->kind == TY_STRING && b->kind == TY_STRING) {
				el[i] = b->size > a->size ? b : a;
				changed |= b->size > a->size;
			} else if ((a->kind == TY_TUPLE || a->kind == TY_RECORD) && a->kind == b->kind) {
				struct type *c = sema_ty_storage(s, a);

				if (!sema_unify(s, c, b))
					return false;
				changed |= !sema_ty_equal(c, a);
				el[i] = c;
			} else if (a->kind == TY_INT && b->kind == TY_INT) {
				el[i] = a;
				if (b->size > a->size || (b->is_signed && !a->is_signed)) {
					el[i] = sema_ty_int(s, b->size > a->size ? b->size : a->size,
							    a->is_signed || b->is_signed);
					changed = true;
				}
			} else if (sema_ty_is_int(a) && sema_ty_is_int(b)) {
				el[i] = a;
			} else if (sema_ty_equal(a, b)) {
				el[i] = a;
			} else {
				return false;
			}
		}
		if (changed) {
			const char **names = NULL;

			if (t->kind == TY_RECORD) {
				names = arena_alloc(s->a, sizeof(*names) * t->n_fields);
				for (uint32_t i = 0; i < t->n_fields; i++)
					names[i] = stored->fields[i].name;
			}
			nt = sema_ty_tuple(s, el, names, t->n_fields);
			*stored = *nt;
		}
		return true;
	}
	default:
		return sema_ty_equal(stored, t);
	}
}

void sema_map_keys(struct sema *s, struct ast_node *m)
{
	struct map_info *mi = sema_map_get(s, m);
	struct ast_node **kp = &m->map.keys;
	const struct type *kt;

	if (!m->map.keys) {
		if (mi->key_type) {
			sema_err(s, m->loc,
				 "%s used as a map without an explicit key (scalar map), previously used with an explicit key (non-scalar map)",
				 m->map.name);
			sema_note(s, mi->first_use, "first used here");
			return;
		}
		if (!mi->key_size)
			mi->key_size = 8;
		return;
	}
	if (mi->key_size && !mi->key_type) {
		sema_err(s, m->loc,
			 "%s used as a map with an explicit key (non-scalar map), previously used without an explicit key (scalar map)",
			 m->map.name);
		sema_note(s, mi->first_use, "first used here");
		return;
	}
	if (m->map.keys->next) {
		struct ast_node *t = ast_new(s->cx, AST_TUPLE, m->map.keys->loc);

		t->tuple.elems = m->map.keys;
		for (struct ast_node *k = m->map.keys; k; k = k->next)
			t->loc = loc_join(t->loc, k->loc);
		m->map.keys = t;
	}
	kt = (*kp)->type ? (*kp)->type : sema_expr(s, kp);
	if (!kt)
		return;
	if (kt->kind == TY_NONE || sema_ty_is_agg(kt) || kt->kind == TY_MAP) {
		sema_err(s, (*kp)->loc, "Value '%s' cannot be used as a map key.", sema_ty_name(s, kt));
		return;
	}
	if (!mi->key_type) {
		mi->key_type = sema_ty_storage(s, kt);
		mi->key_size = mi->key_type->size;
	} else if (!sema_unify(s, (struct type *)mi->key_type, kt)) {
		sema_err(s, (*kp)->loc,
			 "Argument mismatch for %s: trying to access with arguments: '%s' when map expects arguments: '%s'",
			 m->map.name, sema_ty_name(s, kt), sema_ty_name(s, mi->key_type));
		sema_note(s, mi->first_use, "first used here");
		return;
	}
	sema_cast_to(s, kp, mi->key_type);
}

void sema_map_assign(struct sema *s, struct ast_node *m, struct ast_node **np)
{
	struct map_info *mi = sema_map_get(s, m);
	const struct type *t = (*np)->type;

	if (!t)
		return;
	if (t->kind == TY_NONE || t->kind == TY_MAP || sema_ty_is_agg(t)) {
		sema_err(s, (*np)->loc, "Value '%s' cannot be assigned to a map.", sema_ty_name(s, t));
		return;
	}
	if (!mi->value_type) {
		mi->value_type = sema_ty_storage(s, t);
	} else if (sema_ty_is_agg(mi->value_type) || !sema_unify(s, (struct type *)mi->value_type, t) ||
		   (mi->value_type->kind == TY_BOOL) != (t->kind == TY_BOOL)) {
		sema_err(s, m->loc,
			 "Type mismatch for %s: trying to assign value of type '%s' when map already contains a value of type '%s'",
			 m->map.name, sema_ty_name(s, t), sema_ty_name(s, mi->value_type));
		sema_note(s, mi->first_use, "first used here");
		return;
	}
	m->type = mi->value_type;
	sema_cast_to(s, np, mi->value_type);
}

void sema_map_agg(struct sema *s, struct ast_node *m, struct ast_node *call)
{
	struct map_info *mi = sema_map_get(s, m);
	const struct type *t = call->type;

	if (!t || !sema_ty_is_agg(t))
		return;
	if (call->call.info)
		call->call.info->map = mi;
	if (!mi->value_type) {
		mi->value_type = t;
		if (mi->kind != MAPK_PERCPU_LRU_HASH)
			mi->kind = MAPK_PERCPU_HASH;
	} else if (!sema_ty_equal(mi->value_type, t)) {
		sema_err(s, m->loc,
			 "Type mismatch for %s: trying to assign value of type '%s' when map already contains a value of type '%s'",
			 m->map.name, sema_ty_name(s, t), sema_ty_name(s, mi->value_type));
		sema_note(s, mi->first_use, "first used here");
		return;
	}
	m->type = mi->value_type;
}

const struct type *sema_map_read(struct sema *s, struct ast_node *m)
{
	struct map_info *mi = sema_map_get(s, m);
	const struct type *t = mi->value_type;

	if (!t) {
		sema_err(s, m->loc, "Undefined map: %s", m->map.name);
		return NULL;
	}
	switch (t->kind) {
	case TY_COUNT:
		return sema_ty_int(s, 8, false);
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
	case TY_AVG:
		return sema_ty_int(s, 8, t->is_signed);
	case TY_HIST:
	case TY_LHIST:
	case TY_STATS:
	case TY_TSERIES:
		sema_err(s, m->loc, "Map value '%s' cannot be used in this context", sema_ty_name(s, t));
		return NULL;
	default:
		return t;
	}
}
