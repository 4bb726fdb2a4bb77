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
#include <ctype.h>
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

#ifndef SCRY_FUZZ_MAIN
/* ---- a token-aware mutator ----
 * Byte-level mutations break the syntax of nearly every input, so few reach sema
 * and codegen. Half of the mutations here act on whole tokens instead: a number
 * becomes another (edge) value, a word becomes another word of the input or a
 * builtin / type / fixture field name, an operator another operator, and a
 * statement is duplicated or dropped. The rest are libFuzzer's own. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static const char *const mut_words[] = {
#define X(id, name) name,
#include "ast/builtins.def"
#undef X
	"arg0", "arg1", "arg5", "sarg0", "int8", "uint8", "int16", "uint16", "int32",
	"uint32", "int64", "uint64", "string", "bool", "inet", "u8", "u32", "u64",
	"pid_t", "task_struct", "file", "dentry", "inode", "path", "mm_struct",
	"pid_type", "PIDTYPE_TGID", "TASK_RUNNING", "tgid", "prio", "real_parent",
	"mm", "d_name", "d_parent", "name", "len", "f_path", "i_ino", "flags",
	"start_time", "children", "next", "sizeof", "offsetof", "typeof", "if",
	"else", "while", "for", "unroll", "return", "let", "struct", "union", "enum",
	"true", "false", "BEGIN", "END", "self", "interval", "tracepoint", "rawtracepoint",
	"kprobe", "kretprobe", "uprobe", "usdt", "software", "profile", "iter",
	"fentry", "fexit", "syscalls", "sys_enter_openat", "sys_exit_read", "sched",
	"sched_switch", "vfs_read", "do_nanosleep", "filename", "ret", "fd", "count",
};
static const char *const mut_numbers[] = {
	"0", "1", "-1", "2", "7", "8", "15", "16", "63", "64", "100", "127", "128",
	"255", "256", "1024", "4096", "65535", "65536", "2147483647", "2147483648",
	"-2147483648", "4294967295", "4294967296", "9223372036854775807",
	"9223372036854775808", "-9223372036854775808", "18446744073709551615",
	"0x7fffffff", "0xffffffffffffffff", "1e3", "1_000", "0b101", "077", "5s",
};
static const char *const mut_ops[] = {
	"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", ">",
	"<=", ">=", "&&", "||", "=", "+=", "-=", "<<=", "++", "--", "!", "~", ".",
	"->", ",", ";", "?", ":",
};

struct tok {
	size_t off, len;
	char kind; /* 'n' number, 'w' word ($x, @m and names), 'o' operator, ';' */
};

static size_t tokenize(const uint8_t *d, size_t n, struct tok *t, size_t max)
{
	size_t k = 0, i = 0;

	while (i < n && k < max) {
		size_t st = i;
		char kind;

		if (d[i] == '"') { /* strings are skipped whole */
			for (i++; i < n && d[i] != '"'; i++)
				if (d[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (isdigit(d[i])) {
			while (i < n && (isalnum(d[i]) || d[i] == '_'))
				i++;
			kind = 'n';
		} else if (isalpha(d[i]) || d[i] == '_' || d[i] == '$' || d[i] == '@') {
			for (i++; i < n && (isalnum(d[i]) || d[i] == '_'); i++)
				;
			kind = 'w';
		} else if (strchr("+-*/%&|^<>=!~.,?:", d[i])) {
			while (i < n && i - st < 3 && strchr("+-*/%&|^<>=!", d[i]))
				i++;
			if (i == st)
				i++;
			kind = 'o';
		} else if (d[i] == ';' || d[i] == '{' || d[i] == '}') {
			i++;
			kind = ';';
		} else {
			i++;
			continue;
		}
		t[k++] = (struct tok){ st, i - st, kind };
	}
	return k;
}

/* Replaces data[off, off+len) by @rep (rlen bytes); 0 if it would not fit. */
static size_t splice(uint8_t *d, size_t n, size_t max, size_t off, size_t len,
		     const uint8_t *rep, size_t rlen)
{
	if (n - len + rlen > max)
		return 0;
	memmove(d + off + rlen, d + off + len, n - off - len);
	if (rlen)
		memmove(d + off, rep, rlen);
	return n - len + rlen;
}

#define PICK(arr, r) ((arr)[(r) % (sizeof(arr) / sizeof((arr)[0]))])

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	static struct tok t[512];
	unsigned r = seed;
	size_t k, n = 0, i;

	if (rand_r(&r) % 2 || !(k = tokenize(data, size, t, 512)))
		return LLVMFuzzerMutate(data, size, max_size);
	for (int tries = 0; tries < 8 && !n; tries++) {
		struct tok *a = &t[(size_t)rand_r(&r) % k];
		const char *w;

		switch (rand_r(&r) % 4) {
		case 0: /* a number: another number; an operator: another operator */
			if (a->kind != 'n' && a->kind != 'o')
				break;
			w = a->kind == 'n' ? PICK(mut_numbers, (unsigned)rand_r(&r))
					   : PICK(mut_ops, (unsigned)rand_r(&r));
			n = splice(data, size, max_size, a->off, a->len, (const uint8_t *)w, strlen(w));
			break;
		case 1: { /* a word: another word of the input with the same sigil, or a known name */
			struct tok *b = &t[(size_t)rand_r(&r) % k];

			if (a->kind != 'w')
				break;
			if (b->kind == 'w' && data[b->off] == data[a->off] && rand_r(&r) % 2) {
				uint8_t tmp[64];

				if (b->len > sizeof(tmp))
					break;
				memcpy(tmp, data + b->off, b->len);
				n = splice(data, size, max_size, a->off, a->len, tmp, b->len);
				break;
			}
			w = PICK(mut_words, (unsigned)rand_r(&r));
			i = data[a->off] == '$' || data[a->off] == '@';
			n = splice(data, size, max_size, a->off + i, a->len - i, (const uint8_t *)w,
				   strlen(w));
			break;
		}
		case 2: { /* a statement (from after a ';', '{' or '}' to the next ';'): twice */
			size_t st, en;
			uint8_t tmp[256];

			if (a->kind != ';' || data[a->off] == '}')
				break;
			st = a->off + 1;
			for (i = (size_t)(a - t) + 1; i < k && t[i].kind != ';'; i++)
				;
			if (i == k || data[t[i].off] != ';')
				break;
			en = t[i].off + 1;
			if (en - st > sizeof(tmp))
				break;
			memcpy(tmp, data + st, en - st);
			n = splice(data, size, max_size, en, 0, tmp, en - st);
			break;
		}
		case 3: { /* a statement: dropped */
			if (a->kind != ';' || data[a->off] != ';')
				break;
			for (i = (size_t)(a - t) + 1; i < k && t[i].kind != ';'; i++)
				;
			if (i == k || data[t[i].off] != ';')
				break;
			n = splice(data, size, max_size, a->off + 1, t[i].off - a->off, NULL, 0);
			break;
		}
		}
	}
	return n ? n : LLVMFuzzerMutate(data, size, max_size);
}
#endif

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
