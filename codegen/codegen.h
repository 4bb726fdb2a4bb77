/* codegen.h — typed AST to BPF ELF, through the LLVM C API.
 *
 * One BPF function per struct probe_info (named prog_name, in its section); one
 * BTF-defined map per struct map_info (named map_info.bpf_name); the "events"
 * ring buffer for actions (see sema/resources.h). BTF for maps, functions and
 * line info is emitted through DIBuilder, so verifier logs point at script lines. */
#ifndef SCRY_CODEGEN_CODEGEN_H
#define SCRY_CODEGEN_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sema/resources.h"

struct ast_ctx;
struct ast_node;

struct cg_opts {
	FILE *dump_ir;           /* -d codegen: IR before optimization, or NULL */
	FILE *dump_ir_opt;       /* -d codegen-opt: IR after optimization, or NULL */
	const char *emit_llvm;   /* --emit-llvm FILE */
	bool verify;             /* --verify-llvm-ir (always verified in debug builds) */
};

/* An object file in memory (owned). */
struct cg_obj {
	void *data;
	size_t size;
};

/* Compiles @prog (after sema_run) into @out. Returns 0, or -1 after reporting
 * through cx->diag (internal failures say what failed). */
int cg_compile(struct ast_ctx *cx, const struct ast_node *prog, const struct resources *res,
	       const struct cg_opts *o, struct cg_obj *out);

void cg_obj_free(struct cg_obj *obj);

#endif
