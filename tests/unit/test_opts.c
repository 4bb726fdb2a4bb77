/* test_opts.c — the command line parser: flags, operands, parameters, errors. */
#include <stdlib.h>
#include <string.h>

#include "driver/opts.h"
#include "tests/unit/tap.h"

static char err[OPTS_ERR_SIZE];

/* Parses a NULL-terminated argument list (argv[0] included). */
#define PARSE(o, ...)                                                          \
	({                                                                     \
		char *const av_[] = { __VA_ARGS__, NULL };                     \
		scry_opts_parse((o), (int)ARRAY_SIZE_(av_) - 1, av_, err);     \
	})
#define ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))

static void test_program_sources(void)
{
	struct scry_opts o;

	is_int(PARSE(&o, "scry", "-e", "begin { }"), OPTS_OK, "-e PROG");
	is_str(o.program, "begin { }", "-e text kept");
	ok(o.script_path == NULL, "no script path with -e");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-ebegin{}"), OPTS_OK, "-ePROG attached");
	is_str(o.program, "begin{}", "attached -e text");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-e", "a", "-e", "b"), OPTS_OK, "two -e");
	is_str(o.program, "b", "the last -e wins");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "trace.bt", "1", "two"), OPTS_OK, "script + params");
	is_str(o.script_path, "trace.bt", "script path");
	is_int(o.n_pos_params, 2, "two positional params");
	is_str(o.pos_params[0], "1", "$1");
	is_str(o.pos_params[1], "two", "$2");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-"), OPTS_OK, "- reads stdin");
	is_str(o.script_path, "-", "script path is -");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-q"), OPTS_ERROR, "no program");
	is_str(err, "USAGE: filename or -e 'program' required.", "no program message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry"), OPTS_USAGE, "no arguments at all");
	is_str(err, "", "no message, just the usage");
	scry_opts_fini(&o);
}

static void test_params(void)
{
	struct scry_opts o;

	/* positional before and after "--", named only after it */
	is_int(PARSE(&o, "scry", "-e", "p", "p1", "--", "--aa=20", "--bb", "p2"), OPTS_OK,
	       "params around --");
	is_int(o.n_pos_params, 2, "two positional");
	is_str(o.pos_params[0], "p1", "p1");
	is_str(o.pos_params[1], "p2", "p2");
	is_int(o.n_named_params, 2, "two named");
	is_str(o.named_params[0], "--aa=20", "named kept as written");
	is_str(o.named_params[1], "--bb", "boolean named");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "s.bt", "--", "p1", "--aa=1"), OPTS_OK, "script -- params");
	is_str(o.script_path, "s.bt", "script before --");
	is_int(o.n_pos_params, 1, "p1 positional");
	is_int(o.n_named_params, 1, "--aa named");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--", "s.bt", "-x"), OPTS_OK, "script after --");
	is_str(o.script_path, "s.bt", "script path after --");
	is_str(o.pos_params[0], "-x", "dash param after --");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-e", "p", "--", "--help"), OPTS_OK, "--help after -- is named");
	is_str(o.named_params[0], "--help", "named --help");
	scry_opts_fini(&o);

	/* options after operands still count (getopt permutation) */
	is_int(PARSE(&o, "scry", "s.bt", "-q", "1"), OPTS_OK, "option after script");
	ok(o.quiet, "-q after the script");
	is_int(o.n_pos_params, 1, "one param");
	scry_opts_fini(&o);
}

static void test_flags(void)
{
	struct scry_opts o;

	is_int(PARSE(&o, "scry", "-qvk", "--unsafe", "--dry-run", "-B", "none", "-f", "json",
		     "-o", "out.txt", "--usdt-file-activation", "-e", "x"),
	       OPTS_OK, "many flags");
	ok(o.quiet && o.verbose && o.helper_errors && o.unsafe && o.dry_run,
	   "-q -v -k --unsafe --dry-run");
	ok(o.usdt_file_activation, "--usdt-file-activation");
	is_int(o.buffering, 'n', "-B none");
	is_int(o.format, OUTFMT_JSON, "-f json");
	is_str(o.output_path, "out.txt", "-o");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--output=o.txt", "--pid", "42", "-e", "x"), OPTS_OK,
	       "long options with = and separate argument");
	is_str(o.output_path, "o.txt", "--output=FILE");
	is_int(o.pid, 42, "--pid 42");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--dry", "--verb", "-e", "x"), OPTS_OK, "unique prefixes");
	ok(o.dry_run && o.verbose, "--dry and --verb");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--in", "-e", "x"), OPTS_USAGE, "ambiguous prefix");
	is_str(err, "option '--in' is ambiguous", "ambiguous message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-I", "/a", "-I/b", "--include", "x.h", "-e", "x"), OPTS_OK,
	       "-I and --include");
	is_int(o.n_include_dirs, 2, "two -I");
	is_str(o.include_dirs[1], "/b", "-I attached");
	is_str(o.includes[0], "x.h", "--include");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-d", "ast", "-e", "x"), OPTS_OK, "-d ast");
	is_int(o.debug, DBG_AST, "ast stage");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-d", "codegen,codegen-opt", "--debug=verifier", "-e", "x"),
	       OPTS_OK, "-d list");
	is_int(o.debug, DBG_CODEGEN | DBG_CODEGEN_OPT | DBG_VERIFIER, "three stages");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-d", "all", "-e", "x"), OPTS_OK, "-d all");
	is_int(o.debug, DBG_ALL, "all stages");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-d", "bogus", "-e", "x"), OPTS_ERROR, "-d bogus");
	is_str(err, "USAGE: invalid option for -d: bogus", "-d message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-c", "ls -l", "-e", "x"), OPTS_OK, "-c");
	is_str(o.cmd, "ls -l", "-c command");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-c", "ls", "-p", "1", "-e", "x"), OPTS_USAGE, "-c with -p");
	is_str(err, "USAGE: Cannot use both -c and -p.", "-c -p message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--emit-elf", "a.o", "--emit-llvm", "a", "--verify-llvm-ir",
		     "--no-warnings", "--no-cache", "--probe-filter", ":200", "-e", "x"),
	       OPTS_OK, "troubleshooting flags");
	is_str(o.emit_elf, "a.o", "--emit-elf");
	is_str(o.emit_llvm, "a", "--emit-llvm");
	ok(o.verify_llvm_ir && o.no_warnings && o.no_cache, "--verify-llvm-ir --no-warnings");
	is_str(o.probe_filter, ":200", "--probe-filter");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--no-feature", "kprobe_multi,uprobe_multi", "-e", "x"), OPTS_OK,
	       "--no-feature");
	is_int(o.no_features, NOFEAT_KPROBE_MULTI | NOFEAT_UPROBE_MULTI, "two features off");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--no-feature", "fast", "-e", "x"), OPTS_ERROR, "bad feature");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--test", "-e", "x"), OPTS_OK, "--test");
	is_int(o.mode, MODE_TEST, "test mode");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--mode", "bench", "--fmt", "-e", "x"), OPTS_ERROR,
	       "--fmt after --mode");
	is_str(err, "USAGE: --fmt conflicts with existing --mode", "mode conflict message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--mode", "codegen", "-e", "x"), OPTS_OK, "--mode codegen");
	is_int(o.mode, MODE_CODEGEN, "codegen mode");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--mode", "fast", "-e", "x"), OPTS_ERROR, "bad --mode");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-k", "--no-warnings", "-e", "x"), OPTS_ERROR,
	       "-k conflicts with --no-warnings");
	scry_opts_fini(&o);
	is_int(PARSE(&o, "scry", "-kk", "-e", "x"), OPTS_ERROR, "-kk");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--debuginfo", "/a:/b", "--debuginfo=/c", "--dwarf-pid", "7",
		     "--traceable-functions", "f.txt", "--aot", "out", "-b", "-e", "x"),
	       OPTS_OK, "rarely used flags");
	is_int(o.n_debuginfo_dirs, 2, "two --debuginfo");
	is_int(o.n_dwarf_pids, 1, "--dwarf-pid");
	is_int(o.dwarf_pids[0], 7, "dwarf pid value");
	is_str(o.traceable_functions, "f.txt", "--traceable-functions");
	is_str(o.aot, "out", "--aot");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--metrics", "127.0.0.1:9435", "-e", "x"), OPTS_OK, "--metrics");
	is_str(o.metrics, "127.0.0.1:9435", "--metrics ADDR:PORT");
	scry_opts_fini(&o);
	is_int(PARSE(&o, "scry", "--metrics=[::1]:9435", "-e", "x"), OPTS_OK, "--metrics=");
	is_str(o.metrics, "[::1]:9435", "IPv6 address");
	scry_opts_fini(&o);
	is_int(PARSE(&o, "scry", "-e", "x", "--metrics"), OPTS_USAGE, "--metrics needs ADDR:PORT");
	scry_opts_fini(&o);
}

static void test_errors(void)
{
	struct scry_opts o;

	is_int(PARSE(&o, "scry", "-idonotexist"), OPTS_USAGE, "unknown short option");
	is_str(err, "invalid option -- 'i'", "unknown option message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--frobnicate", "-e", "x"), OPTS_USAGE, "unknown long option");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-e"), OPTS_USAGE, "-e without argument");
	is_str(err, "option requires an argument -- 'e'", "missing argument message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-e", "x", "--output"), OPTS_USAGE, "--output without argument");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--quiet=yes", "-e", "x"), OPTS_USAGE, "argument to a flag");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-q", "-f", "jsonx", "-e", "x"), OPTS_ERROR, "bad -f");
	is_str(err, "Invalid output format \"jsonx\"", "bad -f message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-B", "lines", "-e", "x"), OPTS_ERROR, "bad -B");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-p", "111a1", "file.bt"), OPTS_ERROR, "bad pid");
	is_str(err, "Failed to parse pid: invalid trailing bytes: 111a1", "bad pid message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-p", "99999999", "file.bt"), OPTS_ERROR, "pid too large");
	is_str(err, "Pid out of range: 99999999", "pid range message");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-h"), OPTS_HELP, "-h");
	scry_opts_fini(&o);
	is_int(PARSE(&o, "scry", "-e", "x", "--help"), OPTS_HELP, "--help anywhere");
	scry_opts_fini(&o);
	is_int(PARSE(&o, "scry", "--version"), OPTS_VERSION, "--version");
	scry_opts_fini(&o);
	is_int(PARSE(&o, "scry", "-V"), OPTS_VERSION, "-V");
	scry_opts_fini(&o);
}

static void test_pid(void)
{
	pid_t pid = 0;

	is_int(scry_parse_pid("1_000", &pid, err), 0, "underscores");
	is_int(pid, 1000, "1_000");
	is_int(scry_parse_pid("0x10", &pid, err), 0, "hex");
	is_int(pid, 16, "0x10");
	is_int(scry_parse_pid("", &pid, err), -1, "empty pid");
	is_int(scry_parse_pid("-5", &pid, err), -1, "negative pid");
	is_int(scry_parse_pid("abc", &pid, err), -1, "letters");
	is_str(err, "Failed to parse pid: invalid integer: abc", "letters message");
}

static void test_list(void)
{
	struct scry_opts o;

	is_int(PARSE(&o, "scry", "-l"), OPTS_OK, "-l alone");
	ok(o.list && !o.list_pattern, "list everything");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-lv", "tracepoint:sched:*"), OPTS_OK, "-lv PATTERN");
	ok(o.list && o.verbose, "-lv sets both");
	is_str(o.list_pattern, "tracepoint:sched:*", "pattern");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-l", "-e", "begin { }", "--pid", "5"), OPTS_OK, "-l -e PROG");
	ok(o.list && o.program && !o.list_pattern, "program listing");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "-l", "a", "b"), OPTS_USAGE, "-l with two operands");
	scry_opts_fini(&o);

	is_int(PARSE(&o, "scry", "--info"), OPTS_OK, "--info alone");
	ok(o.info, "--info set");
	scry_opts_fini(&o);
}

static void test_names(void)
{
	struct scry_opts o;
	char *buf = NULL;
	size_t size = 0;
	FILE *f;

	is_int(PARSE(&o, "/usr/local/bin/bpftrace", "-V"), OPTS_VERSION, "as bpftrace");
	is_str(o.prog_name, "bpftrace", "basename of argv[0]");
	f = open_memstream(&buf, &size);
	scry_version(f, o.prog_name);
	fclose(f);
	ok(!strncmp(buf, "bpftrace v0.", 12), "bpftrace-style version: %s", buf);
	free(buf);
	scry_opts_fini(&o);

	f = open_memstream(&buf, &size);
	scry_version(f, "scry");
	fclose(f);
	ok(!strncmp(buf, "scry v", 6), "scry version: %s", buf);
	free(buf);

	f = open_memstream(&buf, &size);
	scry_usage(f, "scry");
	fclose(f);
	ok(!strncmp(buf, "USAGE:", 6), "usage starts with USAGE:");
	{
		static const char *const flags[] = {
			"-B ", "-f ", "-o, --output", "-e ", "-h, --help", "-I ", "--include",
			"-l, --list", "-p, --pid", "-c, --cmd", "--no-feature",
			"--usdt-file-activation", "--unsafe", "-q, --quiet", "--info",
			"-k, --warnings", "-V, --version", "--no-warnings", "--mode", "--test",
			"--bench", "--fmt", "--probe-filter", "--traceable-functions",
			"--debuginfo", "--dwarf-pid", "--aot", "--no-cache", "-v, --verbose",
			"--dry-run", "--verify-llvm-ir", "-d, --debug", "--emit-elf",
			"--emit-llvm", "--metrics",
		};
		for (size_t i = 0; i < ARRAY_SIZE_(flags); i++)
			ok(strstr(buf, flags[i]) != NULL, "usage lists %s", flags[i]);
	}
	free(buf);
}

int main(void)
{
	test_program_sources();
	test_params();
	test_flags();
	test_errors();
	test_pid();
	test_list();
	test_names();
	return done_testing();
}
