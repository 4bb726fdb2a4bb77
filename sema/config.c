/* config.c — the program's options: defaults, then BPFTRACE_* environment
 * variables, then the config = { ... } block (later wins). Unknown keys are
 * errors, as in bpftrace. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sema/sema_int.h"

static const char *const renamed[][2] = {
	{ "strlen", "max_strlen" },
	{ "cat_bytes_max", "max_cat_bytes" },
	{ "map_keys_max", "max_map_keys" },
};

static const char *const known_ignored[] = {
	"cache_user_symbols", "cpp_demangle", "lazy_symbolication", "log_size", "max_bpf_progs",
	"use_blazesym", "unstable_import", "unstable_tseries",
	"unstable_typeinfo", "unstable_dw_ustack", "unstable_map_decl", "unstable_macro",
	"no_cpp_demangle",
};

static bool parse_stack_mode(const char *v, enum stack_mode *out)
{
	if (!strcmp(v, "bpftrace"))
		*out = STACK_BPFTRACE;
	else if (!strcmp(v, "perf"))
		*out = STACK_PERF;
	else if (!strcmp(v, "raw"))
		*out = STACK_RAW;
	else if (!strcmp(v, "build_id"))
		*out = STACK_BUILD_ID;
	else
		return false;
	return true;
}

static bool parse_missing(const char *v, int *out)
{
	if (!strcmp(v, "error"))
		*out = 0;
	else if (!strcmp(v, "warn"))
		*out = 1;
	else if (!strcmp(v, "ignore"))
		*out = 2;
	else
		return false;
	return true;
}

static bool parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "true"))
		*out = true;
	else if (!strcmp(v, "0") || !strcasecmp(v, "false"))
		*out = false;
	else
		return false;
	return true;
}

/* Sets @key to the integer @iv or string @sv (one of them). Returns 0, -1 for an
 * unknown key, -2 for a bad value. */
static int config_set(struct sema *s, const char *key, bool has_int, uint64_t iv, const char *sv)
{
	struct res_config *c = &s->res->cfg;
	char buf[32];

	if (has_int) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)iv);
		if (!sv)
			sv = buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(renamed); i++)
		if (!strcmp(key, renamed[i][0]))
			key = renamed[i][1];
#define INTKEY(name, field)                                   \
	if (!strcmp(key, name)) {                             \
		char *end;                                    \
		unsigned long long x = strtoull(sv, &end, 0); \
		if (*end || !*sv)                             \
			return -2;                            \
		c->field = x;                                 \
		return 0;                                     \
	}
	INTKEY("max_strlen", max_strlen)
	INTKEY("max_map_keys", max_map_keys)
	INTKEY("perf_rb_pages", perf_rb_pages)
	INTKEY("max_cat_bytes", max_cat_bytes)
	INTKEY("on_stack_limit", on_stack_limit)
	INTKEY("max_probes", max_probes)
#undef INTKEY
	if (!strcmp(key, "stack_mode"))
		return parse_stack_mode(sv, &c->stack_mode) ? 0 : -2;
	if (!strcmp(key, "missing_probes"))
		return parse_missing(sv, &c->missing_probes) ? 0 : -2;
	if (!strcmp(key, "print_maps_on_exit"))
		return parse_bool(sv, &c->print_maps_on_exit) ? 0 : -2;
	if (!strcmp(key, "show_debug_info")) {
		bool on;

		if (!parse_bool(sv, &on))
			return -2;
		c->hide_debug_info = !on;
		return 0;
	}
	if (!strcmp(key, "license")) {
		static const char *const ok[] = { "Dual MIT/GPL", "Dual BSD/GPL", "Dual MPL/GPL",
						  "GPL and additional rights", "GPL v2", "GPL" };

		for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
			if (!strcmp(sv, ok[i])) {
				c->license = ok[i];
				return 0;
			}
		return -3;
	}
	if (!strcmp(key, "str_trunc_trailer")) {
		c->str_trunc_trailer = arena_strdup(s->a, sv);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(known_ignored); i++)
		if (!strcmp(key, known_ignored[i]))
			return 0;
	return -1;
}

void sema_config(struct sema *s)
{
	struct res_config *c = &s->res->cfg;
	static const char *const envs[][2] = {
		{ "BPFTRACE_MAX_STRLEN", "max_strlen" },
		{ "BPFTRACE_MAX_MAP_KEYS", "max_map_keys" },
		{ "BPFTRACE_PERF_RB_PAGES", "perf_rb_pages" },
		{ "BPFTRACE_MAX_CAT_BYTES", "max_cat_bytes" },
		{ "BPFTRACE_STACK_MODE", "stack_mode" },
		{ "BPFTRACE_ON_STACK_LIMIT", "on_stack_limit" },
		{ "BPFTRACE_MAX_PROBES", "max_probes" },
		{ "BPFTRACE_STR_TRUNC_TRAILER", "str_trunc_trailer" },
		{ "BPFTRACE_MISSING_PROBES", "missing_probes" },
		{ "BPFTRACE_LICENSE", "license" },
		{ "BPFTRACE_PRINT_MAPS_ON_EXIT", "print_maps_on_exit" },
	};

	c->max_strlen = 1024;
	c->max_map_keys = 4096;
	c->perf_rb_pages = RES_DEFAULT_RB_PAGES;
	c->max_cat_bytes = 10240;
	c->stack_mode = STACK_BPFTRACE;
	c->print_maps_on_exit = true;
	c->on_stack_limit = 32;
	c->max_probes = 1024;
	c->missing_probes = 0;
	c->license = "GPL";
	c->str_trunc_trailer = "..";
	c->unsafe = s->o ? s->o->unsafe : false;

	for (struct ast_node *it = s->prog->program.items; it; it = it->next) {
		struct ast_node *v;
		int r;

		if (it->kind != AST_CONFIG)
			continue;
		v = it->config.value;
		if (!v)
			continue;
		if (v->kind == AST_INT)
			r = config_set(s, it->config.key, true, v->num.v, NULL);
		else if (v->kind == AST_BOOL)
			r = config_set(s, it->config.key, true, v->boolean.v, v->boolean.v ? "true" : "false");
		else if (v->kind == AST_STR)
			r = config_set(s, it->config.key, false, 0, v->str.s);
		else if (v->kind == AST_IDENT)
			r = config_set(s, it->config.key, false, 0, v->ident.name);
		else
			r = -2;
		if (r == -1 && !strncasecmp(it->config.key, "BPFTRACE_", 9)) {
			char low[64];
			size_t i;

			for (i = 0; it->config.key[9 + i] && i + 1 < sizeof(low); i++)
				low[i] = tolower((unsigned char)it->config.key[9 + i]);
			low[i] = 0;
			if (v->kind == AST_INT)
				r = config_set(s, low, true, v->num.v, NULL);
			else if (v->kind == AST_STR)
				r = config_set(s, low, false, 0, v->str.s);
			else if (v->kind == AST_IDENT)
				r = config_set(s, low, false, 0, v->ident.name);
		}
		if (r == -1)
			sema_err(s, it->loc, "%s: not a known configuration option", it->config.key);
		else if (r == -3)
			sema_err(s, v->loc, "Invalid value for license. Found: %s. Valid values: Dual MIT/GPL, Dual BSD/GPL, Dual MPL/GPL, GPL and additional rights, GPL v2, GPL",
				 v->kind == AST_STR ? v->str.s : v->kind == AST_IDENT ? v->ident.name : "?");
		else if (r == -2)
			sema_err(s, v->loc, "Invalid value for %s", it->config.key);
	}
	/* the environment takes precedence over the config block */
	for (size_t i = 0; i < ARRAY_SIZE(envs); i++) {
		const char *v = getenv(envs[i][0]);

		if (v && config_set(s, envs[i][1], false, 0, v) < -1)
			diag_plain_error(s->d, "Invalid value for %s: %s", envs[i][0], v);
	}

	if (c->max_strlen > 1024 * 64)
		c->max_strlen = 1024 * 64;
	if (c->max_strlen < 1)
		c->max_strlen = 1;
}
