/* opts.c — the command line parser.
 *
 * Follows GNU getopt_long's rules, as bpftrace's does: options and operands
 * may be mixed (operands are collected in order), short options cluster
 * ("-lv", "-ehello"), a long option may be abbreviated to a unique prefix and
 * takes its argument as "--opt=ARG" or "--opt ARG", and "--" ends the options.
 * The operands then are: with -l, at most one search pattern or program file;
 * otherwise the script file (unless -e was given), then the program's
 * parameters: "--name[=value]" ones are named parameters for getopt(), the
 * rest positional ($1, $2, ...).
 *
 * Nothing here prints or exits: main() does that from the returned status, so
 * the unit test can run the parser many times. getopt_long itself is not used
 * because it prints its own messages and keeps global state. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "driver/opts.h"
#include "scry_version.h"
#include "util/util.h"

enum opt_id {
	O_AOT = 256, O_BENCH, O_BTF, O_CMD, O_DEBUG, O_DEBUGINFO, O_DRY_RUN, O_DWARF_PID,
	O_EMIT_ELF, O_EMIT_LLVM, O_FMT, O_HELP, O_INCLUDE, O_INFO, O_LIST, O_METRICS, O_MODE,
	O_NO_CACHE, O_NO_FEATURE, O_NO_WARNINGS, O_OUTPUT, O_PID, O_PROBE_FILTER, O_QUIET,
	O_TEST, O_TRACEABLE, O_UNSAFE, O_USDT_FILE, O_VERBOSE, O_VERIFY_IR, O_VERSION,
	O_WARNINGS,
};

struct long_opt {
	const char *name;
	bool has_arg;
	int id;         /* a short option letter or an enum opt_id */
};

/* Sorted by name; a prefix matches when it is unique (or exact). */
static const struct long_opt long_opts[] = {
	{ "aot", true, O_AOT },
	{ "bench", false, O_BENCH },
	{ "btf", false, 'b' },
	{ "cmd", true, 'c' },
	{ "debug", true, 'd' },
	{ "debuginfo", true, O_DEBUGINFO },
	{ "dry-run", false, O_DRY_RUN },
	{ "dwarf-pid", true, O_DWARF_PID },
	{ "emit-elf", true, O_EMIT_ELF },
	{ "emit-llvm", true, O_EMIT_LLVM },
	{ "fmt", false, O_FMT },
	{ "help", false, 'h' },
	{ "include", true, O_INCLUDE },
	{ "info", false, O_INFO },
	{ "list", false, 'l' },
	{ "metrics", true, O_METRICS },
	{ "mode", true, O_MODE },
	{ "no-cache", false, O_NO_CACHE },
	{ "no-feature", true, O_NO_FEATURE },
	{ "no-warnings", false, O_NO_WARNINGS },
	{ "output", true, 'o' },
	{ "pid", true, 'p' },
	{ "probe-filter", true, O_PROBE_FILTER },
	{ "quiet", false, 'q' },
	{ "test", false, O_TEST },
	{ "traceable-functions", true, O_TRACEABLE },
	{ "unsafe", false, O_UNSAFE },
	{ "usdt-file-activation", false, O_USDT_FILE },
	{ "verbose", false, 'v' },
	{ "verify-llvm-ir", false, O_VERIFY_IR },
	{ "version", false, 'V' },
	{ "warnings", false, 'k' },
};

/* Short options; a ':' after a letter means it takes an argument. */
static const char short_opts[] = "d:bB:f:e:hlp:vqc:Vo:I:k";

struct parser {
	struct scry_opts *o;
	char *err;
	int warning_level;      /* 0 --no-warnings, 1 default, 2 -k */
	bool mode_set;
};

__attribute__((format(printf, 2, 3)))
static void set_err(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, OPTS_ERR_SIZE, fmt, ap);
	va_end(ap);
}

static void push(const char ***v, uint32_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static const struct {
	const char *name;
	unsigned bits;
} debug_names[] = {
	{ "ast", DBG_AST },
	{ "codegen", DBG_CODEGEN },
	{ "codegen-opt", DBG_CODEGEN_OPT },
	{ "libbpf", DBG_LIBBPF },
	{ "verifier", DBG_VERIFIER },
	{ "types", DBG_TYPES },
	{ "parse", DBG_PARSE },
	{ "dis", DBG_DIS },
	{ "timing", DBG_TIMING },
	{ "all", DBG_ALL },
};

/* "ast,codegen": comma-separated stage names; empty items are skipped. */
static enum opts_status parse_debug(struct parser *p, const char *arg)
{
	const char *s = arg;

	while (*s) {
		size_t len = strcspn(s, ",");
		size_t i;

		if (len) {
			for (i = 0; i < ARRAY_SIZE(debug_names); i++) {
				if (strlen(debug_names[i].name) == len &&
				    !strncmp(debug_names[i].name, s, len))
					break;
			}
			if (i == ARRAY_SIZE(debug_names)) {
				set_err(p, "USAGE: invalid option for -d: %.*s", (int)len, s);
				return OPTS_ERROR;
			}
			p->o->debug |= debug_names[i].bits;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return OPTS_OK;
}

static enum opts_status parse_no_feature(struct parser *p, const char *arg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} feats[] = {
		{ "kprobe_multi", NOFEAT_KPROBE_MULTI },
		{ "uprobe_multi", NOFEAT_UPROBE_MULTI },
		{ "kprobe_session", NOFEAT_KPROBE_SESSION },
	};
	const char *s = arg;

	while (*s) {
		size_t len = strcspn(s, ",");
		size_t i;

		for (i = 0; i < ARRAY_SIZE(feats); i++) {
			if (strlen(feats[i].name) == len && !strncmp(feats[i].name, s, len))
				break;
		}
		if (i == ARRAY_SIZE(feats)) {
			set_err(p, "USAGE: --no-feature can only have values "
				   "'kprobe_multi,kprobe_session,uprobe_multi'.");
			return OPTS_ERROR;
		}
		p->o->no_features |= feats[i].bit;
		s += len;
		if (*s == ',')
			s++;
	}
	return OPTS_OK;
}

static enum opts_status set_mode(struct parser *p, enum run_mode m, const char *flag)
{
	if (p->mode_set && flag) {
		set_err(p, "USAGE: %s conflicts with existing --mode", flag);
		return OPTS_ERROR;
	}
	p->o->mode = m;
	p->mode_set = true;
	return OPTS_OK;
}

/* Number suffixes bpftrace accepts in integers, with their multipliers. */
static const struct {
	const char *suffix;
	uint64_t max, mul;
} int_suffixes[] = {
	{ "", UINT64_MAX, 1 },
	{ "u", UINT_MAX, 1 },
	{ "ul", ULONG_MAX, 1 },
	{ "ull", ULLONG_MAX, 1 },
	{ "l", LONG_MAX, 1 },
	{ "ll", LLONG_MAX, 1 },
	{ "ns", UINT64_MAX, 1 },
	{ "us", UINT64_MAX, 1000 },
	{ "ms", UINT64_MAX, 1000000 },
	{ "s", UINT64_MAX, 1000000000 },
	{ "m", UINT64_MAX, 60000000000ull },
	{ "h", UINT64_MAX, 3600000000000ull },
	{ "d", UINT64_MAX, 86400000000000ull },
};

/* Unsigned integer as bpftrace's command line reads it; 0 or -1 with @err set. */
static int parse_uint(const char *num, uint64_t *out, char *err, size_t err_size)
{
	char buf[128], *end;
	const char *digits;
	size_t n = 0, i;
	int base = 10;
	uint64_t v;

	for (const char *s = num; *s && n < sizeof(buf) - 1; s++)
		if (*s != '_')
			buf[n++] = *s;
	buf[n] = '\0';
	digits = buf;
	if (n >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		base = 16;
		digits += 2;
	} else if (n >= 2 && buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'B')) {
		base = 2;
		digits += 2;
	} else if (n >= 2 && buf[0] == '0' && buf[1] >= '0' && buf[1] <= '7') {
		base = 8;
		digits += 1;
	}
	errno = 0;
	v = strtoull(digits, &end, base);
	if (end == digits || *digits == '-' || *digits == '+' || *digits == ' ') {
		snprintf(err, err_size, "invalid integer: %s", num);
		return -1;
	}
	if (v == ULLONG_MAX && errno == ERANGE) {
		snprintf(err, err_size, "overflow error, maximum value is %llu: %s",
			 ULLONG_MAX, num);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(int_suffixes); i++)
		if (!strcmp(end, int_suffixes[i].suffix))
			break;
	if (i == ARRAY_SIZE(int_suffixes)) {
		snprintf(err, err_size, "invalid trailing bytes: %s", num);
		return -1;
	}
	if (v > int_suffixes[i].max / int_suffixes[i].mul) {
		snprintf(err, err_size, "overflow error, maximum value is %" PRIu64 ": %s",
			 int_suffixes[i].max, num);
		return -1;
	}
	*out = v * int_suffixes[i].mul;
	return 0;
}

int scry_parse_pid(const char *s, pid_t *out, char err[OPTS_ERR_SIZE])
{
	char why[OPTS_ERR_SIZE - 64];
	uint64_t v;

	if (parse_uint(s, &v, why, sizeof(why))) {
		snprintf(err, OPTS_ERR_SIZE, "Failed to parse pid: %s", why);
		return -1;
	}
	/* The nominal maximum on 64-bit systems; pid_max may be lower. */
	if (v > 0x400000) {
		snprintf(err, OPTS_ERR_SIZE, "Pid out of range: %" PRIu64, v);
		return -1;
	}
	*out = (pid_t)v;
	return 0;
}

/* Applies one option @id with argument @arg (NULL if it takes none). */
static enum opts_status apply(struct parser *p, int id, const char *arg)
{
	struct scry_opts *o = p->o;
	pid_t pid;

	switch (id) {
	case 'e':
		o->program = arg;
		break;
	case 'd':
		return parse_debug(p, arg);
	case 'b': /* --btf: always on; accepted for compatibility */
		break;
	case 'B':
		if (!strcmp(arg, "line") || !strcmp(arg, "full") || !strcmp(arg, "none")) {
			o->buffering = arg[0];
		} else {
			set_err(p, "USAGE: -B must be either 'line', 'full', or 'none'.");
			return OPTS_ERROR;
		}
		break;
	case 'f':
		if (!strcmp(arg, "text")) {
			o->format = OUTFMT_TEXT;
		} else if (!strcmp(arg, "json")) {
			o->format = OUTFMT_JSON;
		} else {
			set_err(p, "Invalid output format \"%s\"", arg);
			return OPTS_ERROR;
		}
		break;
	case 'h':
		return OPTS_HELP;
	case 'V':
		return OPTS_VERSION;
	case 'l':
		o->list = true;
		break;
	case 'p':
		if (scry_parse_pid(arg, &pid, p->err))
			return OPTS_ERROR;
		o->pid = pid;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'c':
		o->cmd = arg;
		break;
	case 'o':
		o->output_path = arg;
		break;
	case 'I':
		push(&o->include_dirs, &o->n_include_dirs, arg);
		break;
	case 'k':
		if (p->warning_level == 2) {
			set_err(p, "USAGE: -kk has been deprecated. Use a single -k for runtime "
				   "warnings for errors in map lookups and probe reads.");
			return OPTS_ERROR;
		}
		if (p->warning_level == 0) {
			set_err(p, "USAGE: -k, --warnings conflicts with --no-warnings");
			return OPTS_ERROR;
		}
		p->warning_level = 2;
		o->helper_errors = true;
		break;
	case O_NO_WARNINGS:
		if (p->warning_level == 2) {
			set_err(p, "USAGE: -k, --warnings conflicts with --no-warnings");
			return OPTS_ERROR;
		}
		p->warning_level = 0;
		o->no_warnings = true;
		break;
	case O_AOT:
		o->aot = arg;
		break;
	case O_BENCH:
		return set_mode(p, MODE_BENCH, "--bench");
	case O_TEST:
		return set_mode(p, MODE_TEST, "--test");
	case O_FMT:
		return set_mode(p, MODE_FORMAT, "--fmt");
	case O_MODE:
		if (!strcmp(arg, "codegen"))
			return set_mode(p, MODE_CODEGEN, NULL);
		if (!strcmp(arg, "compiler-bench"))
			return set_mode(p, MODE_COMPILER_BENCH, NULL);
		if (!strcmp(arg, "bench"))
			return set_mode(p, MODE_BENCH, NULL);
		if (!strcmp(arg, "test"))
			return set_mode(p, MODE_TEST, NULL);
		if (!strcmp(arg, "format"))
			return set_mode(p, MODE_FORMAT, NULL);
		set_err(p, "USAGE: --mode can only be 'codegen', 'compiler-bench', 'bench', "
			   "'test' or 'format'.");
		return OPTS_ERROR;
	case O_DEBUGINFO:
		push(&o->debuginfo_dirs, &o->n_debuginfo_dirs, arg);
		break;
	case O_DRY_RUN:
		o->dry_run = true;
		break;
	case O_DWARF_PID:
		if (scry_parse_pid(arg, &pid, p->err))
			return OPTS_ERROR;
		o->dwarf_pids = xrealloc(o->dwarf_pids, (o->n_dwarf_pids + 1) * sizeof(pid_t));
		o->dwarf_pids[o->n_dwarf_pids++] = pid;
		break;
	case O_EMIT_ELF:
		o->emit_elf = arg;
		break;
	case O_EMIT_LLVM:
		o->emit_llvm = arg;
		break;
	case O_INCLUDE:
		push(&o->includes, &o->n_includes, arg);
		break;
	case O_INFO:
		o->info = true;
		break;
	case O_METRICS:
		o->metrics = arg;
		break;
	case O_NO_CACHE:
		o->no_cache = true;
		break;
	case O_NO_FEATURE:
		return parse_no_feature(p, arg);
	case O_PROBE_FILTER:
		o->probe_filter = arg;
		break;
	case O_TRACEABLE:
		o->traceable_functions = arg;
		break;
	case O_UNSAFE:
		o->unsafe = true;
		break;
	case O_USDT_FILE:
		o->usdt_file_activation = true;
		break;
	case O_VERIFY_IR:
		o->verify_llvm_ir = true;
		break;
	default:
		SCRY_BUG("unhandled option %d", id);
	}
	return OPTS_OK;
}

/* "--name[=arg]" at argv[*i]; advances *i past a separate argument. */
static enum opts_status parse_long(struct parser *p, int argc, char *const argv[], int *i)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct long_opt *match = NULL;
	unsigned n_prefix = 0;
	const char *arg = NULL;

	for (size_t k = 0; k < ARRAY_SIZE(long_opts); k++) {
		if (strncmp(long_opts[k].name, name, len))
			continue;
		if (strlen(long_opts[k].name) == len) {
			match = &long_opts[k];
			n_prefix = 1;
			break;
		}
		match = &long_opts[k];
		n_prefix++;
	}
	if (!match) {
		set_err(p, "unrecognized option '--%.*s'", (int)len, name);
		return OPTS_USAGE;
	}
	if (n_prefix > 1) {
		set_err(p, "option '--%.*s' is ambiguous", (int)len, name);
		return OPTS_USAGE;
	}
	if (match->has_arg) {
		if (eq) {
			arg = eq + 1;
		} else if (*i + 1 < argc) {
			arg = argv[++*i];
		} else {
			set_err(p, "option '--%s' requires an argument", match->name);
			return OPTS_USAGE;
		}
	} else if (eq) {
		set_err(p, "option '--%s' doesn't allow an argument", match->name);
		return OPTS_USAGE;
	}
	return apply(p, match->id, arg);
}

/* "-abc" / "-eARG" / "-e ARG" at argv[*i]. */
static enum opts_status parse_short(struct parser *p, int argc, char *const argv[], int *i)
{
	const char *s = argv[*i] + 1;

	for (; *s; s++) {
		const char *spec = *s == ':' ? NULL : strchr(short_opts, *s);
		enum opts_status st;

		if (!spec) {
			set_err(p, "invalid option -- '%c'", *s);
			return OPTS_USAGE;
		}
		if (spec[1] == ':') {
			const char *arg;

			if (s[1]) {
				arg = s + 1;
			} else if (*i + 1 < argc) {
				arg = argv[++*i];
			} else {
				set_err(p, "option requires an argument -- '%c'", *s);
				return OPTS_USAGE;
			}
			return apply(p, *s, arg);
		}
		st = apply(p, *s, NULL);
		if (st != OPTS_OK)
			return st;
	}
	return OPTS_OK;
}

enum opts_status scry_opts_parse(struct scry_opts *o, int argc, char *const argv[],
				 char err[OPTS_ERR_SIZE])
{
	struct parser p = { .o = o, .err = err, .warning_level = 1 };
	const char **operands;
	uint32_t n_operands = 0, k = 0;
	enum opts_status st = OPTS_OK;
	const char *slash;

	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	o->prog_name = "scry";
	if (argc > 0 && argv[0]) {
		slash = strrchr(argv[0], '/');
		o->prog_name = slash ? slash + 1 : argv[0];
	}
	if (argc <= 1)
		return OPTS_USAGE;

	operands = xcalloc((size_t)argc, sizeof(*operands));
	for (int i = 1; i < argc && st == OPTS_OK; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (++i < argc)
				operands[n_operands++] = argv[i];
		} else if (a[0] == '-' && a[1] == '-') {
			st = parse_long(&p, argc, argv, &i);
		} else if (a[0] == '-' && a[1]) {
			st = parse_short(&p, argc, argv, &i);
		} else {
			operands[n_operands++] = a;
		}
	}
	if (st != OPTS_OK)
		goto out;

	if (o->cmd && o->pid) {
		set_err(&p, "USAGE: Cannot use both -c and -p.");
		st = OPTS_USAGE;
		goto out;
	}
	if (o->list) {
		/* -l [PATTERN|FILE], or -l with -e: main tells a file from a pattern */
		if (n_operands > 1 || (o->program && n_operands > 0)) {
			st = OPTS_USAGE;
			goto out;
		}
		if (n_operands == 1)
			o->list_pattern = operands[0];
		goto out;
	}
	if (o->info)
		goto out;
	if (!o->program) {
		if (n_operands == 0) {
			set_err(&p, "USAGE: filename or -e 'program' required.");
			st = OPTS_ERROR;
			goto out;
		}
		o->script_path = operands[k++];
	}
	for (; k < n_operands; k++) {
		if (!strncmp(operands[k], "--", 2))
			push(&o->named_params, &o->n_named_params, operands[k]);
		else
			push(&o->pos_params, &o->n_pos_params, operands[k]);
	}
out:
	free(operands);
	return st;
}

void scry_opts_fini(struct scry_opts *o)
{
	free(o->pos_params);
	free(o->named_params);
	free(o->includes);
	free(o->include_dirs);
	free(o->debuginfo_dirs);
	free(o->dwarf_pids);
	memset(o, 0, sizeof(*o));
}

void scry_version(FILE *out, const char *name)
{
	if (name && !strcmp(name, "bpftrace"))
		fprintf(out, "bpftrace v0.26.1 (scry v%s)\n", SCRY_VERSION);
	else
		fprintf(out, "scry v%s\n", SCRY_VERSION);
}

void scry_usage(FILE *out, const char *name)
{
	const char *n = name && *name ? name : "scry";

	fprintf(out,
		"USAGE:\n"
		"    %1$s [options] FILE [ARGS...]\n"
		"    %1$s [options] - [ARGS...]          (program read from stdin)\n"
		"    %1$s [options] -e 'program' [ARGS...]\n"
		"    %1$s -l [PATTERN|FILE]\n"
		"\n"
		"ARGS are $1, $2, ...; after '--', --name=value sets getopt(\"name\").\n"
		"\n"
		"OPTIONS:\n"
		"    -e 'program'          run this program text\n"
		"    -l, --list [PATTERN|FILE]\n"
		"                          list the probes matching PATTERN, or the probes a\n"
		"                          program (FILE or -e) attaches to; -lv adds arguments\n"
		"    -p, --pid PID         trace only process PID (uprobes, USDT, perf events)\n"
		"    -c, --cmd CMD         run CMD as a child (cpid) and stop when it exits\n"
		"    -o, --output FILE     write the trace output to FILE\n"
		"    -f FORMAT             output format: 'text' (default) or 'json'\n"
		"    -B MODE               stdout buffering: 'line' (default), 'full' or 'none'\n"
		"    -q, --quiet           no \"Attached N probes\" message\n"
		"    -v, --verbose         more messages about what is being done\n"
		"    -k, --warnings        warn when a probe read or map lookup helper fails\n"
		"    --no-warnings         suppress warnings\n"
		"    --metrics ADDR:PORT   serve the maps as Prometheus metrics at\n"
		"                          http://ADDR:PORT/metrics until Ctrl-C\n"
		"    --unsafe              allow system(), write_user() and other unsafe calls\n"
		"    -I DIR                add DIR to the C header search path\n"
		"    --include FILE        #include FILE before the program\n"
		"    --usdt-file-activation\n"
		"                          activate USDT semaphores by file path\n"
		"    --probe-filter REGEX  only load probes whose name matches REGEX\n"
		"    --test                run the program's test: probes (--mode test)\n"
		"    --bench               run the program's bench: probes (--mode bench)\n"
		"    --fmt                 print the program in canonical format (--mode format)\n"
		"    --mode MODE           'codegen', 'compiler-bench', 'bench', 'test' or 'format'\n"
		"    --no-feature FEATURE[,FEATURE]\n"
		"                          do not use kprobe_multi, uprobe_multi or kprobe_session\n"
		"    --traceable-functions FILE\n"
		"                          read the traceable kernel functions from FILE\n"
		"    --debuginfo DIR[:DIR] search DIR for DWARF debug information\n"
		"    --dwarf-pid PID       also unwind PID's stacks with DWARF\n"
		"    --aot FILE            build a stand-alone executable\n"
		"    --no-cache            do not cache compiled programs\n"
		"    --info                show the build and the kernel's BPF features\n"
		"    -h, --help            show this help\n"
		"    -V, --version         show the version\n"
		"\n"
		"TROUBLESHOOTING OPTIONS:\n"
		"    -d, --debug STAGE[,STAGE]\n"
		"                          print a stage's output: 'ast', 'types', 'codegen',\n"
		"                          'codegen-opt', 'libbpf', 'verifier', 'parse', 'dis',\n"
		"                          'timing' or 'all'; '-d ast' alone prints the parsed\n"
		"                          program and exits\n"
		"    --dry-run             stop right after attaching the probes\n"
		"    --verify-llvm-ir      check the generated LLVM IR\n"
		"    --emit-elf FILE       write the BPF object to FILE (implies a dry run)\n"
		"    --emit-llvm FILE      write the LLVM IR to FILE.original.ll and FILE.optimized.ll\n"
		"\n"
		"ENVIRONMENT (overridden by a program's config block):\n"
		"    BPFTRACE_MAX_STRLEN          [1024] bytes per string\n"
		"    BPFTRACE_MAX_MAP_KEYS        [4096] entries per map\n"
		"    BPFTRACE_MAX_PROBES          [1024] attach points\n"
		"    BPFTRACE_MAX_BPF_PROGS       [1024] BPF programs\n"
		"    BPFTRACE_MAX_CAT_BYTES       [10k] bytes cat() reads\n"
		"    BPFTRACE_PERF_RB_PAGES       [64] ring buffer pages per CPU\n"
		"    BPFTRACE_LOG_SIZE            [1000000] verifier log bytes\n"
		"    BPFTRACE_STACK_MODE          [bpftrace] kstack/ustack format: bpftrace, perf, raw\n"
		"    BPFTRACE_STR_TRUNC_TRAILER   ['..'] marks a truncated string\n"
		"    BPFTRACE_CACHE_USER_SYMBOLS  [auto] user symbol cache\n"
		"    BPFTRACE_CPP_DEMANGLE        [1] demangle C++ symbols\n"
		"    BPFTRACE_LAZY_SYMBOLICATION  [0] resolve symbols on demand\n"
		"    BPFTRACE_BTF                 [none] BTF file instead of the kernel's\n"
		"    BPFTRACE_VMLINUX             [none] vmlinux for kernel symbols\n"
		"    BPFTRACE_COLOR               [auto] colour messages: auto, always, never\n"
		"\n"
		"EXAMPLES:\n"
		"%1$s -l 'tracepoint:syscalls:*open*'\n"
		"    list the open system call tracepoints\n"
		"%1$s -e 'tracepoint:syscalls:sys_enter_openat { printf(\"%%s %%s\\n\", comm, "
		"str(args.filename)); }'\n"
		"    print the files being opened\n"
		"%1$s -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
		"    count system calls by process name\n",
		n);
}
