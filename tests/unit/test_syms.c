/* test_syms.c — runtime symbolization: kallsyms (fixture), user symbols of
 * this process and of a fake /proc tree, stack text in each mode.
 *
 * Usage: test_syms KALLSYMS SHARED_LIB NOPIE_EXE */
#include <dlfcn.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/uelf.h"
#include "runtime/syms.h"
#include "tap.h"
#include "util/util.h"

static const char *kfmt(struct sym_ctx *ctx, struct sbuf *b, uint64_t addr, bool off)
{
	sbuf_reset(b);
	sym_kernel_format(ctx, b, addr, off);
	return sbuf_str(b);
}

static void test_kernel(const char *kallsyms)
{
	struct sym_ctx *ctx = sym_ctx_new(kallsyms, NULL);
	struct sbuf b = { 0 };
	const char *name;
	uint64_t off;
	uint64_t ips[] = { 0xffffffff81001005ULL, 0xffffffff81002010ULL };
	uint64_t bad[] = { 0xffffffff81001005ULL, UINT64_MAX, 0xffffffff81002010ULL };

	is_str(kfmt(ctx, &b, 0xffffffff81001005ULL, true), "do_nanosleep+5", "sym+off");
	is_str(kfmt(ctx, &b, 0xffffffff81001005ULL, false), "do_nanosleep", "sym");
	is_str(kfmt(ctx, &b, 0xffffffff81001100ULL, true), "hrtimer_nanosleep+0", "exact start");
	is_str(kfmt(ctx, &b, 0xffffffff81000000ULL, false), "_stext", "first of an alias group");
	is_str(kfmt(ctx, &b, 0xffffffff81000600ULL, true), "early_func+256",
	       "unsorted input is sorted");
	is_str(kfmt(ctx, &b, 0xffffffffc0000010ULL, true), "mod_func+16", "module symbol");
	is_str(kfmt(ctx, &b, 0x1000, true), "0x1000", "below all symbols: hex");
	ok(sym_kernel_lookup(ctx, 0xffffffff81002001ULL, &name, &off) == 0 &&
		   strcmp(name, "vfs_read") == 0 && off == 1,
	   "sym_kernel_lookup");

	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 2, STACK_BPFTRACE, false, 0, 8);
	is_str(sbuf_str(&b), "\n        do_nanosleep+5\n        vfs_read+16\n",
	       "kstack bpftrace mode");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 2, STACK_PERF, false, 0, 8);
	is_str(sbuf_str(&b),
	       "\n\tffffffff81001005 do_nanosleep+5\n\tffffffff81002010 vfs_read+16\n",
	       "kstack perf mode");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 2, STACK_RAW, false, 0, 8);
	is_str(sbuf_str(&b), "\nffffffff81001005\nffffffff81002010\n", "kstack raw mode");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 1, STACK_BPFTRACE, false, 0, 0);
	is_str(sbuf_str(&b), "\ndo_nanosleep+5\n", "no indent");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, bad, 3, STACK_BPFTRACE, false, 0, 8);
	is_str(sbuf_str(&b), "\n        do_nanosleep+5\n        <unwind failure>\n",
	       "unwind failure ends the stack");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 0, STACK_BPFTRACE, false, 0, 8);
	is_str(sbuf_str(&b), "\n", "empty stack");

	sbuf_reset(&b);
	sym_cb_ksym(ctx, &b, 0xffffffff81001005ULL, false);
	is_str(sbuf_str(&b), "do_nanosleep", "out_sym ksym callback");
	sbuf_reset(&b);
	sym_cb_username(ctx, &b, 0);
	is_str(sbuf_str(&b), "root", "uid 0 is root");
	sbuf_reset(&b);
	sym_cb_username(ctx, &b, 3999999999u);
	is_str(sbuf_str(&b), "", "unknown uid prints nothing");
	sbuf_fini(&b);
	sym_ctx_free(ctx);

	ctx = sym_ctx_new("/nonexistent/kallsyms", NULL);
	b = (struct sbuf){ 0 };
	is_str(kfmt(ctx, &b, 0xffffffff81001005ULL, true), "0xffffffff81001005",
	       "no kallsyms: hex");
	sbuf_fini(&b);
	sym_ctx_free(ctx);
}

static void test_build_id(void)
{
	struct bpf_stack_build_id f[2];
	struct sbuf b = { 0 };
	char want[128] = "\n";

	memset(f, 0, sizeof(f));
	f[0].status = BPF_STACK_BUILD_ID_VALID;
	for (int i = 0; i < BPF_BUILD_ID_SIZE; i++)
		f[0].build_id[i] = (unsigned char)i;
	f[0].offset = 0x5;
	f[1].status = BPF_STACK_BUILD_ID_IP;
	f[1].ip = 0x7fff1234;
	sym_format_build_id_stack(&b, f, 2);
	strcat(want, "000102030405060708090a0b0c0d0e0f10111213 0x05\n7fff1234\n");
	is_str(sbuf_str(&b), want, "build id stack");
	sbuf_fini(&b);
}

/* a function of this executable, to symbolize our own addresses */
int __attribute__((noinline)) syms_test_marker(int x);
int __attribute__((noinline)) syms_test_marker(int x)
{
	return x * 7 + 3;
}

static void test_self(const char *lib)
{
	struct sym_ctx *ctx = sym_ctx_new(NULL, NULL);
	struct sbuf b = { 0 };
	struct sym_user_info ui;
	uint32_t pid = (uint32_t)getpid();
	uint64_t ip, ips[2];
	void *h = dlopen(lib, RTLD_NOW);
	int (*inl)(int);
	char *want;
	int err;

	memset(&ui, 0, sizeof(ui));
	sym_ctx_set_debug_info(ctx, false);
	ip = (uint64_t)(uintptr_t)&syms_test_marker + 2;
	sym_user_format(ctx, &b, pid, ip, true);
	is_str(sbuf_str(&b), "syms_test_marker+2", "own function with offset");
	sbuf_reset(&b);
	sym_cb_usym(ctx, &b, pid, ip, false);
	is_str(sbuf_str(&b), "syms_test_marker", "out_sym usym callback");
	sbuf_reset(&b);
	sym_user_format(ctx, &b, pid, 1, false);
	is_str(sbuf_str(&b), "0x1", "unmapped address: hex");
	err = sym_user_lookup(ctx, pid, ip, &ui);
	ok(err == 0 && ui.module && ui.off == 2, "lookup gives the module (%s)",
	   ui.module ? ui.module : "-");

	ok(h != NULL, "dlopen %s", lib);
	if (!h)
		goto out;
	ips[0] = (uint64_t)(uintptr_t)dlsym(h, "uprog_lib_add") + 1;
	ips[1] = (uint64_t)(uintptr_t)dlsym(h, "uprog_lib_mul");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 2, STACK_BPFTRACE, true, pid, 8);
	is_str(sbuf_str(&b), "\n        uprog_lib_add+1\n        uprog_lib_mul+0\n",
	       "ustack bpftrace mode (shared library, load bias)");
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 1, STACK_PERF, true, pid, 8);
	ok(sym_user_lookup(ctx, pid, ips[0], &ui) == 0, "lookup in library");
	want = xasprintf("\n\t%llx uprog_lib_add+1 (%s)\n", (unsigned long long)ips[0],
			 ui.module ? ui.module : "?");
	is_str(sbuf_str(&b), want, "ustack perf mode");
	free(want);
	ok(ui.module && strstr(ui.module, "libuprog_lib.so"), "module is the library path");
	sbuf_reset(&b);
	ips[1] = 8;
	sym_format_stack(ctx, &b, ips + 1, 1, STACK_PERF, true, pid, 8);
	is_str(sbuf_str(&b), "\n\t8 0x8 ([unknown])\n", "perf mode unresolved frame");

	sym_ctx_set_debug_info(ctx, true);
	sbuf_reset(&b);
	sym_format_stack(ctx, &b, ips, 1, STACK_BPFTRACE, true, pid, 8);
#if __has_include(<elfutils/libdw.h>)
	ok(strncmp(sbuf_str(&b), "\n        uprog_lib_add+1@", 25) == 0 &&
		   strstr(sbuf_str(&b), "uprog_lib.c:"),
	   "debug info: sym+off@file:line (%s)", sbuf_str(&b) + 1);
	{
		const char *file;
		unsigned line;

		ok(sym_user_line(ctx, ui.module, ui.vaddr, &file, &line) == 0 && line > 0 &&
			   strstr(file, "uprog_lib.c"),
		   "sym_user_line");
	}
	/* somewhere in uprog_lib_inl, lib_inlined's code shows as an inlined frame */
	inl = (int (*)(int))dlsym(h, "uprog_lib_inl");
	ok(inl && inl(3) != -1, "call uprog_lib_inl");
	{
		bool found = false;

		for (unsigned k = 0; k < 64 && !found; k++) {
			uint64_t a = (uint64_t)(uintptr_t)inl + k;

			sbuf_reset(&b);
			sym_format_stack(ctx, &b, &a, 1, STACK_BPFTRACE, true, pid, 8);
			found = strstr(sbuf_str(&b), "[inlined] lib_inlined@") &&
				strstr(sbuf_str(&b), "\n        uprog_lib_inl+");
		}
		ok(found, "inlined frame printed before its caller (%s)", sbuf_str(&b) + 1);
		if (found) {
			uint64_t a = 0;

			/* the same address in perf mode */
			for (unsigned k = 0; k < 64; k++) {
				a = (uint64_t)(uintptr_t)inl + k;
				sbuf_reset(&b);
				sym_format_stack(ctx, &b, &a, 1, STACK_BPFTRACE, true, pid, 8);
				if (strstr(sbuf_str(&b), "[inlined] lib_inlined@"))
					break;
			}
			sbuf_reset(&b);
			sym_format_stack(ctx, &b, &a, 1, STACK_PERF, true, pid, 8);
			want = xasprintf("\n\t%llx lib_inlined (inlined)\n\t%llx uprog_lib_inl+",
					 (unsigned long long)a, (unsigned long long)a);
			ok(strncmp(sbuf_str(&b), want, strlen(want)) == 0,
			   "perf mode lists the inlined frame (%s)", sbuf_str(&b) + 1);
			free(want);
		}
	}
#endif
	dlclose(h);
out:
	sbuf_fini(&b);
	sym_ctx_free(ctx);
}

/* A fake /proc/4242/maps mapping the library's text at a chosen address. */
static void test_fake_proc(const char *lib, const char *exe)
{
	char dir[] = "/tmp/scry-proc-XXXXXX";
	struct sym_ctx *ctx;
	struct sbuf b = { 0 };
	struct uelf *e = NULL;
	const struct uelf_sym *s;
	uint64_t off, page, start = 0x7f1234560000ULL, addr;
	char *p;
	FILE *f;

	if (!mkdtemp(dir) || uelf_open(lib, &e)) {
		ok(0, "fake proc setup");
		return;
	}
	s = uelf_sym_by_name(e, "uprog_lib_add");
	uelf_resolve_func(e, "uprog_lib_add", 0, &off, NULL);
	page = off & ~0xfffULL;
	p = xasprintf("%s/4242", dir);
	mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/4242/maps", dir);
	f = fopen(p, "w");
	fprintf(f, "%llx-%llx r-xp %08llx 08:01 1234 %s\n", (unsigned long long)start,
		(unsigned long long)start + 0x10000, (unsigned long long)page, lib);
	fclose(f);
	ctx = sym_ctx_new(NULL, dir);
	sym_ctx_set_debug_info(ctx, false);
	addr = start + (off - page) + 4;
	sym_user_format(ctx, &b, 4242, addr, true);
	is_str(sbuf_str(&b), "uprog_lib_add+4", "fake maps: load bias from the mapping");
	ok(s != NULL, "symbol present");
	/* the pid disappears: cached mappings still resolve */
	ok(sym_preload_pid(ctx, 4242) == 0, "preload");
	unlink(p);
	sbuf_reset(&b);
	sym_user_format(ctx, &b, 4242, addr, true);
	is_str(sbuf_str(&b), "uprog_lib_add+4", "cached mappings survive the process");
	free(p);
	p = xasprintf("%s/4242", dir);
	rmdir(p);
	free(p);
	rmdir(dir);

	/* unknown pid: fall back to the probe's binary at link-time addresses */
	uelf_free(e);
	e = NULL;
	if (uelf_open(exe, &e) == 0 && (s = uelf_sym_by_name(e, "uprobe_func1"))) {
		sbuf_reset(&b);
		sym_user_format(ctx, &b, 4243, s->addr + 1, true);
		p = xasprintf("0x%llx", (unsigned long long)s->addr + 1);
		is_str(sbuf_str(&b), p, "no fallback: hex");
		free(p);
		sym_ctx_set_fallback_exe(ctx, exe);
		sbuf_reset(&b);
		sym_user_format(ctx, &b, 4243, s->addr + 1, true);
		is_str(sbuf_str(&b), "uprobe_func1+1", "fallback executable");
	}
	uelf_free(e);
	sbuf_fini(&b);
	sym_ctx_free(ctx);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s KALLSYMS SHARED_LIB NOPIE_EXE\n", argv[0]);
		return 2;
	}
	char *lib = realpath(argv[2], NULL), *exe = realpath(argv[3], NULL);

	test_kernel(argv[1]);
	test_build_id();
	test_self(lib);
	test_fake_proc(lib, exe);
	free(lib);
	free(exe);
	return done_testing();
}
