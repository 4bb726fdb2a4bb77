/* cg_module.c — the entry points of scry-codegen.so (see cg_module.h): the
 * only symbols the module exports. */
#include "driver/cg_module.h"

uint64_t scry_cg_module_abi(void);
int scry_cg_module_compile(struct ast_ctx *cx, const struct ast_node *prog,
			   const struct resources *res, const struct cg_opts *o,
			   struct cg_obj *out);

__attribute__((visibility("default"))) uint64_t scry_cg_module_abi(void)
{
	return cg_module_abi();
}

__attribute__((visibility("default"))) int
scry_cg_module_compile(struct ast_ctx *cx, const struct ast_node *prog,
		       const struct resources *res, const struct cg_opts *o,
		       struct cg_obj *out)
{
	return cg_compile(cx, prog, res, o, out);
}
