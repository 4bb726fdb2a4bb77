/* test_utargets.c — uprobe/usdt attach point expansion over the test
 * programs and over this process's own mappings.
 *
 * Usage: test_utargets PIE_EXE SHARED_LIB */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/uelf.h"
#include "probes/usdt_notes.h"
#include "probes/utargets.h"
#include "tap.h"
#include "util/util.h"

int main(int argc, char **argv)
{
	struct ptrvec v = { 0 };
	struct arena a;
	char *dir, *pat;
	struct uelf *e = NULL;
	void *h;
	int n;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PIE_EXE SHARED_LIB\n", argv[0]);
		return 2;
	}
	arena_init(&a);

	n = utargets_uprobe(argv[1], "uprobe_*", 0, &a, &v);
	is_int(n, 4, "uprobe_* in one file");
	if (n == 4 && uelf_open(argv[1], &e) == 0) {
		const struct utarget *t = v.v[0];
		uint64_t off = 0;

		uelf_resolve_func(e, "uprobe_func1", 0, &off, NULL);
		ok(strcmp(t->func, "uprobe_func1") == 0 && t->offset == off && t->func_size > 0 &&
			   strcmp(t->path, argv[1]) == 0 && strcmp(t->attach_path, argv[1]) == 0,
		   "first target: uprobe_func1 at its file offset");
		uelf_free(e);
	}
	ptrvec_fini(&v);

	dir = xstrdup(argv[1]);
	*strrchr(dir, '/') = '\0';
	pat = xasprintf("%s/uprog_*", dir);
	n = utargets_uprobe(pat, "main", 0, &a, &v);
	ok(n >= 2, "main in every uprog_* build (%d)", n);
	ptrvec_fini(&v);
	free(pat);
	free(dir);

	is_int(utargets_uprobe("/nonexistent/bin", "*", 0, &a, &v), -ENOENT, "missing file");
	is_int(utargets_uprobe(argv[1], "no_such_*", 0, &a, &v), 0, "no function matches");
	is_int(utargets_uprobe("", "main", 0, &a, &v), -ENOENT, "empty binary without a pid");

	n = utargets_uprobe("", "main", getpid(), &a, &v);
	ok(n >= 1, "main among this process's files");
	ptrvec_fini(&v);

	n = utargets_usdt(argv[1], "uprog", "*", 0, &a, &v);
	is_int(n, 6, "all uprog USDT sites");
	if (n == 6) {
		const struct utarget *t = v.v[0];

		ok(t->func == NULL && strcmp(t->provider, "uprog") == 0 &&
			   strcmp(t->name, "const_arg") == 0 && t->n_sites == 1 && t->site == 0 &&
			   t->note && t->note->n_args == 1 && t->offset == t->note->pc_offset,
		   "first site: uprog:const_arg");
		t = v.v[5];
		ok(strcmp(t->name, "with_sema") == 0 && t->sema_offset != 0, "semaphore site last");
	}
	ptrvec_fini(&v);
	is_int(utargets_usdt(argv[1], "", "*_arg", 0, &a, &v), 3, "empty provider matches any");
	ptrvec_fini(&v);

	h = dlopen(argv[2], RTLD_NOW);
	ok(h != NULL, "dlopen library");
	n = utargets_usdt("", NULL, "add", getpid(), &a, &v);
	ok(n == 1 && strstr(((struct utarget *)v.v[0])->path, "uprog_lib"),
	   "USDT site found through this process's mappings");
	ptrvec_fini(&v);
	n = utargets_usdt("*uprog_lib*", NULL, "*", getpid(), &a, &v);
	is_int(n, 1, "pattern over mapped files");
	ptrvec_fini(&v);
	if (h)
		dlclose(h);
	arena_fini(&a);
	return done_testing();
}
