/* test_uelf.c — ELF symbols, address translation and library path
 * resolution against the programs built from tests/progs.
 *
 * Usage: test_uelf PIE_EXE NOPIE_EXE SHARED_LIB
 * Expected symbol addresses come from `nm` run on the same files; the
 * shared library's file offsets are checked against the bytes the dynamic
 * loader maps (dlopen + dladdr). */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/libpath.h"
#include "probes/uelf.h"
#include "tap.h"
#include "util/util.h"

/* Address of @name per `nm --defined-only`, or 0. */
static unsigned long long nm_addr(const char *path, const char *name)
{
	char *cmd = xasprintf("nm --defined-only '%s' 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	unsigned long long addr = 0, a;
	char line[512], type, sym[400];

	free(cmd);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %399s", &a, &type, sym) == 3 && strcmp(sym, name) == 0) {
			addr = a;
			break;
		}
	}
	pclose(f);
	return addr;
}

/* Address of the default version (name@@VER) of @name per `nm -D`, or 0. */
static unsigned long long nm_default_version(const char *path, const char *name)
{
	char *cmd = xasprintf("nm -D --defined-only '%s' 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	unsigned long long addr = 0, a;
	char line[512], type, sym[400];
	size_t n = strlen(name);

	free(cmd);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %399s", &a, &type, sym) == 3 &&
		    strncmp(sym, name, n) == 0 && strncmp(sym + n, "@@", 2) == 0)
			addr = a;
	pclose(f);
	return addr;
}

static bool have_nm(void)
{
	return system("nm --version >/dev/null 2>&1") == 0;
}

static void test_errors(void)
{
	char tmpl[] = "/tmp/scry-uelf-XXXXXX";
	struct uelf *e = (struct uelf *)1;
	int fd = mkstemp(tmpl), err;

	ok(fd >= 0, "temp file");
	if (write(fd, "#!/bin/sh\necho hi\n", 18) != 18)
		ok(0, "write temp file");
	close(fd);
	err = uelf_open(tmpl, &e);
	is_int(err, -ENOEXEC, "non-ELF file gives -ENOEXEC");
	ok(e == NULL, "no object on error");
	is_str(uelf_strerror(err), "not an ELF file", "message for -ENOEXEC");
	ok(!uelf_is_elf(tmpl), "uelf_is_elf false for a script");
	err = uelf_open("/nonexistent/scry/binary", &e);
	is_int(err, -ENOENT, "missing file gives -ENOENT");
	unlink(tmpl);
}

static void test_glob(void)
{
	ok(uelf_glob_match("*", "anything"), "glob *");
	ok(uelf_glob_match("uprobe_*", "uprobe_func1"), "glob prefix");
	ok(!uelf_glob_match("uprobe_*", "xuprobe_func1"), "glob prefix anchored");
	ok(uelf_glob_match("*func?", "uprobe_func2"), "glob ?");
	ok(uelf_glob_match("a*b*c", "aXXbYYbZc"), "glob backtracking");
	ok(!uelf_glob_match("a*b*c", "aXXbYYbZ"), "glob backtracking failure");
	ok(uelf_glob_match("f[0-9]", "f7"), "glob range");
	ok(!uelf_glob_match("f[!0-9]", "f7"), "glob negated class");
	ok(uelf_glob_match("f\\*", "f*"), "glob escape");
	ok(uelf_glob_match("", ""), "glob empty");
	ok(!uelf_glob_match("", "x"), "glob empty pattern vs text");
}

static void test_parse_func(void)
{
	char name[64];
	uint64_t off, addr;
	bool is_addr;

	ok(uelf_parse_func("main", name, sizeof(name), &off, &is_addr, &addr) == 0 &&
		   strcmp(name, "main") == 0 && off == 0 && !is_addr,
	   "parse func");
	ok(uelf_parse_func("main+0x10", name, sizeof(name), &off, &is_addr, &addr) == 0 &&
		   strcmp(name, "main") == 0 && off == 16 && !is_addr,
	   "parse func+hex");
	ok(uelf_parse_func("f+8", name, sizeof(name), &off, &is_addr, &addr) == 0 && off == 8,
	   "parse func+dec");
	ok(uelf_parse_func("0x401126", name, sizeof(name), &off, &is_addr, &addr) == 0 &&
		   is_addr && addr == 0x401126,
	   "parse raw address");
	ok(uelf_parse_func("main+zz", name, sizeof(name), &off, &is_addr, &addr) == -EINVAL,
	   "bad offset rejected");
	ok(uelf_parse_func("", name, sizeof(name), &off, &is_addr, &addr) == -EINVAL,
	   "empty rejected");
}

static const char *const prog_syms[] = { "main", "uprobe_func1", "uprobe_func2",
					 "uprobe_loop_body", "local_func", "uprog_sema_probe" };

static void test_exe(const char *path, bool is_pie, bool nm_ok)
{
	const struct uelf_sym *m, *s;
	struct strvec names = { 0 };
	struct uelf *e = NULL;
	uint64_t off, off4, off2;
	size_t i;
	int err;

	err = uelf_open(path, &e);
	is_int(err, 0, is_pie ? "open PIE executable" : "open non-PIE executable");
	if (err)
		return;
	ok(uelf_is_elf(path), "uelf_is_elf");
	is_int(e->e_type, is_pie ? ET_DYN : ET_EXEC, "ELF type");
	ok(e->has_symtab && e->has_dynsym, "has .symtab and .dynsym");
	ok(e->n_segs >= 2, "PT_LOAD segments read");
	is_int((long long)e->build_id_len, 20, "build id read");

	m = uelf_sym_by_name(e, "main");
	ok(m && m->size > 0 && m->type == STT_FUNC, "main is a sized function");
	if (!m)
		goto out;
	for (i = 0; i < ARRAY_SIZE(prog_syms); i++) {
		s = uelf_sym_by_name(e, prog_syms[i]);
		ok(s != NULL, "symbol %s found", prog_syms[i]);
		if (s && nm_ok)
			ok(s->addr == nm_addr(path, prog_syms[i]), "%s address matches nm",
			   prog_syms[i]);
	}
	ok(uelf_sym_by_name(e, "no_such_function_xyz") == NULL, "unknown name");
	ok(uelf_sym_by_addr(e, m->addr) == m, "lookup by start address");
	ok(uelf_sym_by_addr(e, m->addr + m->size - 1) == m, "lookup by last byte");
	s = uelf_sym_by_addr(e, m->addr + m->size);
	ok(s != m, "address after main is not main");

	is_int((long long)uelf_match_funcs(e, "uprobe_*", &names), 4, "glob uprobe_* matches 4");
	if (names.n == 4) {
		is_str(names.v[0], "uprobe_func1", "sorted 1");
		is_str(names.v[1], "uprobe_func2", "sorted 2");
		is_str(names.v[2], "uprobe_loop_body", "sorted 3");
		is_str(names.v[3], "uprobe_struct_func", "sorted 4");
	}
	strvec_fini(&names);
	ok(uelf_match_funcs(e, NULL, &names) > 5, "all functions listed");
	for (i = 1; i < names.n; i++)
		if (strcmp(names.v[i - 1], names.v[i]) >= 0)
			break;
	ok(i == names.n, "listing sorted without duplicates");
	strvec_fini(&names);
	uelf_match_funcs(e, "uprog_sink", &names);
	is_int((long long)names.n, 0, "data objects are not functions");
	strvec_fini(&names);

	err = uelf_resolve_func(e, "main", 0, &off, &s);
	ok(err == 0 && s == m, "resolve main");
	ok(off % 4096 == m->addr % 4096, "file offset congruent to address mod page");
	if (!is_pie)
		ok(off != m->addr, "non-PIE offset differs from address");
	ok(uelf_resolve_func(e, "main", 4, &off4, NULL) == 0 && off4 == off + 4, "resolve main+4");
	is_int(uelf_resolve_func(e, "main", m->size, &off4, NULL), -ERANGE,
	       "offset at function size is out of bounds");
	is_int(uelf_resolve_func(e, "nope_xyz", 0, &off4, NULL), -ENOENT, "unknown function");
	ok(uelf_resolve_addr(e, m->addr, &off2, &s) == 0 && off2 == off && s == m,
	   "raw address resolves like the name");
	ok(uelf_offset_to_vaddr(e, off, &off2) == 0 && off2 == m->addr, "offset back to address");
out:
	uelf_free(e);
}

static void test_shlib(const char *path)
{
	const struct uelf_sym *s;
	struct uelf *e = NULL;
	void *h, *fn;
	Dl_info info;
	uint64_t off;
	FILE *f;
	unsigned char file_bytes[16];

	is_int(uelf_open(path, &e), 0, "open shared library");
	if (!e)
		return;
	is_int(e->e_type, ET_DYN, "shared library is ET_DYN");
	s = uelf_sym_by_name(e, "uprog_lib_add");
	ok(s && s->size > 0, "exported function found");
	ok(uelf_sym_by_name(e, "lib_helper") != NULL, "static function found in .symtab");
	h = dlopen(path, RTLD_NOW);
	ok(h != NULL, "dlopen library");
	if (!h || !s)
		goto out;
	fn = dlsym(h, "uprog_lib_add");
	ok(fn && dladdr(fn, &info), "dladdr");
	ok((uint64_t)((char *)fn - (char *)info.dli_fbase) == s->addr,
	   "symbol address + load bias = runtime address");
	ok(uelf_resolve_func(e, "uprog_lib_add", 0, &off, NULL) == 0, "resolve library function");
	f = fopen(path, "rb");
	ok(f && fseek(f, (long)off, SEEK_SET) == 0 &&
		   fread(file_bytes, 1, sizeof(file_bytes), f) == sizeof(file_bytes),
	   "read file at offset");
	if (f)
		fclose(f);
	ok(memcmp(file_bytes, fn, sizeof(file_bytes)) == 0,
	   "bytes at the file offset are the mapped function's bytes");
	dlclose(h);
out:
	uelf_free(e);
}

/* A hand-made cache: x86-64 and 32-bit libfoo.so.1, libbar.so, libfoo.so. */
static char *write_fake_cache(void)
{
	static const char strs[] = "libfoo.so.1\0/lib64/libfoo.so.1\0/lib32/libfoo.so.1\0"
				   "libbar.so\0/usr/lib/libbar.so\0libfoo.so\0/lib64/libfoo.so\0";
	struct ent { int32_t flags; uint32_t key, value, osv; uint64_t hwcap; } ents[4];
	unsigned char hdr[48] = "glibc-ld.so.cache1.1";
	uint32_t nlibs = 4, slen = sizeof(strs);
	uint32_t base = 48 + sizeof(ents);
	char *path = xstrdup("/tmp/scry-ldcache-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "wb");

	memcpy(hdr + 20, &nlibs, 4);
	memcpy(hdr + 24, &slen, 4);
	memset(ents, 0, sizeof(ents));
	/* 32-bit first, to check that the architecture filter skips it */
	ents[0] = (struct ent){ 0x0003, base + 0, base + 31, 0, 0 };
	ents[1] = (struct ent){ 0x0303, base + 0, base + 12, 0, 0 };
	ents[2] = (struct ent){ 0x0303, base + 50, base + 60, 0, 0 };
	ents[3] = (struct ent){ 0x0303, base + 79, base + 89, 0, 0 };
	fwrite(hdr, 1, sizeof(hdr), f);
	fwrite(ents, 1, sizeof(ents), f);
	fwrite(strs, 1, sizeof(strs), f);
	fclose(f);
	return path;
}

static void test_libpath(const char *exe)
{
	char *cache = write_fake_cache(), *p = NULL;
	const char *base;
	int err;

#if defined(__x86_64__)
	err = libpath_ldcache_lookup(cache, "libfoo.so.1", &p);
	ok(err == 0 && p && strcmp(p, "/lib64/libfoo.so.1") == 0, "fake cache: exact soname");
	free(p);
	err = libpath_ldcache_lookup(cache, "libfoo", &p);
	ok(err == 0 && p && strcmp(p, "/lib64/libfoo.so.1") == 0,
	   "fake cache: libfoo prefers the versioned soname");
	free(p);
	err = libpath_ldcache_lookup(cache, "libbar", &p);
	ok(err == 0 && p && strcmp(p, "/usr/lib/libbar.so") == 0, "fake cache: libbar -> .so");
	free(p);
#endif
	is_int(libpath_ldcache_lookup(cache, "libnope", &p), -ENOENT, "fake cache: missing");
	is_int(libpath_ldcache_lookup(exe, "libc", &p), -EINVAL, "not a cache file");
	unlink(cache);
	free(cache);

	if (access("/etc/ld.so.cache", R_OK) == 0) {
		err = libpath_ldcache_lookup("/etc/ld.so.cache", "libc.so.6", &p);
		ok(err == 0 && p && strstr(p, "/libc.so.6") && uelf_is_elf(p),
		   "system cache: libc.so.6 (%s)", p ? p : "-");
		free(p);
		err = libpath_ldcache_lookup("/etc/ld.so.cache", "libc", &p);
		ok(err == 0 && p && strstr(p, "/libc.so.6"), "system cache: libc");
		free(p);
	}
	err = libpath_resolve("libc", 0, &p);
	ok(err == 0 && uelf_is_elf(p), "resolve libc (%s)", p ? p : "-");
	if (err == 0) {
		/* versioned symbols: the default version (name@@VER) wins */
		struct uelf *e = NULL;
		unsigned long long want = nm_default_version(p, "realpath");

		ok(uelf_open(p, &e) == 0, "open libc");
		if (e && want) {
			const struct uelf_sym *s = uelf_sym_by_name(e, "realpath");

			ok(s && s->addr == want && !s->is_hidden, "realpath: default version");
		}
		if (e && (want = nm_default_version(p, "memcpy"))) {
			const struct uelf_sym *s = uelf_sym_by_name(e, "memcpy");

			ok(s && s->addr == want, "memcpy: default version");
		}
		uelf_free(e);
	}
	free(p);
	err = libpath_resolve("sh", 0, &p);
	ok(err == 0 && p && p[0] == '/', "resolve sh through PATH (%s)", p ? p : "-");
	free(p);
	err = libpath_resolve(exe, 0, &p);
	ok(err == 0 && strcmp(p, exe) == 0, "path with a slash kept as is");
	free(p);
	is_int(libpath_resolve("/nonexistent/x", 0, &p), -ENOENT, "missing path");
	is_int(libpath_resolve("libscry_nonexistent_xyz", 0, &p), -ENOENT, "missing library");
	err = libpath_resolve("libc", getpid(), &p);
	base = p ? strrchr(p, '/') : NULL;
	ok(err == 0 && base && strncmp(base, "/libc", 5) == 0, "resolve libc through own maps (%s)",
	   p ? p : "-");
	free(p);
	err = libpath_find_in_maps("/proc", getpid(), "libelf", &p);
	ok(err == 0 && strstr(p, "libelf"), "libelf found in own maps");
	free(p);
	is_int(libpath_which("sh", "/nonexistent:/bin:/usr/bin", &p), 0, "which sh");
	free(p);
	ok(!libpath_other_mntns(getpid()), "own mount namespace");

	{
		struct strvec v = { 0 };
		char *dir = xstrdup(exe), *slash = strrchr(dir, '/'), *pat;
		size_t i;
		bool has_pie = false, has_nopie = false;

		*slash = '\0';
		pat = xasprintf("%s/uprog_*", dir);
		ok(libpath_expand(pat, 0, &v) >= 2, "glob over test programs");
		for (i = 0; i < v.n; i++) {
			has_pie |= strstr(v.v[i], "/uprog_pie") != NULL;
			has_nopie |= strstr(v.v[i], "/uprog_nopie") != NULL;
		}
		ok(has_pie && has_nopie, "glob found both builds");
		for (i = 1; i < v.n; i++)
			if (strcmp(v.v[i - 1], v.v[i]) > 0)
				break;
		ok(i >= v.n, "glob results sorted");
		strvec_fini(&v);
		free(pat);
		pat = xasprintf("%s/nothing_here_*", dir);
		is_int(libpath_expand(pat, 0, &v), -ENOENT, "glob without matches");
		free(pat);
		free(dir);
		is_int(libpath_expand("libc", 0, &v), 1, "expand without wildcard");
		strvec_fini(&v);
		ok(libpath_mapped_files(getpid(), &v) >= 2, "own mapped files");
		for (i = 0; i < v.n; i++)
			if (strstr(v.v[i], "/libc.so"))
				break;
		ok(i < v.n, "libc among own mapped files");
		strvec_fini(&v);
	}
}

/* An ELF file stored in a ZIP archive ("app.zip!/bin/prog"). */
static void test_zip(const char *exe)
{
	char dir[] = "/tmp/scry-zip-XXXXXX";
	char *zip, *inner, *cmd, *p = NULL;
	struct uelf *plain = NULL, *e = NULL;
	uint64_t off_plain, off_zip, zoff, zsize;
	unsigned char b1[16], b2[16];
	FILE *f;

	if (!mkdtemp(dir))
		return;
	zip = xasprintf("%s/app.zip", dir);
	inner = xasprintf("%s!/bin/prog", zip);
	cmd = xasprintf("python3 -c 'import zipfile, sys; z = zipfile.ZipFile(sys.argv[1], \"w\"); "
			"z.writestr(\"README\", \"x\" * 100, zipfile.ZIP_DEFLATED); "
			"z.write(sys.argv[2], \"bin/prog\", zipfile.ZIP_STORED); z.close()' %s '%s'",
			zip, exe);
	if (system(cmd) != 0) {
		printf("# python3 zipfile unavailable: archive checks skipped\n");
		goto out;
	}
	is_int(uelf_open(inner, &e), 0, "open ELF inside a ZIP archive");
	if (!e)
		goto out;
	is_str(e->attach_path, zip, "attach path is the archive");
	ok(uelf_zip_entry(zip, "bin/prog", &zoff, &zsize) == 0 && zoff == e->archive_offset &&
		   zoff > 0,
	   "entry offset");
	ok(uelf_open(exe, &plain) == 0 && uelf_resolve_func(plain, "main", 0, &off_plain, NULL) == 0,
	   "main in the plain file");
	ok(uelf_resolve_func(e, "main", 0, &off_zip, NULL) == 0 && off_zip == off_plain + zoff,
	   "main's offset in the archive is shifted by the entry offset");
	f = fopen(zip, "rb");
	ok(f && fseek(f, (long)off_zip, SEEK_SET) == 0 && fread(b1, 1, 16, f) == 16,
	   "read archive at the offset");
	if (f)
		fclose(f);
	f = fopen(exe, "rb");
	ok(f && fseek(f, (long)off_plain, SEEK_SET) == 0 && fread(b2, 1, 16, f) == 16 &&
		   memcmp(b1, b2, 16) == 0,
	   "same bytes as the plain file");
	if (f)
		fclose(f);
	is_int(uelf_zip_entry(zip, "nope", &zoff, &zsize), -ENOENT, "missing entry");
	is_int(uelf_zip_entry(zip, "README", &zoff, &zsize), -ENOEXEC, "compressed entry");
	is_int(uelf_zip_entry(exe, "bin/prog", &zoff, &zsize), -ENOEXEC, "not an archive");
	ok(libpath_resolve(inner, 0, &p) == 0 && strcmp(p, inner) == 0, "libpath keeps archive paths");
	free(p);
out:
	uelf_free(e);
	uelf_free(plain);
	free(cmd);
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
	free(cmd);
	free(zip);
	free(inner);
}

int main(int argc, char **argv)
{
	bool nm_ok = have_nm();

	if (argc < 4) {
		fprintf(stderr, "usage: %s PIE_EXE NOPIE_EXE SHARED_LIB\n", argv[0]);
		return 2;
	}
	if (!nm_ok)
		printf("# nm not found: address cross-checks skipped\n");
	test_errors();
	test_glob();
	test_parse_func();
	test_exe(argv[1], true, nm_ok);
	test_exe(argv[2], false, nm_ok);
	test_shlib(argv[3]);
	test_libpath(argv[1]);
	test_zip(argv[1]);
	return done_testing();
}
