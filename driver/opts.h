/* opts.h — scry's command line, bpftrace's flag set.
 *
 * scry_opts_parse() turns argv into a struct scry_opts without printing or
 * exiting, so it can be unit-tested; main() acts on its status. Strings in the
 * struct point into argv (borrowed); the arrays are heap-allocated and freed by
 * scry_opts_fini(). */
#ifndef SCRY_DRIVER_OPTS_H
#define SCRY_DRIVER_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum out_format { OUTFMT_TEXT, OUTFMT_JSON };

/* -d stages (bit set) */
enum debug_stage {
	DBG_AST = 1 << 0,
	DBG_CODEGEN = 1 << 1,     /* LLVM IR before optimization */
	DBG_CODEGEN_OPT = 1 << 2, /* LLVM IR after optimization */
	DBG_LIBBPF = 1 << 3,
	DBG_VERIFIER = 1 << 4,
	DBG_TIMING = 1 << 5,      /* time spent per stage (scry addition) */
	DBG_TYPES = 1 << 6,       /* types of the program's maps and variables */
	DBG_PARSE = 1 << 7,       /* parser trace */
	DBG_DIS = 1 << 8,         /* BPF disassembly */
};
/* What `-d all` turns on. */
#define DBG_ALL (DBG_AST | DBG_CODEGEN | DBG_CODEGEN_OPT | DBG_LIBBPF | DBG_VERIFIER | DBG_TYPES)

/* --mode (and its aliases --test, --bench, --fmt) */
enum run_mode {
	MODE_RUN,            /* default: compile, load, attach, trace */
	MODE_CODEGEN,        /* stop after codegen: nothing is loaded, no root needed */
	MODE_COMPILER_BENCH, /* time the compiler stages */
	MODE_BENCH,          /* run bench: probes */
	MODE_TEST,           /* run test: probes */
	MODE_FORMAT,         /* print the program in canonical format */
};

/* --no-feature values (bit set) */
enum no_feature {
	NOFEAT_KPROBE_MULTI = 1 << 0,
	NOFEAT_UPROBE_MULTI = 1 << 1,
	NOFEAT_KPROBE_SESSION = 1 << 2,
};

struct scry_opts {
	const char *program;        /* -e text, or NULL (the last -e wins) */
	const char *script_path;    /* script file or "-" for stdin, or NULL */
	const char **pos_params;    /* positional parameters after the script */
	uint32_t n_pos_params;
	const char **named_params;  /* as written, "--name=value" or "--name" (after "--") */
	uint32_t n_named_params;
	const char *cmd;            /* -c */
	pid_t pid;                  /* -p, 0 = none */
	const char *output_path;    /* -o */
	enum out_format format;     /* -f */
	unsigned debug;             /* -d stages */
	bool quiet;                 /* -q */
	bool verbose;               /* -v */
	bool unsafe;                /* --unsafe */
	bool dry_run;               /* --dry-run */
	bool no_warnings;           /* --no-warnings */
	bool list;                  /* -l */
	const char *list_pattern;   /* -l PATTERN (NULL: everything); a program is in
				     * program/script_path instead */
	bool helper_errors;         /* -k */
	bool usdt_file_activation;  /* accepted; semaphores are always set through the
				     * kernel (uprobe ref_ctr_offset), which is file based */
	bool info;                  /* --info */
	char buffering;             /* -B: 'n'one, 'l'ine, 'f'ull, 0 = default (line) */
	const char **includes;      /* --include FILE */
	uint32_t n_includes;
	const char **include_dirs;  /* -I DIR */
	uint32_t n_include_dirs;
	const char *emit_elf;       /* --emit-elf FILE */
	const char *emit_llvm;      /* --emit-llvm FILE */
	bool verify_llvm_ir;
	bool no_cache;              /* --no-cache */
	const char *metrics;        /* --metrics ADDR:PORT (scry addition), or NULL */

	enum run_mode mode;         /* --mode, --test, --bench, --fmt */
	const char *probe_filter;   /* --probe-filter REGEX */
	unsigned no_features;       /* --no-feature: enum no_feature bits */
	const char **debuginfo_dirs; /* --debuginfo DIR[:DIR] (each as given) */
	uint32_t n_debuginfo_dirs;
	pid_t *dwarf_pids;          /* --dwarf-pid PID */
	uint32_t n_dwarf_pids;
	const char *traceable_functions; /* --traceable-functions FILE */
	const char *aot;            /* --aot FILE */
	const char *prog_name;      /* basename of argv[0]: "scry" or "bpftrace" */
};

/* What main() should do after scry_opts_parse(). */
enum opts_status {
	OPTS_OK,       /* run (or list, or --info) per the options */
	OPTS_HELP,     /* -h: print the usage to stdout, exit 0 */
	OPTS_VERSION,  /* -V: print the version, exit 0 */
	OPTS_USAGE,    /* bad command line: print err (if any), then the usage to stderr, exit 1 */
	OPTS_ERROR,    /* bad value: print err, exit 1 */
};

#define OPTS_ERR_SIZE 512

/* Parses @argv into @o (which it zeroes first). On OPTS_USAGE/OPTS_ERROR, @err
 * gets a one-line message without the "ERROR: " prefix (may be empty for
 * OPTS_USAGE). Prints nothing, never exits. Call scry_opts_fini() whatever it
 * returns. */
enum opts_status scry_opts_parse(struct scry_opts *o, int argc, char *const argv[],
				 char err[OPTS_ERR_SIZE]);
void scry_opts_fini(struct scry_opts *o);

/* Parses a pid as bpftrace does (decimal, 0x/0b/0 prefixes, '_' separators).
 * 0 on success; -1 with a message in @err ("invalid trailing bytes: 12a"). */
int scry_parse_pid(const char *s, pid_t *out, char err[OPTS_ERR_SIZE]);

/* The usage text (USAGE, OPTIONS, ENVIRONMENT, EXAMPLES), naming the program @name. */
void scry_usage(FILE *out, const char *name);
/* "scry v0.1.0", or "bpftrace v0.26.1 (scry v0.1.0)" when @name is "bpftrace". */
void scry_version(FILE *out, const char *name);

#endif
