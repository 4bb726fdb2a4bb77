/* test_usdt_notes.c — USDT argument decoding (fixed strings) and note reading
 * (the probes compiled into tests/progs/uprog.c and uprog_lib.c).
 *
 * Usage: test_usdt_notes EXE SHARED_LIB */
#include <asm/ptrace.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/uelf.h"
#include "probes/usdt_notes.h"
#include "tap.h"
#include "util/util.h"

#define REG(r) ((int)offsetof(struct pt_regs, r))

static void roundtrip(const char *spec)
{
	struct usdt_arg a;
	char buf[64], sym[64];

	if (usdt_arg_parse(spec, &a, sym, sizeof(sym)) != 0) {
		ok(0, "parse '%s'", spec);
		return;
	}
	usdt_arg_format(&a, buf, sizeof(buf));
	is_str(buf, spec, "format(parse(x)) == x");
}

static void test_args(void)
{
	struct usdt_arg a, args[USDT_MAX_ARGS];
	char sym[64], pool[128];
	unsigned n;
	uint8_t sz;

	is_int(usdt_reg_offset("rdi", &sz), REG(rdi), "rdi offset");
	is_int(sz, 8, "rdi size");
	is_int(usdt_reg_offset("edi", &sz), REG(rdi), "edi offset");
	is_int(sz, 4, "edi size");
	is_int(usdt_reg_offset("r8d", &sz), REG(r8), "r8d offset");
	is_int(usdt_reg_offset("ah", &sz), REG(rax) + 1, "ah is the second byte of rax");
	is_int(usdt_reg_offset("sil", &sz), REG(rsi), "sil offset");
	is_int(usdt_reg_offset("rip", &sz), REG(rip), "rip offset");
	is_int(usdt_reg_offset("xmm0", &sz), -ENOENT, "unknown register");

	ok(usdt_arg_parse("-4@%edi", &a, sym, sizeof(sym)) == 0 && a.kind == USDT_ARG_REG &&
		   a.size == 4 && a.is_signed && a.base_off == REG(rdi) && a.base_size == 4,
	   "-4@%%edi: signed 4-byte register");
	ok(usdt_arg_parse("8@-8(%rbp)", &a, sym, sizeof(sym)) == 0 && a.kind == USDT_ARG_MEM &&
		   a.size == 8 && !a.is_signed && a.val == -8 && a.base_off == REG(rbp) &&
		   a.index_off == -1,
	   "8@-8(%%rbp): memory at rbp-8");
	ok(usdt_arg_parse("4@$5", &a, sym, sizeof(sym)) == 0 && a.kind == USDT_ARG_CONST &&
		   a.size == 4 && a.val == 5,
	   "4@$5: constant");
	ok(usdt_arg_parse("-4@$-17", &a, sym, sizeof(sym)) == 0 && a.val == -17 && a.is_signed,
	   "negative constant");
	ok(usdt_arg_parse("-8@16(%rax,%rdx,8)", &a, sym, sizeof(sym)) == 0 &&
		   a.kind == USDT_ARG_MEM && a.size == 8 && a.is_signed && a.val == 16 &&
		   a.base_off == REG(rax) && a.index_off == REG(rdx) && a.scale == 8,
	   "-8@16(%%rax,%%rdx,8): base + index * scale + disp");
	ok(usdt_arg_parse("1@(%rsi)", &a, sym, sizeof(sym)) == 0 && a.val == 0 &&
		   a.base_off == REG(rsi),
	   "1@(%%rsi): no displacement");
	ok(usdt_arg_parse("2@(%rax,%rcx)", &a, sym, sizeof(sym)) == 0 && a.scale == 1 &&
		   a.index_off == REG(rcx),
	   "index without scale");
	ok(usdt_arg_parse("8@counter(%rip)", &a, sym, sizeof(sym)) == 0 &&
		   a.kind == USDT_ARG_MEM && a.sym && strcmp(a.sym, "counter") == 0 &&
		   a.base_off == REG(rip) && a.val == 0,
	   "8@counter(%%rip): rip-relative symbol");
	ok(usdt_arg_parse("-4@tbl+8(%rip)", &a, sym, sizeof(sym)) == 0 && a.sym &&
		   strcmp(a.sym, "tbl") == 0 && a.val == 8,
	   "symbol plus offset");
	ok(usdt_arg_parse("%rdi", &a, sym, sizeof(sym)) == 0 && a.size == 8 && !a.is_signed &&
		   a.kind == USDT_ARG_REG,
	   "no size prefix: 8 bytes unsigned");
	ok(usdt_arg_parse("8@0x1000", &a, sym, sizeof(sym)) == 0 && a.kind == USDT_ARG_MEM &&
		   a.base_off == -1 && a.val == 0x1000,
	   "absolute address");
	is_int(usdt_arg_parse("3@%edi", &a, sym, sizeof(sym)), -EINVAL, "bad size");
	is_int(usdt_arg_parse("-4@%xyz", &a, sym, sizeof(sym)), -EINVAL, "bad register");
	is_int(usdt_arg_parse("4@$", &a, sym, sizeof(sym)), -EINVAL, "empty constant");
	is_int(usdt_arg_parse("4@8(%rbp", &a, sym, sizeof(sym)), -EINVAL, "unclosed paren");
	is_int(usdt_arg_parse("", &a, sym, sizeof(sym)), -EINVAL, "empty spec");

	roundtrip("-4@%edi");
	roundtrip("8@-8(%rbp)");
	roundtrip("4@$5");
	roundtrip("-8@16(%rax,%rdx,8)");
	roundtrip("8@sym+8(%rip)");

	ok(usdt_args_parse("  -4@%edi 8@-8(%rbp)\t4@$5 8@x(%rip) ", args, USDT_MAX_ARGS, &n, pool,
			   sizeof(pool)) == 0 &&
		   n == 4,
	   "argument string with 4 args");
	ok(n == 4 && args[3].sym && strcmp(args[3].sym, "x") == 0, "symbol stored in pool");
	ok(usdt_args_parse("", args, USDT_MAX_ARGS, &n, NULL, 0) == 0 && n == 0, "no args");
	is_int(usdt_args_parse("4@$1 4@$2 4@$3", args, 2, &n, NULL, 0), -E2BIG, "too many args");

	usdt_arg_parse("4@$-202182160", &a, sym, sizeof(sym));
	is_int(usdt_arg_const_value(&a), 4092785136LL, "unsigned 4-byte constant zero-extends");
	usdt_arg_parse("-2@$-3600", &a, sym, sizeof(sym));
	is_int(usdt_arg_const_value(&a), -3600, "signed 2-byte constant");
	usdt_arg_parse("1@$-16", &a, sym, sizeof(sym));
	is_int(usdt_arg_const_value(&a), 240, "unsigned byte constant");
	usdt_arg_parse("8@$-579005069656919568", &a, sym, sizeof(sym));
	is_int(usdt_arg_const_value(&a), -579005069656919568LL, "8-byte constant");
}

static const struct usdt_note *find(const struct usdt_notes *ns, const char *prov,
				    const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i].provider, prov) && !strcmp(ns->v[i].name, name))
			return &ns->v[i];
	return NULL;
}

static unsigned long long nm_addr(const char *path, const char *name)
{
	char *cmd = xasprintf("nm --defined-only '%s' 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	unsigned long long addr = 0, a;
	char line[512], type, sym[400];

	free(cmd);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %399s", &a, &type, sym) == 3 && !strcmp(sym, name))
			addr = a;
	pclose(f);
	return addr;
}

static void test_exe(const char *path)
{
	static const char *const want[] = {
		"uprog:const_arg", "uprog:global_arg", "uprog:no_args",
		"uprog:str_arg",   "uprog:three_args", "uprog:with_sema",
	};
	struct usdt_notes *ns = NULL;
	const struct usdt_note *n;
	struct strvec names = { 0 };
	struct ptrvec pv = { 0 };
	struct uelf *e = NULL;
	uint64_t off;
	size_t i;

	is_int(usdt_notes_read(path, &ns), 0, "read notes of uprog");
	if (!ns)
		return;
	uelf_open(path, &e);
	is_int((long long)usdt_notes_names(ns, NULL, NULL, &names), 6, "6 probes");
	for (i = 0; i < ARRAY_SIZE(want) && i < names.n; i++)
		is_str(names.v[i], want[i], "probe name, sorted");
	strvec_fini(&names);
	is_int((long long)usdt_notes_names(ns, "uprog", "*_arg", &names), 3, "glob *_arg");
	strvec_fini(&names);
	is_int((long long)usdt_notes_names(ns, "nope", NULL, &names), 0, "unknown provider");
	strvec_fini(&names);
	is_int((long long)usdt_notes_match(ns, "upr?g", "three*", &pv), 1, "match one site");
	ptrvec_fini(&pv);

	n = find(ns, "uprog", "no_args");
	ok(n && n->n_args == 0 && n->sema == 0 && !n->args_err, "no_args: no args, no semaphore");
	n = find(ns, "uprog", "const_arg");
	ok(n && n->n_args == 1 && n->args[0].kind == USDT_ARG_CONST && n->args[0].val == 5 &&
		   n->args[0].size == 4 && n->args[0].is_signed,
	   "const_arg: -4@$5 (%s)", n ? n->args_str : "-");
	n = find(ns, "uprog", "three_args");
	ok(n && n->n_args == 3 && n->args[0].size == 1 && n->args[0].is_signed &&
		   n->args[1].size == 2 && !n->args[1].is_signed && n->args[2].size == 8 &&
		   n->args[2].is_signed,
	   "three_args: int8, uint16, long (%s)", n ? n->args_str : "-");
	n = find(ns, "uprog", "str_arg");
	ok(n && n->n_args == 2 && n->args[0].size == 8 && !n->args[0].is_signed,
	   "str_arg: pointer arg (%s)", n ? n->args_str : "-");
	if (e && n) {
		const struct uelf_sym *s = uelf_sym_by_addr(e, n->pc);

		ok(s && strcmp(s->name, "uprobe_loop_body") == 0, "probe pc inside its function");
		ok(uelf_vaddr_to_offset(e, n->pc, &off) == 0 && off == n->pc_offset,
		   "pc_offset is the file offset of pc");
	}
	n = find(ns, "uprog", "global_arg");
	if (n && n->n_args == 1 && n->args[0].sym) {
		/* "-8@uprog_sink(%rip)": resolved relative to the probe address */
		unsigned long long sink = nm_addr(path, "uprog_sink");

		ok(n->args[0].is_ip_relative && !n->args_err, "global_arg: rip-relative resolved");
		ok(!sink || (uint64_t)((int64_t)n->pc + n->args[0].val) == sink,
		   "pc + val is the variable's address");
	} else {
		ok(n && n->n_args == 1, "global_arg: one register or memory arg (%s)",
		   n ? n->args_str : "-");
	}
	n = find(ns, "uprog", "with_sema");
	ok(n && n->sema != 0 && n->sema_offset != 0, "with_sema has a semaphore");
	if (n) {
		unsigned long long want_sema = nm_addr(path, "uprog_with_sema_semaphore");

		if (want_sema)
			ok(n->sema == want_sema, "semaphore address matches nm");
		if (e)
			ok(uelf_vaddr_to_offset(e, n->sema, &off) == 0 && off == n->sema_offset,
			   "sema_offset is the file offset of the semaphore");
		ok(n->sema_offset % 4096 == n->sema % 4096, "sema offset congruent mod page");
	}
	uelf_free(e);
	usdt_notes_free(ns);
}

/* -O0 keeps arguments in stack slots: memory operands off %rbp */
static void test_O0(const char *path)
{
	struct usdt_notes *ns = NULL;
	const struct usdt_note *n;

	is_int(usdt_notes_read(path, &ns), 0, "read notes of the -O0 build");
	if (!ns)
		return;
	n = find(ns, "uprog", "three_args");
	ok(n && n->n_args == 3 && !n->args_err, "three_args decoded (%s)", n ? n->args_str : "-");
	ok(n && n->args[0].kind == USDT_ARG_MEM && n->args[0].size == 1 && n->args[0].is_signed,
	   "first arg is a signed byte in memory");
	usdt_notes_free(ns);
}

static void test_lib(const char *path)
{
	struct usdt_notes *ns = NULL;
	const struct usdt_note *n;

	is_int(usdt_notes_read(path, &ns), 0, "read notes of the shared library");
	if (!ns)
		return;
	n = find(ns, "uprog_lib", "add");
	ok(n && n->n_args == 2 && n->args[0].size == 4 && n->args[0].is_signed &&
		   n->args[1].size == 4 && n->args[1].is_signed,
	   "uprog_lib:add has two int args (%s)", n ? n->args_str : "-");
	ok(n && n->pc_offset == n->pc, "library pc: offset equals address in the text segment");
	usdt_notes_free(ns);
}

int main(int argc, char **argv)
{
	struct usdt_notes *ns = (struct usdt_notes *)1;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EXE SHARED_LIB\n", argv[0]);
		return 2;
	}
	test_args();
	is_int(usdt_notes_read("/nonexistent/x", &ns), -ENOENT, "missing file");
	ok(ns == NULL, "no result on error");
	test_exe(argv[1]);
	test_lib(argv[2]);
	if (argc > 3)
		test_O0(argv[3]);
	return done_testing();
}
