/* cgroup.c — cgroup_path(): the path of a cgroup id (a cgroupfs inode
 * number) in every mounted cgroup hierarchy, as bpftrace prints it:
 * "unified:/a/b" for cgroup2 mounts first, then "<mount dir name>:/path" for
 * v1 hierarchies sorted by name, joined with ','; hierarchies where the id is
 * not found are left out. The optional filter (a glob on the hierarchy name,
 * from the type's name) selects hierarchies. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probes/probe.h"
#include "runtime/rt_int.h"

/* Depth-first search under @dir (@rel is its path relative to the root). */
static bool find_ino(const char *dir, const char *rel, uint64_t ino, struct sbuf *out, int depth)
{
	DIR *d;
	struct dirent *e;
	bool found = false;

	if (depth > 64 || !(d = opendir(dir)))
		return false;
	while (!found && (e = readdir(d))) {
		struct stat st;
		char *path, *sub;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		sub = xasprintf("%s/%s", rel, e->d_name);
		if (stat(path, &st) == 0 && st.st_ino == ino) {
			sbuf_puts(out, sub);
			found = true;
		} else {
			found = find_ino(path, sub, ino, out, depth + 1);
		}
		free(path);
		free(sub);
	}
	closedir(d);
	return found;
}

static bool path_in(const char *root, uint64_t ino, struct sbuf *out)
{
	struct stat st;

	if (stat(root, &st) == 0 && st.st_ino == ino) {
		sbuf_putc(out, '/');
		return true;
	}
	return find_ino(root, "", ino, out, 0);
}

void rt_cgroup_path(void *cookie, struct sbuf *b, const struct type *t, uint64_t id)
{
	const char *filter = t && t->name && *t->name ? t->name : "*";
	struct strvec v1 = { 0 }, v2 = { 0 };
	char line[4096];
	bool first = true;
	FILE *f = fopen("/proc/mounts", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char dev[256], dir[2048], type[64];

		if (sscanf(line, "%255s %2047s %63s", dev, dir, type) != 3)
			continue;
		if (!strcmp(type, "cgroup2"))
			strvec_push(&v2, dir);
		else if (!strcmp(type, "cgroup"))
			strvec_push(&v1, dir);
	}
	fclose(f);
	strvec_sort(&v1);
	for (int pass = 0; pass < 2; pass++) {
		struct strvec *v = pass == 0 ? &v2 : &v1;

		for (size_t i = 0; i < v->n; i++) {
			const char *name = pass == 0 ? "unified" : strrchr(v->v[i], '/');
			struct sbuf p = { 0 };

			if (pass == 1)
				name = name ? name + 1 : v->v[i];
			if (!probe_glob_match(filter, name))
				continue;
			if (path_in(v->v[i], id, &p)) {
				sbuf_printf(b, "%s%s:%s", first ? "" : ",", name, sbuf_str(&p));
				first = false;
			}
			sbuf_fini(&p);
		}
	}
	strvec_fini(&v1);
	strvec_fini(&v2);
}
