/* test_uprobe.c — the uprobe, uretprobe and usdt probe types on the test
 * programs of tests/progs (argv: uprog_pie, libuprog_lib.so, uprog_nopie):
 * expansion (functions, wildcards, offsets, errors), file offsets, DWARF
 * `args`, USDT sites and semaphores, sections, uaddr() lookups and -l
 * output. No root needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ast/ast.h"
#include "probes/probe.h"
#include "probes/uelf.h"
#include "probes/usdt_notes.h"
#include "tests/unit/tap.h"

static struct ast_ctx cx;
static struct diag dg;
static char *diag_buf;
static size_t diag_size;
static FILE *diag_out;
static struct ptrvec targets;

/* An AST_ATTACH for "provider:part:part" (no quoting). */
static struct ast_node *mk_ap(const char *raw)
{
	struct loc loc = { 0 };
	struct ast_node *n = ast_new(&cx, AST_ATTACH, loc);
	char *copy = arena_strdup(&cx.arena, raw), *p, *colon;
	const char **parts = arena_alloc(&cx.arena, 16 * sizeof(*parts));
	uint32_t np = 0;

	n->attach.raw = str_intern0(&cx.arena, raw);
	colon = strchr(copy, ':');
	*colon = 0;
	n->attach.provider = str_intern0(&cx.arena, copy);
	for (p = colon + 1;;) {
		char *c = strchr(p, ':');

		if (c)
			*c = 0;
		parts[np++] = str_intern0(&cx.arena, p);
		if (!c)
			break;
		p = c + 1;
	}
	n->attach.parts = parts;
	n->attach.n_parts = np;
	n->attach.has_wildcard = strchr(raw, '*') != NULL;
	return n;
}

static const char *diag_text(void)
{
	fflush(diag_out);
	return diag_buf ? diag_buf : "";
}

static int expand(const struct probe_env *env, const char *fmt, const char *path)
{
	char raw[1024];
	struct ast_node *ap;
	const struct probe_ops *ops;

	snprintf(raw, sizeof(raw), fmt, path);
	ap = mk_ap(raw);
	ops = probe_lookup(ap->attach.provider);
	targets.n = 0;
	if (diag_out)
		fclose(diag_out);
	free(diag_buf);
	diag_buf = NULL;
	diag_size = 0;
	diag_out = open_memstream(&diag_buf, &diag_size);
	diag_init(&dg, diag_out);
	dg.quiet_locs = true;
	return ops ? ops->expand(env, ap, &targets, &cx.arena, &dg) : -ENOENT;
}

static struct probe_target *tgt(size_t i)
{
	return i < targets.n ? targets.v[i] : NULL;
}

static char *list(const struct probe_env *env, const char *fmt, const char *path, bool verbose)
{
	char pat[1024], *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	snprintf(pat, sizeof(pat), fmt, path);
	probe_list_all(env, pat, verbose, f);
	fclose(f);
	return buf;
}

static void test_uprobe(const struct probe_env *env, const char *pie)
{
	struct uelf *e = NULL;
	uint64_t off = 0;
	struct probe_ctx pc;
	char *want;

	is_int(expand(env, "uprobe:%s:uprobe_func1", pie), 0, "uprobe expands");
	is_int((long long)targets.n, 1, "one target");
	want = xasprintf("uprobe:%s:uprobe_func1", pie);
	is_str(tgt(0) ? tgt(0)->full : NULL, want, "full name");
	free(want);
	is_str(tgt(0) ? tgt(0)->func : NULL, "uprobe_func1", "func");
	is_str(tgt(0) ? tgt(0)->ops->section(tgt(0), &cx.arena) : NULL, "uprobe", "section");
	if (uelf_open(pie, &e) == 0) {
		uelf_resolve_func(e, "uprobe_func1", 0, &off, NULL);
		uelf_free(e);
	}
	ok(tgt(0) && off && tgt(0)->offset == off, "attach offset is the function's file offset");

	{
		/* one target a function (`probe` used, or no uprobe_multi) */
		struct probe_env single = *env;

		single.no_multi = true;
		is_int(expand(&single, "u:%s:uprobe_func*", pie), 0, "wildcard expands");
		is_int((long long)targets.n, 2, "two functions");
		is_str(tgt(0) ? tgt(0)->func : NULL, "uprobe_func1", "sorted 1");
		is_str(tgt(1) ? tgt(1)->func : NULL, "uprobe_func2", "sorted 2");
		ok(tgt(0) && tgt(0)->n_syms == 0, "single targets");
	}
	is_int(expand(env, "u:%s:uprobe_func*", pie), 0, "wildcard expands (multi allowed)");
	if (probe_uprobe_has_multi()) {
		is_int((long long)targets.n, 1, "uprobe_multi: one target");
		ok(tgt(0) && tgt(0)->n_syms == 2 && !strcmp(tgt(0)->syms[0], "uprobe_func1") &&
			   !strcmp(tgt(0)->syms[1], "uprobe_func2"),
		   "uprobe_multi: both functions, sorted");
		is_str(tgt(0) ? tgt(0)->func : NULL, "uprobe_func*", "uprobe_multi: func is the glob");
	} else {
		is_int((long long)targets.n, 2, "no uprobe_multi here: two targets");
	}

	is_int(expand(env, "uprobe:%s:uprobe_func2", pie), 0, "uprobe_func2");
	ok(tgt(0) && tgt(0)->ops->context(env, tgt(0), &pc, &cx.arena, &dg) == 0 &&
		   pc.kind == PCTX_PT_REGS && pc.has_args && pc.args && pc.args->n_fields == 2 &&
		   !strcmp(pc.args->fields[0].name, "a") && !strcmp(pc.args->fields[1].name, "s"),
	   "DWARF args (a, s)");

	is_int(expand(env, "uretprobe:%s:uprobe_func1", pie), 0, "uretprobe");
	ok(tgt(0) && tgt(0)->is_ret, "is_ret");
	is_str(tgt(0) ? tgt(0)->ops->section(tgt(0), &cx.arena) : NULL, "uretprobe",
	       "uretprobe section");

	is_int(expand(env, "uprobe:%s:no_such_function", pie), 0, "missing function: no error");
	is_int((long long)targets.n, 0, "missing function: no target");

	ok(expand(env, "uprobe:%s:uprobe_func1+100000", pie) < 0 &&
		   strstr(diag_text(), "Offset outside the function bounds ('uprobe_func1' size is"),
	   "offset outside the function");
	ok(expand(env, "uretprobe:%s:uprobe_func1+4", pie) < 0 &&
		   strstr(diag_text(), "uretprobes can not be attached to a function offset"),
	   "uretprobe offset");
	ok(expand(env, "uprobe:%s:f", "/nonexistent/prog") < 0 &&
		   strstr(diag_text(), "uprobe target file '/nonexistent/prog' does not exist"),
	   "missing file");
	ok(expand(env, "uprobe:%s:f", "/etc/passwd") < 0 &&
		   strstr(diag_text(), "is not an ELF file"), "not ELF");
	ok(expand(env, "uprobe:%s:rust:f", pie) < 0 &&
		   strstr(diag_text(), "unsupported language type: rust"), "unknown language");
}

static void test_usdt(const struct probe_env *env, const char *pie, const char *lib)
{
	const struct probe_target *sema = NULL;
	struct probe_ctx pc;

	is_int(expand(env, "usdt:%s:uprog:*", pie), 0, "usdt wildcard");
	is_int((long long)targets.n, 6, "six probes");
	for (size_t i = 0; i < targets.n; i++)
		if (!strcmp(tgt(i)->func, "with_sema"))
			sema = tgt(i);
	ok(sema != NULL, "with_sema found");
	if (sema) {
		const struct usdt_note *n;

		ok(sema->ops->context(env, sema, &pc, &cx.arena, &dg) == 0 &&
			   pc.n_usdt_sites == 1, "one site");
		n = pc.n_usdt_sites ? pc.usdt_sites[0] : NULL;
		ok(n && n->sema_offset != 0, "semaphore offset");
		ok(n && n->n_args == 1, "one argument");
		is_str(sema->ops->section(sema, &cx.arena), "usdt", "usdt section");
	}
	is_int(expand(env, "usdt:%s:const_arg", pie), 0, "usdt without provider");
	ok(targets.n == 1 && strstr(tgt(0)->full, ":uprog:const_arg"), "provider filled in");
	is_int(expand(env, "usdt:%s:uprog_lib:add", lib), 0, "usdt in a library");
	is_int((long long)targets.n, 1, "one library probe");
	is_int(expand(env, "usdt:%s:uprog:nope", pie), 0, "missing usdt probe: no error");
	is_int((long long)targets.n, 0, "missing usdt probe: no target");
}

static void test_uaddr(const struct probe_env *env, const char *pie, const char *nopie)
{
	uint64_t addr = 0, size = 0, at = 0;
	bool biased = false;

	expand(env, "uprobe:%s:uprobe_func2", pie);
	ok(tgt(0) && probe_uaddr(tgt(0), "greeting", &addr, &size, &biased, &at) == 0 && addr &&
		   size == 6 && biased && at, "uaddr in a PIE");
	ok(tgt(0) && probe_uaddr(tgt(0), "no_such", &addr, &size, &biased, &at) == -ENOENT,
	   "uaddr of a missing symbol");
	expand(env, "uprobe:%s:uprobe_func2", nopie);
	ok(tgt(0) && probe_uaddr(tgt(0), "greeting", &addr, &size, &biased, &at) == 0 && !biased,
	   "uaddr in a non-PIE executable");
}

static void test_list(const struct probe_env *env, const char *pie)
{
	char *out, *want;

	out = list(env, "uprobe:%s:uprobe_func*", pie, false);
	want = xasprintf("uprobe:%s:uprobe_func1\nuprobe:%s:uprobe_func2\n", pie, pie);
	is_str(out, want, "-l uprobe wildcard");
	free(out);
	free(want);
	out = list(env, "uprobe:%s:uprobe_func2", pie, true);
	ok(out && strstr(out, "    long int a\n") && strstr(out, "    const char* s\n"), "-lv params");
	free(out);
	out = list(env, "usdt:%s:uprog:with_sema", pie, false);
	want = xasprintf("usdt:%s:uprog:with_sema\n", pie);
	is_str(out, want, "-l usdt");
	free(out);
	free(want);
}

int main(int argc, char **argv)
{
	struct probe_env env;

	if (argc < 4) {
		printf("1..0 # SKIP usage: test_uprobe uprog_pie libuprog_lib.so uprog_nopie\n");
		return 0;
	}
	ast_ctx_init(&cx, &dg, NULL);
	probe_env_default(&env);
	env.pid = 0;
	test_uprobe(&env, argv[1]);
	test_usdt(&env, argv[1], argv[2]);
	test_uaddr(&env, argv[1], argv[3]);
	test_list(&env, argv[1]);
	env.child_pid = 4242;
	expand(&env, "uprobe:%s:uprobe_func1", argv[1]);
	ok(tgt(0) && tgt(0)->pid == 4242, "-c child pid is the attach pid");
	if (diag_out)
		fclose(diag_out);
	free(diag_buf);
	ptrvec_fini(&targets);
	ast_ctx_fini(&cx);
	return done_testing();
}
