/* opts.h — scry's command line, bpftrace's flag set. */
#ifndef SCRY_DRIVER_OPTS_H
#define SCRY_DRIVER_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum out_format { OUTFMT_TEXT, OUTFMT_JSON };

/* -d stages (bit set) */
enum debug_stage {
	DBG_AST = 1 << 0,
	DBG_CODEGEN = 1 << 1,     /* LLVM IR before optimization */
	DBG_CODEGEN_OPT = 1 << 2, /* LLVM IR after optimization */
	DBG_LIBBPF = 1 << 3,
	DBG_VERIFIER = 1 << 4,
	DBG_TIMING = 1 << 5,
};

struct scry_opts {
	const char *program;        /* -e text, or NULL */
	const char *script_path;    /* script file or "-" for stdin, or NULL */
	const char **pos_params;    /* positional parameters after the script */
	uint32_t n_pos_params;
	const char **named_params;  /* "--name=value" after "--" (getopt) */
	uint32_t n_named_params;
	const char *cmd;            /* -c */
	pid_t pid;                  /* -p */
	const char *output_path;    /* -o */
	enum out_format format;     /* -f */
	unsigned debug;             /* -d stages */
	bool quiet;                 /* -q */
	bool verbose;               /* -v */
	bool unsafe;                /* --unsafe */
	bool dry_run;               /* --dry-run */
	bool no_warnings;           /* --no-warnings */
	bool list;                  /* -l */
	const char *list_pattern;   /* -l PATTERN */
	bool helper_errors;         /* -k */
	bool usdt_file_activation;
	bool info;                  /* --info */
	char buffering;             /* -B: 'n'one, 'l'ine, 'f'ull, 0 = default */
	const char **includes;      /* --include FILE */
	uint32_t n_includes;
	const char **include_dirs;  /* -I DIR */
	uint32_t n_include_dirs;
	const char *emit_elf;       /* --emit-elf FILE */
	const char *emit_llvm;      /* --emit-llvm FILE */
	bool verify_llvm_ir;
	bool no_cache;              /* --no-cache */
};

#endif
