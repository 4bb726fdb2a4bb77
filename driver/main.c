/* main.c — scry's entry point: reads the command line, the program, parses it,
 * and hands it to the pipeline (sema, codegen, load, trace). Owns the exit codes:
 * 0 on success (or the program's exit(N)), 1 on any reported error.
 *
 * Order of checks follows bpftrace: options (usage errors, -p validation) come
 * first, then listing without a program, then reading and parsing the program;
 * privileges are checked only when something will be loaded, so parse errors
 * and `-d ast` work for any user. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ast/ast.h"
#include "driver/info.h"
#include "driver/opts.h"
#include "driver/pipeline.h"
#include "parser/parser.h"
#include "probes/probe.h"
#include "runtime/rt.h"
#include "util/util.h"

/* The first flag in @o that the parser accepts but no stage implements yet,
 * or NULL. Such a flag is refused rather than ignored; remove its line when
 * the feature lands. */
static const char *unsupported_flag(const struct scry_opts *o)
{
	if (o->mode == MODE_FORMAT)
		return "--fmt (--mode format)";
	if (o->mode == MODE_COMPILER_BENCH)
		return "--mode compiler-bench";
	if (o->aot)
		return "--aot";
	if (o->n_dwarf_pids)
		return "--dwarf-pid";
	if (o->traceable_functions)
		return "--traceable-functions";
	if (o->debug & DBG_PARSE)
		return "-d parse";
	if (o->debug & DBG_DIS)
		return "-d dis";
	/* -d all includes types; only an explicit -d types is refused */
	if ((o->debug & DBG_TYPES) && (o->debug & DBG_ALL) != DBG_ALL)
		return "-d types";
	return NULL;
}

static void set_buffering(char mode)
{
	switch (mode) {
	case 'f':
		setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
		break;
	case 'n':
		setvbuf(stdout, NULL, _IONBF, 0);
		break;
	default: /* line, as bpftrace: events show up as they happen, even in a pipe */
		setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
		break;
	}
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* -l without a program: every probe type lists what matches the pattern. */
static int list_probes(const struct scry_opts *o)
{
	struct probe_env env;
	const char *pat = o->list_pattern;

	if (pat && strchr(pat, '.') && !strpbrk(pat, ":*"))
		fprintf(stderr,
			"WARNING: It appears that '%s' is a filename but the file does not exist. "
			"Treating '%s' as a search pattern.\n",
			pat, pat);
	if (pat && (!*pat || !strcmp(pat, "*") || !strcmp(pat, "*:*")))
		pat = NULL;
	probe_env_default(&env);
	env.pid = o->pid;
	env.debug_dirs = o->debuginfo_dirs;
	env.n_debug_dirs = o->n_debuginfo_dirs;
	return probe_list_all(&env, pat, o->verbose, stdout) < 0 ? 1 : 0;
}

static struct src *read_program(const struct scry_opts *o)
{
	struct src *s;

	if (o->program)
		return src_from_string("stdin", o->program, strlen(o->program));
	if (!strcmp(o->script_path, "-"))
		s = src_from_file("-", "stdin");
	else
		s = src_from_file(o->script_path, o->script_path);
	if (!s)
		fprintf(stderr, "ERROR: failed to open file '%s': %s\n", o->script_path,
			strerror(errno));
	return s;
}

/* Modes that load BPF programs need privileges; compile-only modes do not. */
static bool needs_bpf(const struct scry_opts *o)
{
	if (o->mode == MODE_CODEGEN || o->mode == MODE_FORMAT || o->mode == MODE_COMPILER_BENCH)
		return false;
	if (o->list || o->emit_elf)
		return false;
	return true;
}

static int run(struct scry_opts *o)
{
	struct parse_opts popts = {
		.pos_params = o->pos_params,
		.n_pos_params = o->n_pos_params,
	};
	struct ast_ctx cx;
	struct ast_node *prog;
	struct diag d;
	struct src *src;
	int rc = 1;

	if (o->pid && kill(o->pid, 0) < 0 && errno == ESRCH) {
		fprintf(stderr, "ERROR: Failed to attach to pid: Unable to open pidfd: %s\n",
			strerror(ESRCH));
		return 1;
	}
	src = read_program(o);
	if (!src)
		return 1;
	diag_init(&d, stderr);
	d.no_warnings = o->no_warnings;
	/* Run as "bpftrace" (a drop-in), errors look exactly like bpftrace's:
	 * the range is underlined with '~' only, without scry's caret. */
	d.no_caret = o->prog_name && strcmp(o->prog_name, "bpftrace") == 0;
	ast_ctx_init(&cx, &d, src);
	prog = parse_program(&cx, &popts);
	if (!prog || d.n_errors)
		goto out;
	if (o->debug & DBG_AST) {
		ast_print(stdout, prog);
		fflush(stdout);
		if (!(o->debug & ~DBG_AST)) {
			rc = 0;
			goto out;
		}
	}
	if (needs_bpf(o) && !rt_check_privileges(stderr, o->prog_name ? o->prog_name : "scry"))
		goto out;
	if (needs_bpf(o) && scry_lockdown_confidential()) {
		fprintf(stderr, "ERROR: kernel lockdown is in 'confidentiality' mode, which blocks "
				"the BPF features tracing needs; it cannot run here\n");
		goto out;
	}
	rc = pipeline_run(o, &cx, prog);
out:
	ast_ctx_fini(&cx);
	src_free(src);
	return rc;
}

int main(int argc, char **argv)
{
	char err[OPTS_ERR_SIZE];
	struct scry_opts o;
	int rc = 1;

	switch (scry_opts_parse(&o, argc, argv, err)) {
	case OPTS_OK:
		break;
	case OPTS_HELP:
		scry_usage(stdout, o.prog_name);
		rc = 0;
		goto out;
	case OPTS_VERSION:
		scry_version(stdout, o.prog_name);
		rc = 0;
		goto out;
	case OPTS_USAGE:
		if (err[0])
			fprintf(stderr, "ERROR: %s\n", err);
		scry_usage(stderr, o.prog_name);
		goto out;
	case OPTS_ERROR:
		fprintf(stderr, "ERROR: %s\n", err);
		goto out;
	}
	set_buffering(o.buffering);
	if (o.info) {
		scry_info(stdout);
		rc = 0;
		goto out;
	}
	if (unsupported_flag(&o)) {
		fprintf(stderr, "ERROR: %s is not yet supported\n", unsupported_flag(&o));
		goto out;
	}
	if (o.list && !o.program) {
		/* -l FILE lists the probes of the program in FILE */
		if (o.list_pattern && file_exists(o.list_pattern)) {
			o.script_path = o.list_pattern;
			o.list_pattern = NULL;
		} else {
			rc = list_probes(&o);
			goto out;
		}
	}
	rc = run(&o);
out:
	fflush(stdout);
	scry_opts_fini(&o);
	return rc;
}
