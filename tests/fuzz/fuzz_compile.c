/* fuzz_compile.c — libFuzzer target over the whole compile path short of loading:
 * lexer -> parser -> sema -> codegen -> bpf_object__open_mem. Kernel facts come
 * from fixtures (tests/data/fuzz.btf for BTF, tests/data/tracefs, kallsyms.txt),
 * never from the running kernel, so runs are reproducible. Any input must end in
 * diagnostics or an object libbpf can open: never a crash, a sanitizer report,
 * a hang, or an error-free compile that produced no object.
 *
 * Built by build_compile.sh (clang, -fsanitize=fuzzer,address,undefined); the
 * same file, built with -DSCRY_FUZZ_MAIN, replays inputs as a plain program
 * (tests/fuzz/regress/, meson test 'fuzz-regress'). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ast/ast.h"
#include "codegen/codegen.h"
#include "parser/parser.h"
#include "probes/probe.h"
#include "sema/sema.h"
#include "util/util.h"

#ifndef SCRY_TEST_DATA
#error "SCRY_TEST_DATA must name tests/data"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* How far inputs got; printed at exit when SCRY_FUZZ_STATS is set, to check that
 * the fuzzer reaches codegen and libbpf for a fair share of its inputs. */
static unsigned long n_inputs, n_parsed, n_typed, n_opened;

static void print_stages(void)
{
	fprintf(stderr, "stages: %lu inputs, %lu parsed, %lu through sema, %lu objects opened\n",
		n_inputs, n_parsed, n_typed, n_opened);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const params[] = { "1", "/bin/sh", "x y" };
	struct parse_opts po = { .pos_params = params, .n_pos_params = 3 };
	struct sema_opts so = { .pos_params = params, .n_pos_params = 3 };
	struct probe_env env;
	struct resources res = { 0 };
	struct cg_opts co = { .verify = true };
	struct cg_obj obj = { 0 };
	struct src *s;
	FILE *sink;
	struct diag d;
	struct ast_ctx cx;
	struct ast_node *prog;

	if (size > 8192)
		return 0; /* keep executions fast; length is not what this target explores */
	if (!n_inputs++ && getenv("SCRY_FUZZ_STATS"))
		atexit(print_stages);
	libbpf_set_print(quiet_print);
	probe_env_default(&env);
	env.tracefs = SCRY_TEST_DATA "/tracefs";
	env.btf_path = SCRY_TEST_DATA "/fuzz.btf";
	env.kallsyms = SCRY_TEST_DATA "/kallsyms.txt";
	env.compile_only = true;
	so.env = &env;

	s = src_from_string("stdin", (const char *)data, size);
	sink = getenv("SCRY_FUZZ_VERBOSE") ? stderr : fopen("/dev/null", "w");
	diag_init(&d, sink);
	ast_ctx_init(&cx, &d, s);
	prog = parse_program(&cx, &po);
	if (!prog || d.n_errors)
		goto out;
	n_parsed++;
	if (sema_run(&cx, prog, &so, &res) || d.n_errors)
		goto out;
	n_typed++;
	if (cg_compile(&cx, prog, &res, &co, &obj) || d.n_errors)
		goto out;
	if (!obj.data || !obj.size) {
		fprintf(stderr, "codegen succeeded without an object\n");
		abort();
	}
	{
		struct bpf_object *bo = bpf_object__open_mem(obj.data, obj.size, NULL);

		if (libbpf_get_error(bo)) {
			fprintf(stderr, "libbpf cannot open the object codegen produced\n");
			abort();
		}
		bpf_object__close(bo);
		n_opened++;
	}
out:
	cg_obj_free(&obj);
	resources_fini(&res);
	ast_ctx_fini(&cx);
	src_free(s);
	if (sink != stderr)
		fclose(sink);
	return 0;
}

#ifdef SCRY_FUZZ_MAIN
#include <dirent.h>

static int n_run;

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(path);
		return 1;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	free(buf);
	printf("ok %d - %s\n", ++n_run, path);
	fflush(stdout);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays each file named on the command line once; a directory stands for
 * the files in it (sorted). TAP output: a crash aborts the run. */
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		DIR *dir = opendir(argv[i]);
		struct dirent *e;
		char **names = NULL;
		size_t n = 0;

		if (!dir) {
			if (replay(argv[i]))
				return 1;
			continue;
		}
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.') {
				names = realloc(names, (n + 1) * sizeof(*names));
				names[n++] = xasprintf("%s/%s", argv[i], e->d_name);
			}
		closedir(dir);
		if (n)
			qsort(names, n, sizeof(*names), cmp_str);
		for (size_t k = 0; k < n; k++) {
			if (replay(names[k]))
				return 1;
			free(names[k]);
		}
		free(names);
	}
	printf("1..%d\n", n_run);
	return 0;
}
#endif
