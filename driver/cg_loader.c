/* cg_loader.c — cg_compile() for the executable: opens scry-codegen.so (see
 * cg_module.h) on first use and calls into it. Looked up at
 * $SCRY_CODEGEN_MODULE when set, else next to the executable (a build
 * directory), in the install directory, and in the directory scry was built
 * in (a binary copied elsewhere). */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/cg_module.h"
#include "driver/driver_config.h"

static cg_module_compile_fn *cg_entry;

static void *open_module(char *path, size_t size)
{
	const char *env = getenv("SCRY_CODEGEN_MODULE");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(path, size, "%s/%s", exe, CG_MODULE_FILE);
			if (access(path, F_OK) == 0)
				return dlopen(path, RTLD_NOW | RTLD_LOCAL);
		}
	}
	snprintf(path, size, "%s/%s", SCRY_MODULE_DIR, CG_MODULE_FILE);
	if (access(path, F_OK) == 0)
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	snprintf(path, size, "%s/%s", SCRY_BUILD_MODULE_DIR, CG_MODULE_FILE);
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static int load(struct diag *d)
{
	char path[PATH_MAX + 32];
	uint64_t (*abi)(void);
	void *h;

	if (cg_entry)
		return 0;
	h = open_module(path, sizeof(path));
	if (!h) {
		diag_plain_error(d, "cannot load scry's compiler module %s: %s", path, dlerror());
		return -1;
	}
	abi = (uint64_t (*)(void))dlsym(h, CG_MODULE_ABI);
	cg_entry = (cg_module_compile_fn *)dlsym(h, CG_MODULE_ENTRY);
	if (!abi || !cg_entry || abi() != cg_module_abi()) {
		diag_plain_error(d, "scry's compiler module %s is not from this build of scry "
				    "(rebuild both)", path);
		cg_entry = NULL;
		dlclose(h);
		return -1;
	}
	return 0;
}

int cg_compile(struct ast_ctx *cx, const struct ast_node *prog, const struct resources *res,
	       const struct cg_opts *o, struct cg_obj *out)
{
	if (load(cx->diag))
		return -1;
	return cg_entry(cx, prog, res, o, out);
}

/* The object's bytes were malloc'd by the module, which shares our libc. */
void cg_obj_free(struct cg_obj *obj)
{
	if (obj) {
		free(obj->data);
		*obj = (struct cg_obj){ 0 };
	}
}
