/* udwarf_cache.c — for the compile-path fuzzer only: keeps the DWARF of user
 * binaries open across inputs. A uprobe on libc made every such input read and
 * decompress libc's separate debug file again (a fifth of the fuzzer's time,
 * and libdw's own caches then looked like leaks to libFuzzer's leak check).
 * The fuzzer is linked with
 *   -Wl,--wrap=udwarf_open,--wrap=udwarf_open_ex,--wrap=udwarf_free
 * so uprobe.c's calls land here: an open that found DWARF (or found the file
 * without any) is remembered by path and debug directories; udwarf_free()
 * leaves remembered handles open. Lookups on a handle (function index, types
 * converted into the caller's arena) are unchanged. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "probes/udwarf.h"
#include "util/util.h"

int __real_udwarf_open_ex(const char *path, const char *const *debug_dirs, size_t n_dirs,
			  struct udwarf **out);
void __real_udwarf_free(struct udwarf *dw);
int __wrap_udwarf_open(const char *path, struct udwarf **out);
int __wrap_udwarf_open_ex(const char *path, const char *const *debug_dirs, size_t n_dirs,
			  struct udwarf **out);
void __wrap_udwarf_free(struct udwarf *dw);

#define CACHE_MAX 64

static struct {
	char *key;
	struct udwarf *dw;
	int err;
} cache[CACHE_MAX];
static size_t n_cache;

int __wrap_udwarf_open_ex(const char *path, const char *const *debug_dirs, size_t n_dirs,
			  struct udwarf **out)
{
	struct sbuf key = { 0 };
	int err;

	sbuf_puts(&key, path);
	for (size_t i = 0; i < n_dirs; i++) {
		sbuf_puts(&key, "\n");
		sbuf_puts(&key, debug_dirs[i]);
	}
	for (size_t i = 0; i < n_cache; i++)
		if (!strcmp(cache[i].key, sbuf_str(&key))) {
			sbuf_fini(&key);
			*out = cache[i].dw;
			return cache[i].err;
		}
	err = __real_udwarf_open_ex(path, debug_dirs, n_dirs, out);
	if ((err == 0 || err == -ENODATA) && n_cache < CACHE_MAX) {
		cache[n_cache].key = xstrdup(sbuf_str(&key));
		cache[n_cache].dw = *out;
		cache[n_cache++].err = err;
	}
	sbuf_fini(&key);
	return err;
}

int __wrap_udwarf_open(const char *path, struct udwarf **out)
{
	return __wrap_udwarf_open_ex(path, NULL, 0, out);
}

void __wrap_udwarf_free(struct udwarf *dw)
{
	for (size_t i = 0; dw && i < n_cache; i++)
		if (cache[i].dw == dw)
			return;
	__real_udwarf_free(dw);
}
