/* macros.c — top-level definitions other than probes: macros (inlined at their
 * call sites by builtins.c), enum definitions (their enumerators become typed
 * literals) and map declarations (let @m = lru_hash(100)). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

static const char *skip_ws(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");

			p = e ? e + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

static const char *ident_end(const char *p)
{
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return p;
}

/* enum [Name] { A [= v], B, ... } */
static void parse_enum(struct sema *s, struct ast_node *def)
{
	const char *p = skip_ws(def->cdef.text), *e;
	const char *name = NULL;
	struct ptrvec names = { 0 };
	int64_t next = 0;
	struct type *t;
	size_t first = s->enums.n;

	if (strncmp(p, "enum", 4))
		return;
	p = skip_ws(p + 4);
	e = ident_end(p);
	if (e > p) {
		name = arena_printf(s->a, "enum %.*s", (int)(e - p), p);
		p = skip_ws(e);
	}
	if (*p != '{')
		return;
	p++;
	t = sema_ty_new(s, TY_ENUM, 8);
	t->name = name ? str_intern0(s->a, name) : NULL;
	for (;;) {
		struct enum_const *c;

		p = skip_ws(p);
		if (*p == '}' || !*p)
			break;
		e = ident_end(p);
		if (e == p)
			break;
		c = arena_alloc(s->a, sizeof(*c));
		c->name = str_intern(s->a, p, e - p);
		p = skip_ws(e);
		if (*p == '=') {
			char *end;

			p = skip_ws(p + 1);
			next = strtoll(p, &end, 0);
			p = end;
		}
		c->value = next++;
		c->type = t;
		ptrvec_push(&s->enums, c);
		p = skip_ws(p);
		if (*p == ',')
			p++;
	}
	t->n_enums = s->enums.n - first;
	{
		const char **nv = arena_alloc(s->a, sizeof(*nv) * (t->n_enums + 1));
		int64_t *vv = arena_alloc(s->a, sizeof(*vv) * (t->n_enums + 1));

		for (uint32_t i = 0; i < t->n_enums; i++) {
			struct enum_const *c = s->enums.v[first + i];

			nv[i] = c->name;
			vv[i] = c->value;
		}
		t->enum_names = nv;
		t->enum_values = vv;
	}
	ptrvec_push(&s->cstructs, t);
	ptrvec_fini(&names);
}

static void map_decl(struct sema *s, struct ast_node *d)
{
	struct ast_node fake = { 0 };
	struct map_info *mi;
	struct ast_node *c = d->map_decl.init;
	const char *k;
	int64_t n = 0;

	fake.kind = AST_MAP;
	fake.loc = d->loc;
	fake.map.name = d->map_decl.name;
	mi = sema_map_get(s, &fake);
	mi->is_declared = true;
	if (!c || c->kind != AST_CALL) {
		sema_err(s, d->loc, "invalid map declaration");
		return;
	}
	k = c->call.name;
	if (!strcmp(k, "hash"))
		mi->kind = MAPK_HASH;
	else if (!strcmp(k, "lruhash") || !strcmp(k, "lru_hash"))
		mi->kind = MAPK_LRU_HASH;
	else if (!strcmp(k, "percpuhash") || !strcmp(k, "percpu_hash"))
		mi->kind = MAPK_PERCPU_HASH;
	else if (!strcmp(k, "percpulruhash") || !strcmp(k, "percpu_lru_hash"))
		mi->kind = MAPK_PERCPU_LRU_HASH;
	else if (!strcmp(k, "percpuarray") || !strcmp(k, "percpu_array"))
		mi->kind = MAPK_PERCPU_ARRAY;
	else {
		sema_err(s, c->loc, "Invalid bpf map type: %s", k);
		return;
	}
	if (c->call.args && !sema_const_int(c->call.args, &n)) {
		sema_err(s, c->call.args->loc, "map size must be an integer literal");
		return;
	}
	if (c->call.args)
		mi->max_entries = n;
}

void sema_macros(struct sema *s)
{
	for (struct ast_node *it = s->prog->program.items; it; it = it->next) {
		switch (it->kind) {
		case AST_MACRO:
			ptrvec_push(&s->macros, it);
			break;
		case AST_CDEF:
			parse_enum(s, it);
			break;
		case AST_MAP_DECL:
			map_decl(s, it);
			break;
		default:
			break;
		}
	}
}
