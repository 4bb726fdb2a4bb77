/* macros.c — top-level definitions other than probes: macros (inlined at their
 * call sites by builtins.c), enum definitions (their enumerators become typed
 * literals) and map declarations (let @m = lru_hash(100)). */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

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
			sema_cdef(s, it);
			break;
		case AST_MAP_DECL:
			map_decl(s, it);
			break;
		default:
			break;
		}
	}
}
