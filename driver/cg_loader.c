/* cg_loader.c — cg_compile() for the executable: opens scry-codegen.so (see
 * cg_module.h) on first use and calls into it. The module is embedded in the
 * executable (scry_cg_blob, from driver/embed_module.sh). The first cache
 * miss writes it into the compile cache's directory as
 * scry-codegen-<digest>.so, which later runs dlopen() directly; without a
 * usable directory it goes through a memfd.
 * $SCRY_CODEGEN_MODULE names another module file instead (development). */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/cache.h"
#include "driver/cg_module.h"

/* driver/embed_module.sh */
extern const unsigned char scry_cg_blob[], scry_cg_blob_end[];
extern const char scry_cg_blob_id[];

static cg_module_compile_fn *cg_entry;
static bool cg_no_cache_dir;

void cg_loader_no_cache_dir(void)
{
	cg_no_cache_dir = true;
}

/* Copies the blob from the executable file into @fd inside the kernel
 * (sendfile): its pages are never faulted into this process. 0 or -1. */
static int copy_blob(int fd)
{
	size_t left = (size_t)(scry_cg_blob_end - scry_cg_blob);
	uint64_t where;
	off_t off;
	int exe;

	/* where the blob lies in the executable file */
	if (self_file_offset(scry_cg_blob, &where, NULL, 0))
		return -1;
	off = (off_t)where;
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return -1;
	while (left) {
		ssize_t n = sendfile(fd, exe, &off, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		left -= (size_t)n;
	}
	close(exe);
	return left ? -1 : 0;
}

/* Removes the modules of other builds from @dir. */
static void remove_stale(const char *dir, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "scry-codegen-", 13) == 0 && strcmp(e->d_name, keep) != 0)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
}

/* The module as a file of the cache directory, named by its digest:
 * written once (copied, then renamed into place), then opened like any
 * library, with no copy. A file of the wrong size is replaced; the ABI stamp
 * is checked after loading. NULL when the directory cannot be used. With
 * !@may_write (--no-cache: nothing is written) only a module already there
 * is used. */
static void *open_cached(char *path, size_t size, bool may_write)
{
	size_t len = (size_t)(scry_cg_blob_end - scry_cg_blob);
	char *dir = cache_dir_default(), name[96], tmp[PATH_MAX + 128];
	struct stat st;
	void *h = NULL;
	int fd;

	if (!dir || (may_write ? cache_dir_make(dir) : cache_dir_check(dir))) {
		free(dir);
		return NULL;
	}
	snprintf(name, sizeof(name), "scry-codegen-%s.so", scry_cg_blob_id);
	snprintf(path, size, "%s/%s", dir, name);
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    !(st.st_mode & (S_IWGRP | S_IWOTH)) && (size_t)st.st_size == len) {
		free(dir);
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	}
	if (!may_write) {
		free(dir);
		return NULL;
	}
	snprintf(tmp, sizeof(tmp), "%s/%s.part%d", dir, name, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0700);
	if (fd >= 0) {
		int bad = copy_blob(fd);

		if (close(fd) || bad || rename(tmp, path)) {
			(void)unlink(tmp);
		} else {
			remove_stale(dir, name);
			h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		}
	}
	free(dir);
	return h;
}

/* Without a usable cache directory (or with --no-cache and no module there
 * yet): the module in a memfd (copied on every cache miss, ~40 ms for its
 * 38 MB). */
static void *open_embedded(char *path, size_t size)
{
	void *h = open_cached(path, size, !cg_no_cache_dir);
	int fd;

	if (h)
		return h;
	snprintf(path, size, "(embedded %s)", CG_MODULE_FILE);
	fd = memfd_create("scry-codegen.so", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (copy_blob(fd) == 0) {
		char fdpath[64];

		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		h = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
	}
	close(fd); /* the loader keeps its own mapping */
	return h;
}

static void *open_module(char *path, size_t size)
{
	const char *env = getenv("SCRY_CODEGEN_MODULE");

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	}
	return open_embedded(path, size);
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
