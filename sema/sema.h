/* sema.h — semantic analysis: from the parsed AST_PROGRAM to a typed, lowered AST
 * plus the resources (maps, actions, probes) the program needs.
 *
 * Passes (each in its own file): config, macro expansion, probe expansion (one
 * AST_PROBE per concrete attach point), name resolution and scopes, typing
 * (kernel BTF loaded lazily, only when a kernel type is needed), map typing,
 * builtin checks, implicit conversions made explicit (AST_CAST), resource
 * layout. After sema_run the AST that codegen sees contains only: AST_PROGRAM
 * with AST_PROBE items (each with probe.info set), statements, and expressions
 * with ->type set; builtin variables are AST_CALL nodes with call.info set;
 * positional params, enum values, `probe`/`func` constants are literals. */
#ifndef SCRY_SEMA_SEMA_H
#define SCRY_SEMA_SEMA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sema/resources.h"

struct ast_ctx;
struct ast_node;
struct probe_env;

struct sema_opts {
	const char *const *pos_params;   /* $1.. */
	uint32_t n_pos_params;
	const char *const *named_params; /* "--name=value" (getopt) */
	uint32_t n_named_params;
	const char *const *includes;     /* --include FILE: treated as #include <FILE> */
	uint32_t n_includes;
	const char *const *include_dirs; /* -I DIR: searched first for #include */
	uint32_t n_include_dirs;
	const struct probe_env *env;     /* tracefs / BTF locations */
	bool unsafe;                     /* --unsafe */
	bool has_child;                  /* -c given: cpid is valid */
	pid_t cpid;                      /* -c: the child's pid (forked, stopped before exec,
					  * before sema runs), the value of `cpid` */
	pid_t pid;                       /* -p */
	bool is_listing;                 /* -l with a program: expand probes only */
	bool helper_errors;              /* -k: an ACT_RUNTIME_ERROR per map read and
					  * per probe read site (see resources.h) */
};

/* Runs every pass over @prog (rewriting it in place) and fills @res. Config
 * defaults come from the environment (BPFTRACE_* variables) and then the
 * program's config block. Returns 0, or -1 when errors were reported
 * through cx->diag. */
int sema_run(struct ast_ctx *cx, struct ast_node *prog, const struct sema_opts *o,
	     struct resources *res);

/* Frees what sema_run put in @res that is not arena memory. Accepts a zeroed @res. */
void resources_fini(struct resources *res);

#endif
