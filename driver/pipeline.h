/* pipeline.h — from parsed program to running trace: sema, codegen, runtime. */
#ifndef SCRY_DRIVER_PIPELINE_H
#define SCRY_DRIVER_PIPELINE_H

#include "driver/opts.h"

struct ast_ctx;
struct ast_node;

/* Runs @prog (an AST_PROGRAM parsed into @cx) per @o. Returns the process exit
 * status: 0, the exit() code, or 1 after an error (already reported). */
int pipeline_run(const struct scry_opts *o, struct ast_ctx *cx, struct ast_node *prog);

#endif
