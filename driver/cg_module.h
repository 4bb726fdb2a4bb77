/* cg_module.h — codegen (with LLVM) as a module loaded on demand.
 *
 * Most of scry's start-up used to be LLVM's: relocating and faulting in a
 * 30 MB text, running its static constructors. With the compile cache a run
 * usually needs no LLVM at all, so codegen and LLVM live in a shared module
 * (scry-codegen.so, embedded in the executable: scry is still one file) that
 * cg_loader.c opens the first time cg_compile() is called. The module
 * exports two symbols: the compile entry and an ABI stamp that must equal
 * the executable's (the same build: struct sizes, version). */
#ifndef SCRY_DRIVER_CG_MODULE_H
#define SCRY_DRIVER_CG_MODULE_H

#include <stdint.h>

#include "ast/ast.h"
#include "codegen/codegen.h"
#include "scry_version.h"
#include "sema/resources.h"
#include "util/util.h"

#define CG_MODULE_FILE "scry-codegen.so"
#define CG_MODULE_ENTRY "scry_cg_module_compile"
#define CG_MODULE_ABI "scry_cg_module_abi"

typedef int cg_module_compile_fn(struct ast_ctx *cx, const struct ast_node *prog,
				 const struct resources *res, const struct cg_opts *o,
				 struct cg_obj *out);

/* cg_loader.c: --no-cache also keeps the module out of the cache
 * directory (it is then copied into a memfd on each load). */
void cg_loader_no_cache_dir(void);

/* A stamp of the structures the executable and the module share. */
static inline uint64_t cg_module_abi(void)
{
	const size_t sizes[] = {
		sizeof(struct ast_ctx), sizeof(struct ast_node), sizeof(struct type),
		sizeof(struct type_field), sizeof(struct resources), sizeof(struct map_info),
		sizeof(struct action), sizeof(struct probe_info), sizeof(struct call_info),
		sizeof(struct var_info), sizeof(struct res_config), sizeof(struct cg_opts),
		sizeof(struct cg_obj), sizeof(struct diag), sizeof(struct arena),
		sizeof(struct loc), AST__COUNT, TY__COUNT, BI__COUNT,
	};
	const char *v = SCRY_VERSION;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		h = (h ^ sizes[i]) * 1099511628211ull;
	while (*v)
		h = (h ^ (unsigned char)*v++) * 1099511628211ull;
	return h;
}

#endif
