/* pipeline.c — from a parsed program to a finished trace: sema, codegen, then
 * the runtime, with the debug dumps and early exits the flags ask for.
 *
 *   -c CMD        the child is forked (stopped before exec) first, so that its
 *                 pid is known to sema as `cpid`; the runtime lets it exec once
 *                 the probes are attached, and kills it if we exit first.
 *   -l PROG       sema only (probe expansion); prints the matching probes.
 *   -d codegen / codegen-opt / --emit-llvm   IR dumps, by codegen.
 *   --emit-elf F  writes the object to F and stops (bpftrace: "(dry run)").
 *   --mode codegen  stops after codegen.
 *   --dry-run     the runtime loads, runs begin, attaches, then stops.
 *   -d timing     time per stage on stderr.
 *
 * Every error has been reported by the stage that found it; this file only
 * turns them into exit status 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ast/ast.h"
#include "codegen/codegen.h"
#include "driver/cache.h"
#include "driver/cg_module.h"
#include "driver/pipeline.h"
#include "probes/probe.h"
#include "runtime/rt.h"
#include "sema/sema.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void timing(const struct scry_opts *o, const char *stage, double t0)
{
	if (o->debug & DBG_TIMING)
		fprintf(stderr, "%-10s %9.3f ms\n", stage, now_ms() - t0);
}

static int write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size) {
		fprintf(stderr, "ERROR: failed to write '%s': %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f)) {
		fprintf(stderr, "ERROR: failed to write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* -l with a program: the probes it expands to, one a line. Timer and
 * perf-event probes list as the event or unit they name, without the
 * period ("interval:ms:", "hardware:cache-misses:"); watchpoints and
 * begin/end/self not at all, as in bpftrace. */
static int list_program_probes(const struct resources *res)
{
	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];
		const struct probe_target *t = pi->target;
		const char *name = t && t->ops ? t->ops->name : "";

		if (!t || !t->full)
			continue;
		if (!strcmp(name, "watchpoint") || !strcmp(name, "asyncwatchpoint") ||
		    !strcmp(name, "begin") || !strcmp(name, "end") || !strcmp(name, "self"))
			continue;
		if ((!strcmp(name, "interval") || !strcmp(name, "profile") ||
		     !strcmp(name, "hardware") || !strcmp(name, "software")) && t->target)
			printf("%s:%.*s:\n", name, (int)strcspn(t->target, ":"), t->target);
		else
			printf("%s\n", t->full);
	}
	fflush(stdout);
	return 0;
}

/* The cache is used only when codegen would do nothing but produce the
 * object: no IR dumps, no --emit-* output, no codegen-only mode. */
static bool cache_usable(const struct scry_opts *o)
{
	const char *env = getenv("SCRY_NO_CACHE");

	if (o->no_cache || (env && *env && strcmp(env, "0"))) {
		cg_loader_no_cache_dir();
		return false;
	}
	if (o->debug & (DBG_CODEGEN | DBG_CODEGEN_OPT))
		return false;
	if (o->emit_elf || o->emit_llvm || o->verify_llvm_ir)
		return false;
	return o->mode == MODE_RUN || o->mode == MODE_TEST || o->mode == MODE_BENCH;
}

static uint64_t cache_max_bytes(void)
{
	const char *env = getenv("SCRY_CACHE_MAX_BYTES");
	char *end;
	unsigned long long v;

	if (!env || !*env)
		return CACHE_DEFAULT_MAX_BYTES;
	v = strtoull(env, &end, 0);
	return *end ? CACHE_DEFAULT_MAX_BYTES : v;
}

int pipeline_run(const struct scry_opts *o, struct ast_ctx *cx, struct ast_node *prog)
{
	struct probe_env env;
	struct sema_opts so = { 0 };
	struct resources res = { 0 };
	struct cg_opts co = { 0 };
	struct cg_obj obj = { 0 };
	struct rt_opts ro = { 0 };
	struct rt_child *child = NULL;
	FILE *out = NULL, *opt_ir = NULL;
	char *opt_ir_text = NULL;
	size_t opt_ir_size = 0;
	char *cache_dir = NULL;
	struct sbuf cache_key = { 0 };
	bool cache_hit = false;
	int status = 1, err;
	double t0;

	probe_env_default(&env);
	env.pid = o->pid;
	env.debug_dirs = o->debuginfo_dirs;
	env.n_debug_dirs = o->n_debuginfo_dirs;
	env.compile_only = o->emit_elf != NULL;
	env.no_kprobe_multi = (o->no_features & NOFEAT_KPROBE_MULTI) != 0;

	if (o->cmd && !o->list && o->mode == MODE_RUN) {
		child = rt_child_spawn(o->cmd);
		if (!child)
			return 1;
	}
	/* least privilege: the compiler reads untrusted input; the child has
	 * the caller's capabilities already */
	if (!o->unsafe && !o->list && o->mode == MODE_RUN) {
		err = rt_caps_drop_unused();
		if (err)
			fprintf(stderr, "WARNING: could not drop unused capabilities: %s\n",
				strerror(-err));
	}

	so.pos_params = o->pos_params;
	so.n_pos_params = o->n_pos_params;
	so.named_params = o->named_params;
	so.n_named_params = o->n_named_params;
	so.env = &env;
	so.unsafe = o->unsafe;
	so.pid = o->pid;
	so.has_child = child != NULL || o->cmd != NULL;
	so.cpid = rt_child_pid(child);
	so.is_listing = o->list;
	so.includes = o->includes;
	so.n_includes = o->n_includes;
	so.include_dirs = o->include_dirs;
	so.n_include_dirs = o->n_include_dirs;
	so.helper_errors = o->helper_errors;

	t0 = now_ms();
	if (sema_run(cx, prog, &so, &res) || cx->diag->n_errors)
		goto out;
	timing(o, "sema", t0);
	if (o->list) {
		status = list_program_probes(&res);
		goto out;
	}

	/* bpftrace's headers; the optimized IR is collected and printed after the
	 * unoptimized one, each under its header */
	if (o->debug & DBG_CODEGEN) {
		fputs("LLVM IR before optimization\n---------------------------\n\n", stdout);
		co.dump_ir = stdout;
	}
	if (o->debug & DBG_CODEGEN_OPT)
		co.dump_ir_opt = opt_ir = open_memstream(&opt_ir_text, &opt_ir_size);
	co.emit_llvm = o->emit_llvm;
	co.verify = o->verify_llvm_ir;
	if (cache_usable(o) && (cache_dir = cache_dir_default())) {
		t0 = now_ms();
		cache_key_program(&cache_key, o, cx->src, &res, so.cpid);
		cache_hit = cache_lookup(cache_dir, &cache_key, &obj.data, &obj.size) == 0;
		timing(o, cache_hit ? "cache-hit" : "cache-miss", t0);
	}
	t0 = now_ms();
	err = cache_hit ? 0 : cg_compile(cx, prog, &res, &co, &obj);
	if (opt_ir) {
		fclose(opt_ir);
		opt_ir = NULL;
		fputs("\nLLVM IR after optimization\n----------------------------\n\n", stdout);
		fwrite(opt_ir_text, 1, opt_ir_size, stdout);
		free(opt_ir_text);
		opt_ir_text = NULL;
	}
	if (err || cx->diag->n_errors)
		goto out;
	timing(o, "codegen", t0);
	fflush(stdout);
	if (cache_dir && !cache_hit)
		cache_store(cache_dir, &cache_key, obj.data, obj.size, cache_max_bytes());

	if (o->emit_elf) {
		status = write_file(o->emit_elf, obj.data, obj.size) ? 1 : 0;
		goto out;
	}
	if (o->mode == MODE_CODEGEN) {
		status = 0;
		goto out;
	}

	if (o->output_path) {
		out = fopen(o->output_path, "w");
		if (!out) {
			fprintf(stderr, "ERROR: Failed to open output file: \"%s\": %s\n",
				o->output_path, strerror(errno));
			goto out;
		}
		if (o->buffering == 'n')
			setvbuf(out, NULL, _IONBF, 0);
		else if (o->buffering != 'f')
			setvbuf(out, NULL, _IOLBF, 0);
	}

	ro.out = out ? out : stdout;
	ro.src = cx->src;
	ro.quiet = o->quiet;
	ro.verbose = o->verbose;
	ro.dry_run = o->dry_run;
	ro.json = o->format == OUTFMT_JSON;
	ro.unsafe = o->unsafe;
	ro.no_warnings = o->no_warnings;
	ro.debug_verifier = (o->debug & DBG_VERIFIER) != 0;
	ro.debug_libbpf = (o->debug & DBG_LIBBPF) != 0;
	ro.buffering = o->buffering;
	ro.pid = o->pid;
	ro.child = child;
	ro.probe_filter = o->probe_filter;
	ro.metrics_addr = o->metrics;
	ro.bench = o->mode == MODE_BENCH;
	ro.test = o->mode == MODE_TEST;
	{
		const char *ls = getenv("BPFTRACE_LOG_SIZE");

		ro.log_size = ls ? (uint32_t)strtoul(ls, NULL, 0) : 0;
	}
	t0 = now_ms();
	status = rt_run(&ro, obj.data, obj.size, &res);
	timing(o, "run", t0);

out:
	rt_child_free(child);
	if (out)
		fclose(out);
	cg_obj_free(&obj);
	resources_fini(&res);
	sbuf_fini(&cache_key);
	free(cache_dir);
	fflush(stdout);
	return status;
}
