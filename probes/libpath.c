/* libpath.c — resolution of uprobe/usdt binary names (see libpath.h).
 *
 * ld.so.cache (new format, glibc >= 2.32 writes only this one):
 *   header: "glibc-ld.so.cache" "1.1", u32 nlibs, u32 strings_len,
 *           u8 flags, 3 pad, u32 extension_offset, u32 unused[3]   (48 bytes)
 *   entries: i32 flags, u32 key, u32 value, u32 osversion, u64 hwcap (24 bytes)
 *   key/value: offsets of NUL-terminated strings (soname, path), counted
 *   from the start of the new header.
 * Older files start with the "ld.so-1.7.0" table (u32 nlibs, 12-byte entries),
 * followed by the new header at the next 8-byte boundary. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/libpath.h"
#include "probes/uelf.h"
#include "util/util.h"

#define CACHE_OLD_MAGIC "ld.so-1.7.0"
#define CACHE_NEW_MAGIC "glibc-ld.so.cache1.1"
#define CACHE_NEW_HDR 48
#define CACHE_NEW_ENT 24

#define FLAG_TYPE_MASK 0x00ff
#define FLAG_ELF_LIBC6 0x0003
#define FLAG_ARCH_MASK 0xff00
#if defined(__x86_64__)
#define FLAG_THIS_ARCH 0x0300
#elif defined(__aarch64__)
#define FLAG_THIS_ARCH 0x0a00
#else
#define FLAG_THIS_ARCH (-1)
#endif

static bool arch_ok(int32_t flags)
{
	if ((flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6)
		return false;
	if (FLAG_THIS_ARCH < 0)
		return true;
	return (flags & FLAG_ARCH_MASK) == FLAG_THIS_ARCH;
}

static char *read_all(const char *path, size_t *len, int *err)
{
	struct stat st;
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		*err = -EINVAL;
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size && (r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* 0 best (exact soname) ... 3 no match */
static int cache_rank(const char *soname, const char *name)
{
	size_t n = strlen(name);

	if (strcmp(soname, name) == 0)
		return 0;
	if (strncmp(soname, name, n) != 0)
		return 3;
	/* "libc.so" -> "libc.so.6" */
	if (soname[n] == '.' && n > 3 && strcmp(name + n - 3, ".so") == 0)
		return 1;
	/* "libc" -> "libc.so.6" (versioned) or "libc.so" */
	if (strncmp(soname + n, ".so.", 4) == 0)
		return 1;
	if (strcmp(soname + n, ".so") == 0)
		return 2;
	return 3;
}

int libpath_ldcache_lookup(const char *cache_path, const char *name, char **out)
{
	size_t len, hdr = 0, nlibs, i;
	int err = 0, best_rank = 3;
	const char *best = NULL;
	char *buf;

	*out = NULL;
	buf = read_all(cache_path, &len, &err);
	if (!buf)
		return err;
	if (len >= sizeof(CACHE_OLD_MAGIC) - 1 + 4 &&
	    memcmp(buf, CACHE_OLD_MAGIC, sizeof(CACHE_OLD_MAGIC) - 1) == 0) {
		uint32_t n_old;

		memcpy(&n_old, buf + sizeof(CACHE_OLD_MAGIC) - 1, 4);
		hdr = sizeof(CACHE_OLD_MAGIC) - 1 + 4 + (size_t)n_old * 12;
		hdr = (hdr + 7) & ~(size_t)7;
	}
	if (hdr + CACHE_NEW_HDR > len ||
	    memcmp(buf + hdr, CACHE_NEW_MAGIC, sizeof(CACHE_NEW_MAGIC) - 1) != 0) {
		free(buf);
		return -EINVAL;
	}
	{
		uint32_t n;

		memcpy(&n, buf + hdr + 20, 4);
		nlibs = n;
	}
	if (nlibs > (len - hdr - CACHE_NEW_HDR) / CACHE_NEW_ENT) {
		free(buf);
		return -EINVAL;
	}
	for (i = 0; i < nlibs; i++) {
		const char *e = buf + hdr + CACHE_NEW_HDR + i * CACHE_NEW_ENT;
		int32_t flags;
		uint32_t key, value;
		int rank;

		memcpy(&flags, e, 4);
		memcpy(&key, e + 4, 4);
		memcpy(&value, e + 8, 4);
		if (hdr + key >= len || hdr + value >= len || !arch_ok(flags))
			continue;
		rank = cache_rank(buf + hdr + key, name);
		if (rank < best_rank) {
			best_rank = rank;
			best = buf + hdr + value;
			if (rank == 0)
				break;
		}
	}
	if (best)
		*out = xstrdup(best);
	free(buf);
	return best ? 0 : -ENOENT;
}

static bool is_regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int libpath_which(const char *cmd, const char *path_env, char **out)
{
	const char *p = path_env;

	*out = NULL;
	if (!p || strchr(cmd, '/'))
		return -ENOENT;
	while (*p) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = xasprintf("%.*s/%s", (int)dlen, dlen ? p : ".", cmd);

		if (is_regular(cand) && access(cand, X_OK) == 0) {
			*out = cand;
			return 0;
		}
		free(cand);
		p += dlen;
		if (*p == ':')
			p++;
	}
	return -ENOENT;
}

static bool basename_matches(const char *base, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(base, name, n) != 0)
		return false;
	return base[n] == '\0' || base[n] == '.' || base[n] == '-';
}

int libpath_find_in_maps(const char *proc_root, pid_t pid, const char *name, char **out)
{
	char *maps = xasprintf("%s/%d/maps", proc_root, (int)pid);
	FILE *f = fopen(maps, "re");
	char line[4096];

	*out = NULL;
	free(maps);
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/'), *nl, *base;

		if (!path)
			continue;
		nl = strchr(path, '\n');
		if (nl)
			*nl = '\0';
		/* " (deleted)" files cannot be opened under their name */
		base = strrchr(path, '/') + 1;
		if (basename_matches(base, name)) {
			*out = xstrdup(path);
			break;
		}
	}
	fclose(f);
	return *out ? 0 : -ENOENT;
}

bool libpath_other_mntns(pid_t pid)
{
	struct stat self, other;
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)pid);
	if (stat("/proc/self/ns/mnt", &self) != 0 || stat(p, &other) != 0)
		return false;
	return self.st_ino != other.st_ino || self.st_dev != other.st_dev;
}

/* Prefixes /proc/PID/root when the process sees another file system. */
static char *in_ns(const char *path, pid_t pid)
{
	if (pid > 0 && path[0] == '/' && libpath_other_mntns(pid))
		return xasprintf("/proc/%d/root%s", (int)pid, path);
	return xstrdup(path);
}

static const char *const lib_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#endif
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

/* name, then name.so.*, then name.so in the default directories; ELF only
 * (libc.so in a -dev package is a linker script). */
static int find_in_lib_dirs(const char *name, char **out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lib_dirs); i++) {
		char *cand = xasprintf("%s/%s", lib_dirs[i], name);
		glob_t g;

		if (is_regular(cand) && uelf_is_elf(cand)) {
			*out = cand;
			return 0;
		}
		free(cand);
		cand = xasprintf("%s/%s.so.*", lib_dirs[i], name);
		if (glob(cand, 0, NULL, &g) == 0) {
			for (size_t k = 0; k < g.gl_pathc; k++) {
				if (uelf_is_elf(g.gl_pathv[k])) {
					*out = xstrdup(g.gl_pathv[k]);
					globfree(&g);
					free(cand);
					return 0;
				}
			}
			globfree(&g);
		}
		free(cand);
		cand = xasprintf("%s/%s.so", lib_dirs[i], name);
		if (is_regular(cand) && uelf_is_elf(cand)) {
			*out = cand;
			return 0;
		}
		free(cand);
	}
	return -ENOENT;
}

int libpath_resolve(const char *name, pid_t pid, char **out)
{
	char *found = NULL;

	*out = NULL;
	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		char *p = in_ns(name, pid);
		char *sep = strstr(p, "!/");

		if (access(p, F_OK) == 0) {
			*out = p;
			return 0;
		}
		/* "app.zip!/lib/libfoo.so": a file inside an archive */
		if (sep) {
			*sep = '\0';
			if (access(p, F_OK) == 0) {
				*sep = '!';
				*out = p;
				return 0;
			}
		}
		free(p);
		return -ENOENT;
	}
	if (pid > 0 && libpath_find_in_maps("/proc", pid, name, &found) == 0) {
		*out = in_ns(found, pid);
		free(found);
		return 0;
	}
	/* a file of that name in the current directory, as bpftrace accepts */
	if (is_regular(name) && uelf_is_elf(name)) {
		*out = xstrdup(name);
		return 0;
	}
	if (strncmp(name, "lib", 3) == 0) {
		if (libpath_ldcache_lookup("/etc/ld.so.cache", name, &found) == 0 ||
		    find_in_lib_dirs(name, &found) == 0) {
			*out = in_ns(found, pid);
			free(found);
			return 0;
		}
	}
	if (libpath_which(name, getenv("PATH"), &found) == 0) {
		*out = found;
		return 0;
	}
	return -ENOENT;
}

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int libpath_expand(const char *spec, pid_t pid, struct strvec *out)
{
	char *pattern, *one = NULL;
	glob_t g;
	int n = 0;

	if (!has_wildcard(spec)) {
		if (libpath_resolve(spec, pid, &one))
			return -ENOENT;
		strvec_push_owned(out, one);
		return 1;
	}
	pattern = spec[0] == '/' ? in_ns(spec, pid) : xstrdup(spec);
	if (glob(pattern, 0, NULL, &g) == 0) {
		/* glob() sorts its results */
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (!is_regular(g.gl_pathv[i]) || !uelf_is_elf(g.gl_pathv[i]))
				continue;
			strvec_push(out, g.gl_pathv[i]);
			n++;
		}
		globfree(&g);
	}
	free(pattern);
	return n ? n : -ENOENT;
}

int libpath_mapped_files(pid_t pid, struct strvec *out)
{
	char *maps = xasprintf("/proc/%d/maps", (int)pid);
	FILE *f = fopen(maps, "re");
	struct strvec seen = { 0 };
	char line[4096];
	int n = 0;

	free(maps);
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char perms[8], *path = strchr(line, '/'), *nl;
		size_t i;

		if (!path || sscanf(line, "%*s %7s", perms) != 1 || !strchr(perms, 'x'))
			continue;
		nl = strchr(path, '\n');
		if (nl)
			*nl = '\0';
		for (i = 0; i < seen.n; i++)
			if (strcmp(seen.v[i], path) == 0)
				break;
		if (i < seen.n)
			continue;
		strvec_push(&seen, path);
		strvec_push_owned(out, in_ns(path, pid));
		n++;
	}
	fclose(f);
	strvec_fini(&seen);
	return n;
}
