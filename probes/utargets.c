/* utargets.c — uprobe/usdt attach point expansion (see utargets.h). Each
 * file is opened once per call; nothing is cached between calls. Files that
 * are not ELF are skipped when they come from a pattern or a pid's mappings,
 * and reported when named alone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/libpath.h"
#include "probes/uelf.h"
#include "probes/usdt_notes.h"
#include "probes/utargets.h"
#include "util/util.h"

/* The files @bin names; 0 with @files filled or -errno. */
static int files_of(const char *bin, pid_t pid, struct strvec *files)
{
	bool is_any = !bin || !*bin || strcmp(bin, "*") == 0;
	bool is_pattern = bin && strpbrk(bin, "*?[") != NULL;
	int n;

	if (pid > 0 && (is_any || is_pattern)) {
		struct strvec mapped = { 0 };

		n = libpath_mapped_files(pid, &mapped);
		if (n < 0)
			return n;
		for (size_t i = 0; i < mapped.n; i++) {
			const char *p = mapped.v[i];
			const char *base = strrchr(p, '/');

			if (is_any || uelf_glob_match(bin, p) ||
			    (base && uelf_glob_match(bin, base + 1)))
				strvec_push(files, p);
		}
		strvec_fini(&mapped);
		return files->n ? 0 : -ENOENT;
	}
	if (is_any)
		return -ENOENT;
	n = libpath_expand(bin, pid, files);
	return n < 0 ? n : 0;
}

static bool is_single(const char *bin)
{
	return bin && *bin && !strpbrk(bin, "*?[");
}

int utargets_uprobe(const char *bin, const char *func_glob, pid_t pid, struct arena *a,
		    struct ptrvec *out)
{
	struct strvec files = { 0 };
	int err, count = 0;

	err = files_of(bin, pid, &files);
	if (err)
		goto out;
	for (size_t i = 0; i < files.n; i++) {
		struct strvec names = { 0 };
		struct uelf *e = NULL;
		const char *path, *attach;

		err = uelf_open(files.v[i], &e);
		if (err) {
			if (is_single(bin))
				goto out;
			err = 0;
			continue;
		}
		path = arena_strdup(a, files.v[i]);
		attach = arena_strdup(a, e->attach_path);
		uelf_match_funcs(e, func_glob, &names);
		for (size_t k = 0; k < names.n; k++) {
			const struct uelf_sym *s = NULL;
			struct utarget *t = arena_alloc(a, sizeof(*t));
			uint64_t off = 0;

			uelf_resolve_func(e, names.v[k], 0, &off, &s);
			t->path = path;
			t->attach_path = attach;
			t->func = arena_strdup(a, names.v[k]);
			t->func_addr = s ? s->addr : 0;
			t->func_size = s ? s->size : 0;
			t->offset = off;
			ptrvec_push(out, t);
			count++;
		}
		strvec_fini(&names);
		uelf_free(e);
	}
out:
	strvec_fini(&files);
	return err ? err : count;
}

struct site_ref {
	const struct usdt_note *n;
	size_t order;
};

static int cmp_site(const void *pa, const void *pb)
{
	const struct site_ref *a = pa, *b = pb;
	int c = strcmp(a->n->provider, b->n->provider);

	if (!c)
		c = strcmp(a->n->name, b->n->name);
	if (!c)
		c = a->order < b->order ? -1 : a->order > b->order;
	return c;
}

int utargets_usdt(const char *bin, const char *provider_glob, const char *name_glob, pid_t pid,
		  struct arena *a, struct ptrvec *out)
{
	struct strvec files = { 0 };
	int err, count = 0;

	if (provider_glob && !*provider_glob)
		provider_glob = NULL;
	err = files_of(bin, pid, &files);
	if (err)
		goto out;
	for (size_t i = 0; i < files.n; i++) {
		struct usdt_notes *ns = NULL;
		struct ptrvec m = { 0 };
		struct site_ref *refs;
		const char *path;
		size_t k, j;

		err = usdt_notes_read(files.v[i], &ns);
		if (err) {
			if (is_single(bin))
				goto out;
			err = 0;
			continue;
		}
		usdt_notes_match(ns, provider_glob, name_glob, &m);
		refs = xcalloc(m.n ? m.n : 1, sizeof(*refs));
		for (k = 0; k < m.n; k++)
			refs[k] = (struct site_ref){ m.v[k], k };
		if (m.n)
			qsort(refs, m.n, sizeof(*refs), cmp_site);
		path = arena_strdup(a, files.v[i]);
		for (k = 0; k < m.n; k = j) {
			/* refs[k..j) are the sites of one provider:name */
			for (j = k + 1; j < m.n; j++)
				if (strcmp(refs[j].n->provider, refs[k].n->provider) != 0 ||
				    strcmp(refs[j].n->name, refs[k].n->name) != 0)
					break;
			for (size_t s = k; s < j; s++) {
				struct utarget *t = arena_alloc(a, sizeof(*t));
				struct usdt_note *copy = arena_alloc(a, sizeof(*copy));

				*copy = *refs[s].n;
				copy->provider = arena_strdup(a, copy->provider);
				copy->name = arena_strdup(a, copy->name);
				copy->args_str = arena_strdup(a, copy->args_str);
				for (unsigned q = 0; q < copy->n_args; q++) {
					struct usdt_arg *arg = &copy->args[q];

					if (arg->sym)
						arg->sym = arena_strdup(a, arg->sym);
				}
				t->path = path;
				t->attach_path = path;
				t->provider = copy->provider;
				t->name = copy->name;
				t->site = (unsigned)(s - k);
				t->n_sites = (unsigned)(j - k);
				t->offset = copy->pc_offset;
				t->sema_offset = copy->sema_offset;
				t->note = copy;
				ptrvec_push(out, t);
				count++;
			}
		}
		free(refs);
		ptrvec_fini(&m);
		usdt_notes_free(ns);
	}
out:
	strvec_fini(&files);
	return err ? err : count;
}
