/* cache.c — the compile cache (see cache.h for the key and the entry format).
 *
 * Safety comes from three checks on every lookup: the entry's file must
 * belong to us and not be writable by others (a root process loads what it
 * reads), its whole key material must equal ours (no trust in the hash that
 * names the file), and its checksum must match (a torn or corrupt file). Any
 * failure is a miss: the caller compiles and stores a fresh entry. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "driver/cache.h"
#include "driver/opts.h"
#include "probes/probe.h"
#include "scry_version.h"
#include "sema/resources.h"

extern char **environ;

#define CACHE_MAGIC "SCRYCAC1"
#define CACHE_FORMAT 1u
#define CACHE_SUFFIX ".scry"
/* magic, format, reserved, key length, object length, checksum */
#define CACHE_HDR_SIZE (8 + 4 + 4 + 8 + 8 + 8)

/* ---- hashing ---- */

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t cache_hash64(const void *p, size_t len, uint64_t seed)
{
	const unsigned char *b = p;
	uint64_t h = mix64(seed ^ 0x9e3779b97f4a7c15ull) ^ (uint64_t)len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, b + i, 8);
		h = (h ^ mix64(w)) * 0x9e3779b97f4a7c15ull;
		h = (h << 27) | (h >> 37);
	}
	if (i < len) {
		uint64_t w = 0;

		memcpy(&w, b + i, len - i);
		h = (h ^ mix64(w ^ 0xa5)) * 0x9e3779b97f4a7c15ull;
	}
	return mix64(h);
}

/* ---- key material ---- */

void cache_key_add(struct sbuf *k, const char *tag, const void *data, size_t len)
{
	sbuf_printf(k, "%s=%zu:", tag, len);
	if (len)
		sbuf_put(k, data, len);
	sbuf_putc(k, '\n');
}

void cache_key_add_str(struct sbuf *k, const char *tag, const char *s)
{
	if (s)
		cache_key_add(k, tag, s, strlen(s));
	else
		sbuf_printf(k, "%s=-\n", tag);
}

void cache_key_add_u64(struct sbuf *k, const char *tag, uint64_t v)
{
	sbuf_printf(k, "%s=%llu\n", tag, (unsigned long long)v);
}

void cache_key_add_file(struct sbuf *k, const char *tag, const char *path)
{
	struct stat st;

	if (!path || stat(path, &st) < 0) {
		sbuf_printf(k, "%s=-\n", tag);
		return;
	}
	sbuf_printf(k, "%s=%llu.%llu.%llu.%lld.%ld\n", tag, (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/* Appends the first @max bytes of a small file (boot id, module list). */
static void key_add_small_file(struct sbuf *k, const char *tag, const char *path, size_t max)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (max > sizeof(buf))
		max = sizeof(buf);
	if (fd >= 0) {
		n = read(fd, buf, max);
		close(fd);
	}
	if (n < 0)
		sbuf_printf(k, "%s=-\n", tag);
	else
		cache_key_add(k, tag, buf, (size_t)n);
}

/* /proc/modules without the use counts (they change all the time): name,
 * size and load address of every module, so a module reloaded with other
 * tracepoints or BTF changes the key. Missing without CONFIG_MODULES. */
static void key_add_modules(struct sbuf *k)
{
	FILE *f = fopen("/proc/modules", "re");
	char line[512];

	if (!f) {
		sbuf_puts(k, "modules=-\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[128], state[32];
		unsigned long long size, addr = 0;

		if (sscanf(line, "%127s %llu %*s %*s %31s %llx", name, &size, state, &addr) >= 2)
			sbuf_printf(k, "module=%s %llu %llx\n", name, size, addr);
	}
	fclose(f);
}

static int build_id_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct sbuf *k = arg;

	(void)size;
	/* the first object is the executable itself */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const void *)p;
			const char *name = p + sizeof(*nh);
			const char *desc = name + ((nh->n_namesz + 3) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && !memcmp(name, "GNU", 4)) {
				cache_key_add(k, "build-id", desc, nh->n_descsz);
				return 1;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1;
}

void cache_key_system(struct sbuf *k)
{
	struct utsname u;

	cache_key_add_u64(k, "format", CACHE_FORMAT);
	cache_key_add_str(k, "scry", SCRY_VERSION);
	dl_iterate_phdr(build_id_cb, k);
	cache_key_add_file(k, "exe", "/proc/self/exe");
	if (uname(&u) == 0) {
		cache_key_add_str(k, "release", u.release);
		cache_key_add_str(k, "kversion", u.version);
		cache_key_add_str(k, "machine", u.machine);
	}
	/* kaddr() and kernel symbols move with KASLR at every boot */
	key_add_small_file(k, "boot-id", "/proc/sys/kernel/random/boot_id", 64);
	cache_key_add_file(k, "btf", "/sys/kernel/btf/vmlinux");
	key_add_modules(k);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every BPFTRACE_* variable, sorted (they set config options sema reads). */
static void key_add_env(struct sbuf *k)
{
	struct ptrvec v = { 0 };

	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, "BPFTRACE_", 9))
			ptrvec_push(&v, *e);
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_str);
	for (size_t i = 0; i < v.n; i++)
		cache_key_add_str(k, "env", v.v[i]);
	ptrvec_fini(&v);
}

static void key_add_type(struct sbuf *k, const char *tag, const struct type *t)
{
	if (t)
		sbuf_printf(k, "%s=%d.%u\n", tag, (int)t->kind, (unsigned)t->size);
	else
		sbuf_printf(k, "%s=-\n", tag);
}

/* What sema computed: the resources, and the identity of every file the
 * probes name (a rebuilt binary moves uprobe addresses and USDT sites). */
static void key_add_resources(struct sbuf *k, const struct resources *res)
{
	const struct res_config *c = &res->cfg;

	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];
		const struct probe_target *t = pi->target;

		cache_key_add_str(k, "prog", pi->prog_name);
		cache_key_add_str(k, "sec", pi->section);
		sbuf_printf(k, "pflags=%d.%d.%u\n", pi->is_begin, pi->is_end, pi->order);
		if (!t)
			continue;
		cache_key_add_str(k, "ptype", t->ops ? t->ops->name : NULL);
		cache_key_add_str(k, "target", t->target);
		cache_key_add_str(k, "path", t->path);
		if (t->path && t->path[0] == '/')
			cache_key_add_file(k, "path-id", t->path);
		cache_key_add_str(k, "func", t->func);
		cache_key_add_str(k, "full", t->full);
		sbuf_printf(k, "tflags=%d.%llu.%d.%u.%llu.%llu.%d.%u\n", (int)t->pid,
			    (unsigned long long)t->period, t->is_freq, t->event_type,
			    (unsigned long long)t->event_config, (unsigned long long)t->offset,
			    t->is_ret, t->n_syms);
		for (uint32_t j = 0; j < t->n_syms; j++)
			cache_key_add_str(k, "sym", t->syms[j]);
	}
	for (size_t i = 0; i < res->maps.n; i++) {
		const struct map_info *m = res->maps.v[i];

		cache_key_add_str(k, "map", m->name);
		cache_key_add_str(k, "bpf-name", m->bpf_name);
		sbuf_printf(k, "mflags=%u.%d.%u.%u.%u.%d.%d\n", m->id, (int)m->kind, m->key_size,
			    m->value_size, m->max_entries, m->is_internal, m->is_declared);
		key_add_type(k, "mkey", m->key_type);
		key_add_type(k, "mval", m->value_type);
	}
	for (size_t i = 0; i < res->actions.n; i++) {
		const struct action *a = res->actions.v[i];

		sbuf_printf(k, "action=%d.%u.%u.%u\n", (int)a->kind, a->id, a->size,
			    a->map ? a->map->id : ~0u);
		cache_key_add_str(k, "afmt", a->fmt);
		key_add_type(k, "aargs", a->args);
	}
	sbuf_printf(k, "cfg=%u.%u.%u.%u.%d.%d.%u.%d.%d.%d\n", c->max_strlen, c->max_map_keys,
		    c->perf_rb_pages, c->max_cat_bytes, (int)c->stack_mode, c->print_maps_on_exit,
		    c->on_stack_limit, c->missing_probes, c->unsafe, c->hide_debug_info);
	cache_key_add_str(k, "license", c->license);
	cache_key_add_str(k, "trailer", c->str_trunc_trailer);
	sbuf_printf(k, "res=%d.%d.%u\n", res->needs_events, res->has_end, res->event_max_size);
}

void cache_key_program(struct sbuf *k, const struct scry_opts *o, const struct src *src,
		       const struct resources *res, pid_t cpid)
{
	bool uses_cpid = src->text && strstr(src->text, "cpid");

	cache_key_system(k);
	cache_key_add_str(k, "src-name", src->name);
	cache_key_add(k, "src", src->text, src->len);
	for (uint32_t i = 0; i < o->n_pos_params; i++)
		cache_key_add_str(k, "pos", o->pos_params[i]);
	for (uint32_t i = 0; i < o->n_named_params; i++)
		cache_key_add_str(k, "named", o->named_params[i]);
	for (uint32_t i = 0; i < o->n_includes; i++) {
		cache_key_add_str(k, "include", o->includes[i]);
		cache_key_add_file(k, "include-id", o->includes[i]);
	}
	for (uint32_t i = 0; i < o->n_include_dirs; i++)
		cache_key_add_str(k, "include-dir", o->include_dirs[i]);
	for (uint32_t i = 0; i < o->n_debuginfo_dirs; i++)
		cache_key_add_str(k, "debuginfo", o->debuginfo_dirs[i]);
	sbuf_printf(k, "opts=%d.%d.%d.%u.%d.%d\n", o->unsafe, o->helper_errors, (int)o->pid,
		    o->no_features, (int)o->mode, o->cmd != NULL);
	/* the child's pid is a literal in the program only where `cpid` is used */
	cache_key_add_u64(k, "cpid", uses_cpid ? (uint64_t)cpid : 0);
	key_add_env(k);
	key_add_resources(k, res);
}

/* ---- the directory ---- */

char *cache_dir_default(void)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *home;

	if (x && x[0] == '/')
		return xasprintf("%s/scry", x);
	home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(geteuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return NULL;
	return xasprintf("%s/.cache/scry", home);
}

/* Ours and not writable by anyone else (a cache a root process loads from). */
static bool is_trusted(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

int cache_dir_check(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || !is_trusted(&st))
		return -EPERM;
	return 0;
}

/* mkdir -p with mode 0700 for the last component. */
int cache_dir_make(const char *dir)
{
	char *p = xstrdup(dir);
	int err = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			err = -errno;
		*s = '/';
		if (err)
			break;
	}
	if (!err && mkdir(p, 0700) < 0 && errno != EEXIST)
		err = -errno;
	free(p);
	return err ? err : cache_dir_check(dir);
}

static char *entry_path(const char *dir, const struct sbuf *key)
{
	return xasprintf("%s/%016llx%016llx" CACHE_SUFFIX, dir,
			 (unsigned long long)cache_hash64(key->s, key->len, 1),
			 (unsigned long long)cache_hash64(key->s, key->len, 2));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t entry_checksum(const struct sbuf *key, const void *data, size_t size)
{
	return cache_hash64(data, size, cache_hash64(key->s, key->len, 3));
}

static int read_all(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int cache_lookup(const char *dir, const struct sbuf *key, void **data, size_t *size)
{
	char *path;
	unsigned char *buf = NULL;
	struct stat st;
	uint64_t key_len, obj_len;
	int fd, err = cache_dir_check(dir);

	*data = NULL;
	*size = 0;
	if (err)
		return err;
	path = entry_path(dir, key);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = errno == ENOENT ? -ENOENT : -errno;
		free(path);
		return err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !is_trusted(&st)) {
		err = -EPERM;
		goto out;
	}
	err = -ENOENT; /* anything wrong below: a miss, and the entry goes */
	if ((uint64_t)st.st_size < CACHE_HDR_SIZE + key->len ||
	    (uint64_t)st.st_size > ((uint64_t)1 << 32))
		goto corrupt;
	buf = xmalloc((size_t)st.st_size);
	if (read_all(fd, buf, (size_t)st.st_size) < 0)
		goto corrupt;
	key_len = get_u64(buf + 16);
	obj_len = get_u64(buf + 24);
	if (memcmp(buf, CACHE_MAGIC, 8) || get_u64(buf + 8) != CACHE_FORMAT ||
	    key_len != key->len || CACHE_HDR_SIZE + key_len + obj_len != (uint64_t)st.st_size)
		goto corrupt;
	if (memcmp(buf + CACHE_HDR_SIZE, key->s, key->len))
		goto out; /* another key with the same hash: keep it, compile */
	{
		const unsigned char *obj = buf + CACHE_HDR_SIZE + key_len;

		if (get_u64(buf + 32) != entry_checksum(key, obj, obj_len))
			goto corrupt;
		*data = xmalloc(obj_len ? obj_len : 1);
		memcpy(*data, obj, obj_len);
		*size = obj_len;
	}
	futimens(fd, NULL); /* recently used: evicted last */
	err = 0;
	goto out;
corrupt:
	unlink(path);
out:
	free(buf);
	close(fd);
	free(path);
	return err;
}

static int write_all(int fd, const void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = write(fd, (const char *)buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

struct cache_file {
	char *path;
	off_t size;
	struct timespec mtime;
};

static int cmp_mtime(const void *a, const void *b)
{
	const struct cache_file *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return 0;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* Removes the oldest entries until the directory holds at most @max_bytes,
 * and temporary files left by a store that died (older than an hour). */
static void trim(const char *dir, uint64_t max_bytes)
{
	DIR *d = opendir(dir);
	struct cache_file *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (de->d_name[0] == '.' && !has_suffix(de->d_name, ".tmp"))
			continue;
		if (!has_suffix(de->d_name, CACHE_SUFFIX) && !has_suffix(de->d_name, ".tmp"))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (has_suffix(de->d_name, ".tmp")) {
			if (now - st.st_mtim.tv_sec > 3600)
				unlink(p);
			free(p);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].path = p;
		v[n].size = st.st_size;
		v[n].mtime = st.st_mtim;
		n++;
		total += (uint64_t)st.st_size;
	}
	closedir(d);
	if (total > max_bytes && n)
		qsort(v, n, sizeof(*v), cmp_mtime);
	for (size_t i = 0; i < n; i++) {
		if (total > max_bytes && unlink(v[i].path) == 0)
			total -= (uint64_t)v[i].size;
		free(v[i].path);
	}
	free(v);
}

int cache_store(const char *dir, const struct sbuf *key, const void *data, size_t size,
		uint64_t max_bytes)
{
	unsigned char hdr[CACHE_HDR_SIZE] = { 0 };
	uint64_t v;
	char *path, *tmp;
	int fd, err = cache_dir_make(dir);

	if (err)
		return err;
	path = entry_path(dir, key);
	tmp = xasprintf("%s/.%d.%llx.tmp", dir, (int)getpid(),
			(unsigned long long)cache_hash64(key->s, key->len, 4));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	memcpy(hdr, CACHE_MAGIC, 8);
	v = CACHE_FORMAT;
	memcpy(hdr + 8, &v, 8);
	v = key->len;
	memcpy(hdr + 16, &v, 8);
	v = size;
	memcpy(hdr + 24, &v, 8);
	v = entry_checksum(key, data, size);
	memcpy(hdr + 32, &v, 8);
	err = write_all(fd, hdr, sizeof(hdr));
	if (!err)
		err = write_all(fd, key->s, key->len);
	if (!err)
		err = write_all(fd, data, size);
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	else
		trim(dir, max_bytes);
out:
	free(tmp);
	free(path);
	return err;
}
