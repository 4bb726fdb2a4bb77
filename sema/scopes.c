/* scopes.c — lexical scopes of $variables. A variable belongs to the block
 * where it is first assigned (or declared with let); inner blocks see outer
 * variables, sibling blocks do not see each other's. */
#include <string.h>

#include "sema/sema_int.h"

void sema_scope_push(struct sema *s)
{
	struct scope *sc = arena_alloc(s->a, sizeof(*sc));

	sc->up = s->scope;
	s->scope = sc;
}

void sema_scope_pop(struct sema *s)
{
	struct scope *sc = s->scope;

	s->scope = sc->up;
	ptrvec_fini(&sc->vars);
}

struct var_info *sema_var_lookup(struct sema *s, const char *name)
{
	for (struct scope *sc = s->scope; sc; sc = sc->up)
		for (size_t i = 0; i < sc->vars.n; i++) {
			struct var_info *v = sc->vars.v[i];

			if (v->name == name)
				return v;
		}
	return NULL;
}

struct var_info *sema_var_declare(struct sema *s, const char *name, const struct type *t)
{
	struct var_info *v = arena_alloc(s->a, sizeof(*v));

	v->name = name;
	v->id = s->n_vars++;
	v->type = t;
	ptrvec_push(&s->scope->vars, v);
	return v;
}
