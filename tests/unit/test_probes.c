/* test_probes.c — the probe registry and probe types against fixtures: lookup
 * by name/alias, glob matching, number parsing, expansion (wildcards, units,
 * errors), sections, tracepoint record layouts from tests/data/tracefs, raw
 * tracepoint args from an in-memory BTF, and -l output. No root, no /sys. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "ast/ast.h"
#include "probes/probe.h"
#include "tests/unit/tap.h"

#ifndef SCRY_TEST_DATA
#define SCRY_TEST_DATA "tests/data"
#endif

static struct ast_ctx cx;
static struct diag dg;
static char *diag_buf;
static size_t diag_size;
static FILE *diag_out;

/* An AST_ATTACH for "provider:part:part" (no quoting). */
static struct ast_node *mk_ap(const char *raw)
{
	struct loc loc = { 0 };
	struct ast_node *n = ast_new(&cx, AST_ATTACH, loc);
	char *copy = arena_strdup(&cx.arena, raw), *p, *save = NULL;
	const char **parts = arena_alloc(&cx.arena, 16 * sizeof(*parts));
	uint32_t np = 0;
	char *colon;

	n->attach.raw = str_intern0(&cx.arena, raw);
	colon = strchr(copy, ':');
	if (colon)
		*colon = 0;
	n->attach.provider = str_intern0(&cx.arena, copy);
	if (colon) {
		p = colon + 1;
		for (;;) {
			char *c = strchr(p, ':');

			if (c)
				*c = 0;
			parts[np++] = str_intern0(&cx.arena, p);
			if (!c)
				break;
			p = c + 1;
		}
	}
	(void)save;
	n->attach.parts = parts;
	n->attach.n_parts = np;
	n->attach.has_wildcard = strchr(raw, '*') != NULL;
	return n;
}

static void diag_reset(void)
{
	if (diag_out)
		fclose(diag_out);
	free(diag_buf);
	diag_buf = NULL;
	diag_size = 0;
	diag_out = open_memstream(&diag_buf, &diag_size);
	diag_init(&dg, diag_out);
	dg.quiet_locs = true;
}

static const char *diag_text(void)
{
	fflush(diag_out);
	return diag_buf ? diag_buf : "";
}

/* Expands @raw; returns the targets (vector reset each call). */
static struct ptrvec targets;
static int expand(const struct probe_env *env, const char *raw)
{
	struct ast_node *ap = mk_ap(raw);
	const struct probe_ops *ops = probe_lookup(ap->attach.provider);

	targets.n = 0;
	diag_reset();
	if (!ops)
		return -ENOENT;
	return ops->expand(env, ap, &targets, &cx.arena, &dg);
}

static struct probe_target *tgt(size_t i)
{
	return i < targets.n ? targets.v[i] : NULL;
}

static const struct type_field *field(const struct type *t, const char *name)
{
	for (uint32_t i = 0; t && i < t->n_fields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static char *list(const struct probe_env *env, const char *pattern, bool verbose)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	probe_list_all(env, pattern, verbose, f);
	fclose(f);
	return buf;
}

static struct btf *test_btf;
static struct btf *get_test_btf(void *cookie)
{
	return cookie;
}

/* A tiny vmlinux-like BTF: two raw tracepoints and two functions. */
static struct btf *make_btf(void)
{
	struct btf *b = btf__new_empty();
	int t_int, t_ulong, t_char, t_cptr, t_void_ptr, t_task, t_task_ptr, proto, proto2, fproto, t_bpfptr;

	t_int = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	t_ulong = btf__add_int(b, "long unsigned int", 8, 0);
	t_char = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	t_cptr = btf__add_ptr(b, btf__add_const(b, t_char));
	t_void_ptr = btf__add_ptr(b, 0);
	t_task = btf__add_struct(b, "task_struct", 64);
	t_task_ptr = btf__add_ptr(b, t_task);
	/* void (*)(void *__data, bool preempt, struct task_struct *prev, ...) */
	proto = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "__data", t_void_ptr);
	btf__add_func_param(b, "preempt", t_int);
	btf__add_func_param(b, "prev", t_task_ptr);
	btf__add_func_param(b, "next", t_task_ptr);
	btf__add_func(b, "__probestub_sched_switch", BTF_FUNC_STATIC, proto);
	proto2 = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "__data", t_void_ptr);
	btf__add_func_param(b, "name", t_cptr);
	btf__add_func_param(b, "len", t_ulong);
	btf__add_func(b, "__probestub_sys_enter", BTF_FUNC_STATIC, proto2);
	fproto = btf__add_func_proto(b, t_ulong);
	btf__add_func_param(b, "count", t_ulong);
	btf__add_func(b, "vfs_read", BTF_FUNC_GLOBAL, fproto);
	btf__add_func(b, "vfs_write", BTF_FUNC_GLOBAL, fproto);
	btf__add_struct(b, "bpf_iter__task", 16);
	btf__add_struct(b, "bpf_iter__task__safe_trusted", 16);
	/* int __sys_bpf(int cmd, bpfptr_t uattr, unsigned int size): a 16-byte
	 * struct passed by value takes two trampoline slots */
	t_bpfptr = btf__add_struct(b, "bpfptr", 16);
	btf__add_field(b, "kernel", t_void_ptr, 0, 0);
	btf__add_field(b, "is_kernel", t_int, 64, 0);
	fproto = btf__add_func_proto(b, t_int);
	btf__add_func_param(b, "cmd", t_int);
	btf__add_func_param(b, "uattr", t_bpfptr);
	btf__add_func_param(b, "size", t_int);
	btf__add_func(b, "__sys_bpf", BTF_FUNC_GLOBAL, fproto);
	return b;
}

static void test_registry(void)
{
	static const char *const names[][2] = {
		{ "kprobe", "kprobe" },         { "k", "kprobe" },        { "kr", "kretprobe" },
		{ "u", "uprobe" },              { "U", "usdt" },          { "ur", "uretprobe" },
		{ "t", "tracepoint" },          { "rt", "rawtracepoint" }, { "p", "profile" },
		{ "i", "interval" },            { "s", "software" },      { "h", "hardware" },
		{ "w", "watchpoint" },          { "f", "fentry" },        { "kfunc", "fentry" },
		{ "fr", "fexit" },              { "kretfunc", "fexit" },  { "it", "iter" },
		{ "BEGIN", "begin" },           { "END", "end" },         { "begin", "begin" },
		{ "Tracepoint", "tracepoint" }, { "self", "self" },     { "bench", "bench" },
		{ "test", "test" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct probe_ops *ops = probe_lookup(names[i][0]);
		char msg[64];

		snprintf(msg, sizeof(msg), "lookup %s", names[i][0]);
		is_str(ops ? ops->name : NULL, names[i][1], msg);
	}
	ok(probe_lookup("kpro") == NULL, "no prefix lookup");
	ok(probe_lookup("nope") == NULL, "unknown provider");
	ok(probe_lookup(NULL) == NULL, "NULL name");
	{
		size_t n = 0;

		while (probe_registry[n])
			n++;
		is_int((long long)n, 20, "registry size (with test and bench)");
	}
}

static void test_glob(void)
{
	ok(probe_glob_match("sys_enter_*", "sys_enter_openat"), "glob star");
	ok(!probe_glob_match("sys_enter_*", "sys_exit_openat"), "glob star mismatch");
	ok(probe_glob_match("*open*", "sys_enter_openat"), "glob inner");
	ok(probe_glob_match("*:*", "syscalls:sys_enter_read"), "glob colon");
	ok(probe_glob_match("*", ""), "glob empty");
	ok(probe_glob_match("sys_?xit_read", "sys_exit_read"), "glob ?");
	ok(probe_glob_match("vfs_rea[dl]", "vfs_read"), "glob class");
	ok(!probe_glob_match("vfs_rea[!d]", "vfs_read"), "glob negated class");
	ok(probe_glob_match("a*b*c", "aXXbYYbZc"), "glob backtrack");
	ok(!probe_glob_match("a*b*c", "aXXbYYbZ"), "glob backtrack fail");
	ok(probe_glob_match("exact", "exact") && !probe_glob_match("exact", "exactly"), "glob exact");
	ok(probe_has_wildcard("a*") && probe_has_wildcard("[ab]") && !probe_has_wildcard("ab") &&
	   !probe_has_wildcard("a[") && !probe_has_wildcard(NULL), "has_wildcard");
}

static void test_parse_uint(void)
{
	uint64_t v = 0;
	const char *why;

	ok(probe_parse_uint("99", &v, &why) == 0 && v == 99, "uint decimal");
	ok(probe_parse_uint("0x10", &v, &why) == 0 && v == 16, "uint hex");
	ok(probe_parse_uint("1_000", &v, &why) == 0 && v == 1000, "uint underscores");
	ok(probe_parse_uint("1e6", &v, &why) == 0 && v == 1000000, "uint exponent");
	ok(probe_parse_uint("1s", &v, &why) == 0 && v == 1000000000ULL, "uint 1s");
	ok(probe_parse_uint("5ms", &v, &why) == 0 && v == 5000000ULL, "uint 5ms");
	ok(probe_parse_uint("3us", &v, &why) == 0 && v == 3000, "uint 3us");
	ok(probe_parse_uint("010", &v, &why) == 0 && v == 8, "uint octal");
	ok(probe_parse_uint("abc", &v, &why) == -EINVAL && strcmp(why, "invalid integer") == 0,
	   "uint invalid");
	ok(probe_parse_uint("12abc", &v, &why) == -EINVAL &&
	   strcmp(why, "invalid trailing bytes") == 0, "uint trailing");
	ok(probe_parse_uint("", &v, &why) == -EINVAL, "uint empty");
}

static void test_special(const struct probe_env *env)
{
	struct probe_ctx ctx;

	ok(expand(env, "BEGIN") == 0 && targets.n == 1, "BEGIN expands");
	is_str(tgt(0) ? tgt(0)->full : NULL, "begin", "begin full name");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "raw_tp", "begin section");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0 && ctx.kind == PCTX_NONE,
	   "begin context");
	ok(tgt(0)->ops->attach(NULL, tgt(0), NULL) == -EINVAL, "begin attach refuses");
	ok(expand(env, "end") == 0 && targets.n == 1, "end expands");
	is_str(tgt(0)->full, "end", "end full name");
	ok(expand(env, "begin:*") == 0 && targets.n == 1, "begin:* accepted");
	ok(expand(env, "begin:foo") == -EINVAL, "begin:foo rejected");
	ok(strstr(diag_text(), "begin probe type requires 0 arguments, found 1") != NULL,
	   "begin arg count message");
	ok(expand(env, "self:signal:SIGUSR1") == 0 && targets.n == 1, "self:signal:SIGUSR1");
	is_str(tgt(0)->full, "self:signal:SIGUSR1", "self full name");
	ok(expand(env, "self:signal:SIGHUP") == -EINVAL &&
	   strstr(diag_text(), "SIGHUP is not a supported signal"), "self bad signal");
	ok(expand(env, "self:timer:x") == -EINVAL &&
	   strstr(diag_text(), "timer is not a supported trigger"), "self bad trigger");
}

static const struct probe_ops *tracepoint_ops(void)
{
	return probe_lookup("tracepoint");
}

static void test_tracepoint(const struct probe_env *env)
{
	struct probe_ctx ctx;
	const struct type_field *f;
	const struct probe_target *t;

	ok(expand(env, "tracepoint:syscalls:sys_enter_openat") == 0 && targets.n == 1,
	   "exact tracepoint");
	t = tgt(0);
	is_str(t->target, "syscalls:sys_enter_openat", "tp target");
	is_str(t->func, "sys_enter_openat", "tp func");
	is_str(t->full, "tracepoint:syscalls:sys_enter_openat", "tp full");
	is_str(t->ops->section(t, &cx.arena), "tracepoint/syscalls/sys_enter_openat", "tp section");

	ok(expand(env, "t:syscalls:sys_enter_*") == 0 && targets.n == 2, "tp event wildcard");
	is_str(tgt(0) ? tgt(0)->target : NULL, "syscalls:sys_enter_openat", "tp wildcard sorted 0");
	is_str(tgt(1) ? tgt(1)->target : NULL, "syscalls:sys_enter_read", "tp wildcard sorted 1");
	ok(expand(env, "t:sys*:*_read") == 0 && targets.n == 2, "tp both parts wildcard");
	ok(expand(env, "tracepoint:*:*") == 0 && targets.n == 8, "tp *:*");
	ok(expand(env, "t:sched_sw*") == 0 && targets.n == 1, "tp one-part wildcard");
	ok(expand(env, "t:syscalls:nonsense") == 0 && targets.n == 0, "tp missing: no targets");
	ok(expand(env, "t:nonsense:*") == 0 && targets.n == 0, "tp missing category");
	ok(expand(env, "t:syscalls") == -EINVAL &&
	   strstr(diag_text(), "tracepoint probe type requires 2 arguments, found 1"),
	   "tp arg count");
	ok(expand(env, "t:a:b:c") == -EINVAL, "tp too many parts");

	{
		const char *why = NULL;
		struct probe_env none = *env;

		ok(tracepoint_ops()->available(env, &why) == 0, "tracepoint available with a tracefs");
		none.tracefs = "/nonexistent";
		ok(tracepoint_ops()->available(&none, &why) < 0 && why && strstr(why, "tracefs"),
		   "tracepoint unavailable without tracefs");
	}

	/* record layout of sys_enter_openat */
	expand(env, "t:syscalls:sys_enter_openat");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0, "tp context");
	ok(ctx.kind == PCTX_TRACEPOINT && ctx.has_args && ctx.args, "tp context kind");
	is_int(ctx.args->kind, TY_STRUCT, "args is a struct");
	is_int(ctx.args->n_fields, 9, "9 fields with common_*");
	is_int(ctx.args->size, 48, "record size");
	ok(ctx.args->is_ctx && ctx.args->as == AS_USER, "syscalls args: ctx, user");
	f = field(ctx.args, "common_type");
	ok(f && f->offset == 0 && f->type->kind == TY_INT && f->type->size == 2 &&
	   !f->type->is_signed, "common_type u16 at 0");
	f = field(ctx.args, "common_pid");
	ok(f && f->offset == 4 && f->type->size == 4 && f->type->is_signed, "common_pid s32 at 4");
	f = field(ctx.args, "__syscall_nr");
	ok(f && f->offset == 8 && f->type->size == 4 && f->type->is_signed, "__syscall_nr");
	f = field(ctx.args, "dfd");
	ok(f && f->offset == 16 && f->type->kind == TY_INT && f->type->size == 8 &&
	   !f->type->is_signed, "dfd: int widened to the format's 8 bytes, unsigned");
	f = field(ctx.args, "filename");
	ok(f && f->offset == 24 && f->type->kind == TY_POINTER && f->type->size == 8,
	   "filename pointer");
	ok(f && f->type->elem && f->type->elem->kind == TY_INT && f->type->elem->size == 1,
	   "filename points to char");
	ok(f && f->type->as == AS_USER, "syscalls pointer is a user pointer");
	f = field(ctx.args, "mode");
	ok(f && f->offset == 40 && f->type->kind == TY_INT && f->type->size == 8, "mode umode_t");

	/* char arrays are strings */
	expand(env, "t:sched:sched_switch");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0, "sched_switch context");
	ok(ctx.args->as == AS_KERNEL, "sched args: kernel");
	f = field(ctx.args, "prev_comm");
	ok(f && f->offset == 8 && f->type->kind == TY_STRING && f->type->size == 16,
	   "prev_comm string[16]");
	f = field(ctx.args, "prev_state");
	ok(f && f->offset == 32 && f->type->size == 8 && f->type->is_signed, "prev_state long");
	f = field(ctx.args, "next_pid");
	ok(f && f->offset == 56 && f->type->size == 4 && f->type->is_signed, "next_pid pid_t");
	is_int(ctx.args->size, 64, "sched_switch size");

	/* __data_loc */
	expand(env, "t:sched:sched_process_exec");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0, "process_exec context");
	f = field(ctx.args, "filename");
	ok(f && f->is_data_loc && f->offset == 8 && f->type->kind == TY_INT && f->type->size == 8,
	   "__data_loc filename: int64 data_loc");
	f = field(ctx.args, "old_pid");
	ok(f && !f->is_data_loc && f->offset == 16, "old_pid");

	/* other arrays */
	expand(env, "t:sock:inet_sock_set_state");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0, "inet_sock_set_state ctx");
	f = field(ctx.args, "saddr");
	ok(f && f->type->kind == TY_ARRAY && f->type->n == 4 && f->type->elem->size == 1 &&
	   f->offset == 32, "saddr u8[4]");
	f = field(ctx.args, "saddr_v6");
	ok(f && f->type->kind == TY_ARRAY && f->type->n == 16 && f->type->size == 16, "saddr_v6");
	f = field(ctx.args, "skaddr");
	ok(f && f->type->kind == TY_POINTER && f->type->elem->kind == TY_VOID &&
	   f->type->as == AS_KERNEL, "skaddr const void *");
	f = field(ctx.args, "sport");
	ok(f && f->type->size == 2 && !f->type->is_signed, "sport __u16");

	/* a missing format */
	{
		struct probe_target fake = *tgt(0);

		fake.target = "nope:nope";
		fake.priv = NULL;
		diag_reset();
		ok(fake.ops->context(env, &fake, &ctx, &cx.arena, &dg) == -ENOENT &&
		   strstr(diag_text(), "Tracepoint not found: nope:nope"), "missing tracepoint");
	}
}

static void test_timed(const struct probe_env *env)
{
	const struct probe_target *t;

	ok(expand(env, "interval:s:1") == 0 && targets.n == 1, "interval:s:1");
	t = tgt(0);
	is_str(t->full, "interval:s:1", "interval full");
	ok(t->period == 1000000000ULL && !t->is_freq, "interval s period");
	ok(t->event_type == PERF_TYPE_SOFTWARE && t->event_config == PERF_COUNT_SW_CPU_CLOCK,
	   "interval cpu-clock");
	is_str(t->ops->section(t, &cx.arena), "perf_event", "interval section");
	ok(expand(env, "i:ms:100") == 0 && tgt(0)->period == 100000000ULL, "i:ms:100");
	is_str(tgt(0)->full, "interval:ms:100", "i alias full name is canonical");
	ok(expand(env, "i:us:250") == 0 && tgt(0)->period == 250000, "i:us:250");
	ok(expand(env, "i:hz:50") == 0 && tgt(0)->period == 50 && tgt(0)->is_freq, "i:hz:50");
	ok(expand(env, "interval:1s") == 0 && tgt(0)->period == 1000000000ULL, "interval:1s");
	is_str(tgt(0)->full, "interval:us:1000000", "interval:1s named in us");
	ok(expand(env, "interval:1000000000") == 0 && tgt(0)->period == 1000000000ULL,
	   "interval:<ns>");
	ok(expand(env, "i:1") == -EINVAL &&
	   strstr(diag_text(), "Invalid rate of interval probe. Minimum is 1000 or 1us. Found: 1 nanoseconds"),
	   "interval:1 too small");
	ok(expand(env, "i:m:1") == -EINVAL && strstr(diag_text(), "m is not an accepted unit of time"),
	   "bad unit");
	ok(expand(env, "i:s:abc") == -EINVAL &&
	   strstr(diag_text(), "Invalid rate of interval probe: invalid integer: abc"), "bad count");
	ok(expand(env, "i:s:0") == -EINVAL &&
	   strstr(diag_text(), "interval frequency should be a positive integer"), "zero count");
	ok(expand(env, "interval") == -EINVAL &&
	   strstr(diag_text(), "interval probe type requires 1 or 2 arguments, found 0"),
	   "missing period");
	ok(expand(env, "i:s:1:2") == -EINVAL, "too many parts");

	ok(expand(env, "profile:hz:99") == 0 && tgt(0)->period == 99 && tgt(0)->is_freq,
	   "profile:hz:99");
	is_str(tgt(0)->full, "profile:hz:99", "profile full");
	ok(expand(env, "p:ms:10") == 0 && tgt(0)->period == 10000000ULL, "p:ms:10");
	ok(expand(env, "p:s:2") == 0 && tgt(0)->period == 2000000000ULL, "p:s:2");
	ok(expand(env, "p:us:3") == 0 && tgt(0)->period == 3000, "p:us:3");
	ok(expand(env, "profile:99") == -EINVAL, "profile:99 is 99 ns: too small");
	ok(expand(env, "profile:hz") == -EINVAL, "profile:hz without count");
}

static void test_perf(const struct probe_env *env)
{
	const struct probe_target *t;

	ok(expand(env, "software:cpu-clock:1000") == 0 && targets.n == 1, "software:cpu-clock:1000");
	t = tgt(0);
	ok(t->period == 1000 && t->event_type == PERF_TYPE_SOFTWARE &&
	   t->event_config == PERF_COUNT_SW_CPU_CLOCK, "cpu-clock event");
	is_str(t->full, "software:cpu-clock:1000", "software full");
	is_str(t->ops->section(t, &cx.arena), "perf_event", "software section");
	ok(expand(env, "s:faults:1") == 0 && tgt(0)->event_config == PERF_COUNT_SW_PAGE_FAULTS &&
	   tgt(0)->period == 1, "s:faults:1");
	is_str(tgt(0)->full, "software:faults:1", "alias kept in full name");
	ok(expand(env, "software:cpu:100000") == 0, "software:cpu:100000");
	is_str(tgt(0)->full, "software:cpu:100000", "software:cpu full");
	ok(expand(env, "s:page-faults") == 0 && tgt(0)->period == 100, "default count page-faults");
	is_str(tgt(0)->full, "software:page-faults", "no count: no count in name");
	ok(expand(env, "s:cs") == 0 && tgt(0)->period == 1000 &&
	   tgt(0)->event_config == PERF_COUNT_SW_CONTEXT_SWITCHES, "cs default 1000");
	ok(expand(env, "s:cpu-clock") == 0 && tgt(0)->period == 1000000, "cpu-clock default");
	ok(expand(env, "s:major-faults") == 0 && tgt(0)->period == 1 &&
	   tgt(0)->event_config == PERF_COUNT_SW_PAGE_FAULTS_MAJ, "major-faults");
	ok(expand(env, "s:minor-faults:*") == 0 && tgt(0)->period == 100, "count '*' = default");
	ok(expand(env, "s:bpf-output") == 0 && tgt(0)->event_config == PERF_COUNT_SW_BPF_OUTPUT,
	   "bpf-output");
	ok(expand(env, "s:nope:1") == -EINVAL && strstr(diag_text(), "nope is not a software probe"),
	   "unknown software event");
	ok(expand(env, "s:cpu*") == -EINVAL &&
	   strstr(diag_text(), "wildcards are not allowed for software probe type"), "sw wildcard");
	ok(expand(env, "s:cpu:x") == -EINVAL &&
	   strstr(diag_text(), "Invalid count for software probe: invalid integer: x"), "sw bad count");

	ok(expand(env, "hardware:cycles:1000") == 0 && tgt(0)->event_type == PERF_TYPE_HARDWARE &&
	   tgt(0)->event_config == PERF_COUNT_HW_CPU_CYCLES && tgt(0)->period == 1000,
	   "hardware:cycles");
	ok(expand(env, "h:branches") == 0 &&
	   tgt(0)->event_config == PERF_COUNT_HW_BRANCH_INSTRUCTIONS && tgt(0)->period == 100000,
	   "h:branches default");
	ok(expand(env, "h:ref-cycles") == 0 && tgt(0)->event_config == PERF_COUNT_HW_REF_CPU_CYCLES,
	   "ref-cycles");
	ok(expand(env, "h:frontend-stalls") == 0 &&
	   tgt(0)->event_config == PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, "frontend-stalls");
	ok(expand(env, "h:bogus") == -EINVAL && strstr(diag_text(), "bogus is not a hardware probe"),
	   "unknown hardware event");
}

static void test_rawtp(const struct probe_env *env)
{
	struct probe_ctx ctx;
	const struct type_field *f;

	ok(expand(env, "rawtracepoint:sched_switch") == 0 && targets.n == 1, "rt exact");
	is_str(tgt(0)->full, "rawtracepoint:vmlinux:sched_switch", "rt full has module");
	is_str(tgt(0)->target, "sched_switch", "rt target");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "tp_btf/sched_switch", "rt section (BTF raw tracepoint)");
	ok(expand(env, "rt:vmlinux:sys_*") == 0 && targets.n == 1, "rt module + wildcard");
	ok(expand(env, "rt:*") == 0 && targets.n == 2, "rt *");
	ok(expand(env, "rt:nonsense") == 0 && targets.n == 0, "rt missing");
	expand(env, "rt:sched_switch");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0 && ctx.kind == PCTX_RAW_TP,
	   "rt context");
	ok(ctx.has_args && ctx.args && ctx.args->n_fields == 3, "rt args skip __data");
	is_int(ctx.max_argn, 3, "rt max_argn");
	f = field(ctx.args, "preempt");
	ok(f && f->offset == 0 && f->type->kind == TY_INT && f->type->size == 4, "rt preempt");
	f = field(ctx.args, "next");
	ok(f && f->offset == 16 && f->type->kind == TY_POINTER &&
	   f->type->elem->kind == TY_STRUCT && strcmp(f->type->elem->name, "struct task_struct") == 0 &&
	   f->type->elem->btf_id > 0, "rt next: struct task_struct * with btf id");
}

static void test_fentry_misc(const struct probe_env *env)
{
	struct probe_ctx ctx;

	ok(expand(env, "fentry:vfs_read") == 0 && targets.n == 1, "fentry exact");
	is_str(tgt(0)->full, "fentry:vmlinux:vfs_read", "fentry full");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "fentry/vfs_read", "fentry section");
	ok(expand(env, "kfunc:vfs_*") == 0 && targets.n == 2, "kfunc wildcard (traceable only)");
	ok(expand(env, "fexit:vfs_read") == 0 && tgt(0)->is_ret, "fexit");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0 &&
	   ctx.kind == PCTX_TRAMPOLINE && ctx.args && ctx.args->n_fields == 2 &&
	   field(ctx.args, "retval") && field(ctx.args, "count"), "fexit args + retval");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "fexit/vfs_read", "fexit section");
	ok(expand(env, "fexit:__sys_bpf") == 0 && targets.n == 1 &&
	   tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0 && ctx.args &&
	   ctx.args->n_fields == 4, "fexit __sys_bpf: 3 args + retval");
	ok(field(ctx.args, "cmd") && field(ctx.args, "cmd")->offset == 0 &&
	   field(ctx.args, "uattr") && field(ctx.args, "uattr")->offset == 8 &&
	   field(ctx.args, "size") && field(ctx.args, "size")->offset == 24 &&
	   field(ctx.args, "retval") && field(ctx.args, "retval")->offset == 32,
	   "a 16-byte argument takes two slots");

	ok(expand(env, "kprobe:vfs_read") == 0 && targets.n == 1, "kprobe exact");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "kprobe/vfs_read", "kprobe section");
	ok(expand(env, "k:vfs_read+16") == 0 && tgt(0)->offset == 16, "kprobe offset");
	is_str(tgt(0)->full, "kprobe:vfs_read+16", "kprobe offset name");
	ok(expand(env, "kprobe:vmlinux:vfs_read") == 0 && targets.n == 1, "kprobe module:func");
	is_str(tgt(0)->full, "kprobe:vmlinux:vfs_read", "kprobe module in the name");
	is_str(tgt(0)->target, "vfs_read", "kprobe module: target is the function");
	ok(expand(env, "kprobe:xfs:*read*") == 0 && targets.n == 1, "kprobe module wildcard");
	is_str(tgt(0)->full, "kprobe:xfs:xfs_file_read_iter", "kprobe module wildcard name");
	ok(expand(env, "kprobe:nonsense") == 0 && targets.n == 0 &&
	   strstr(diag_text(), "WARNING: nonsense is not traceable (either non-existing, inlined, or marked as \"notrace\")"),
	   "kprobe on an untraceable function: warning, no target");
	ok(expand(env, "kretprobe:rcu_read_lock") == 0 && targets.n == 0, "kretprobe rcu_*: no target");
	ok(expand(env, "kprobe:vmlinux:xfs_file_read_iter") == 0 && targets.n == 0,
	   "kprobe in the wrong module: no target");
	ok(expand(env, "kprobe:xfs:xfs_file_read_iter") == 0 && targets.n == 1, "kprobe module:func exact");
	ok(expand(env, "kprobe:nonsense:vfs_read") == -ENOENT &&
	   strstr(diag_text(), "specified module nonsense in probe kprobe:nonsense:vfs_read is not loaded."),
	   "kprobe in a module that is not loaded");
	ok(expand(env, "kretprobe:xf:xfs_file_read_iter") == -ENOENT &&
	   strstr(diag_text(), "did you mean 'kretprobe:xfs:xfs_file_read_iter'?"),
	   "kretprobe in a module that is not loaded: did you mean");
	ok(expand(env, "kprobe:vfs_rea*") == 0 && targets.n == 2 && !strcmp(tgt(0)->target, "vfs_read") &&
	   !strcmp(tgt(1)->target, "vfs_readv"), "kprobe wildcard: a name in two modules once");
	ok(expand(env, "kr:vfs_read+16") == -EINVAL, "kretprobe offset rejected");
	ok(expand(env, "kr:vfs_*") == 0 && targets.n == 3, "kretprobe wildcard");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "kretprobe/vfs_read", "kretprobe section");
	ok(expand(env, "k:do_sys_open*") == 0 && targets.n == 0, ".part. functions skipped");
	/* uprobe/usdt expansion reads real binaries: covered by test_utargets and the
	 * runtime suite; here only that a missing binary is an error, not a target. */
	ok(expand(env, "uprobe:/nonexistent/bin:readline") < 0 && targets.n == 0,
	   "uprobe on a missing binary fails");
	ok(expand(env, "U:/nonexistent/bin:prov:probe") < 0 && targets.n == 0,
	   "usdt on a missing binary fails");
	ok(expand(env, "iter:task") == 0 && targets.n == 1, "iter");
	is_str(tgt(0)->ops->section(tgt(0), &cx.arena), "iter/task", "iter section");
	ok(tgt(0)->ops->context(env, tgt(0), &ctx, &cx.arena, &dg) == 0 && ctx.kind == PCTX_ITER &&
	   ctx.args && ctx.args->btf_id > 0 && strcmp(ctx.args->name, "struct bpf_iter__task") == 0,
	   "iter context: struct bpf_iter__task");
	ok(expand(env, "it:task*") == -EINVAL, "iter wildcard rejected");
	ok(expand(env, "watchpoint:0x1000:8:rw") == 0 && tgt(0)->offset == 0x1000, "watchpoint");
	ok(expand(env, "w:0x1000:3:rw") == -EINVAL, "watchpoint bad len");
}

static void test_list(const struct probe_env *env)
{
	char *s;

	s = list(env, "tracepoint:syscalls:sys_enter_*", false);
	is_str(s, "tracepoint:syscalls:sys_enter_openat\ntracepoint:syscalls:sys_enter_read\n",
	       "-l tracepoint:syscalls:sys_enter_*");
	free(s);
	s = list(env, "t:*read", false);
	is_str(s, "tracepoint:syscalls:sys_enter_read\ntracepoint:syscalls:sys_exit_read\n",
	       "-l t:*read (alias, one part)");
	free(s);
	s = list(env, "tracepoint:sched:sched_wakeup", true);
	is_str(s,
	       "tracepoint:sched:sched_wakeup\n    char comm[16]\n    pid_t pid\n    int prio\n"
	       "    int target_cpu\n",
	       "-lv tracepoint args");
	free(s);
	s = list(env, "software:*", false);
	ok(strstr(s, "software:cpu:\n") && strstr(s, "software:cpu-clock:\n") &&
	   strstr(s, "software:faults:\n") && strncmp(s, "software:alignment-faults:\n", 27) == 0,
	   "-l software:*");
	free(s);
	s = list(env, "interval:*", false);
	is_str(s, "interval:hz:\ninterval:ms:\ninterval:s:\ninterval:us:\n", "-l interval:*");
	free(s);
	s = list(env, "hardware:*cycles*", false);
	is_str(s, "hardware:bus-cycles:\nhardware:cpu-cycles:\nhardware:cycles:\nhardware:ref-cycles:\n",
	       "-l hardware:*cycles*");
	free(s);
	s = list(env, "rawtracepoint:*", true);
	is_str(s,
	       "rawtracepoint:vmlinux:sched_switch\n    int preempt\n    struct task_struct * prev\n"
	       "    struct task_struct * next\nrawtracepoint:vmlinux:sys_enter\n"
	       "    const char * name\n    long unsigned int len\n",
	       "-lv rawtracepoint:*");
	free(s);
	s = list(env, "*sched_switch*", false);
	is_str(s, "rawtracepoint:vmlinux:sched_switch\ntracepoint:sched:sched_switch\n",
	       "-l *sched_switch* across types, sorted by type");
	free(s);
	s = list(env, "*vfs_read", false);
	is_str(s, "fentry:vmlinux:vfs_read\nkprobe:vfs_read\n", "-l *vfs_read: fentry + kprobe");
	free(s);
	s = list(env, "fentry:vfs_read", true);
	is_str(s, "fentry:vmlinux:vfs_read\n    long unsigned int count\n", "-lv fentry: no retval");
	free(s);
	s = list(env, "fexit:vmlinux:vfs_write", true);
	is_str(s, "fexit:vmlinux:vfs_write\n    long unsigned int count\n    long unsigned int retval\n",
	       "-lv fexit: with retval");
	free(s);
	s = list(env, "struct task_*", false);
	is_str(s, "struct task_struct\n", "-l struct task_*");
	free(s);
	s = list(env, "struct task_struct", true);
	ok(s && strncmp(s, "struct task_struct {\n", 21) == 0 && strstr(s, "};\n\n"),
	   "-lv struct task_struct prints the definition");
	free(s);
	s = list(env, "kprobe:vfs_read", true);
	is_str(s, "kprobe:vfs_read\n    long unsigned int arg0\n", "-lv kprobe: argN");
	free(s);
	s = list(env, "kretprobe:vfs_read", true);
	is_str(s, "kretprobe:vfs_read\n    long unsigned int retval\n", "-lv kretprobe: retval");
	free(s);
	s = list(env, "iter:*", false);
	is_str(s, "iter:task\n", "-l iter:*");
	free(s);
	s = list(env, "kprobe:*", false);
	ok(!strstr(s, "__ftrace_invalid_address__") && strstr(s, "kprobe:vfs_readv\n") &&
	   strstr(s, "kprobe:xfs_file_read_iter\n"), "-l kprobe:* hides invalid addresses");
	free(s);
	s = list(env, "kprobe:*", false);
	ok(!strstr(s, "rcu_read_lock") && !strstr(s, "kp_blocked_fn") && strstr(s, "kprobe:vfs_read\n"),
	   "-l kprobe:* hides rcu_* and kprobes/blacklist functions");
	free(s);
	s = list(env, "self:*", false);
	is_str(s, "self:signal:SIGUSR1\n", "-l self:*");
	free(s);
	s = list(env, "t:nope:*, s:cs*", false);
	is_str(s, "software:cs:\n", "comma-separated patterns");
	free(s);
	s = list(env, NULL, false);
	ok(strstr(s, "tracepoint:syscalls:sys_exit_read\n") && strstr(s, "software:cpu:\n") &&
	   strstr(s, "hardware:cycles:\n") && !strstr(s, "interval:") && !strstr(s, "fexit:"),
	   "-l lists kernel types only");
	ok(strstr(s, "fentry:") < strstr(s, "hardware:") && strstr(s, "hardware:") < strstr(s, "iter:") &&
	   strstr(s, "rawtracepoint:") < strstr(s, "software:") &&
	   strstr(s, "software:") < strstr(s, "\ntracepoint:"), "-l type order");
	free(s);
}

/* "did you mean" for each probe type that has a list of names to search. */
static const char *suggest(const struct probe_env *env, const char *raw)
{
	struct ast_node *ap = mk_ap(raw);
	const struct probe_ops *ops = probe_lookup(ap->attach.provider);
	const char *r = ops && ops->suggest ? ops->suggest(env, ap, &cx.arena) : NULL;

	return r ? r : "(none)";
}

static void test_suggest(const struct probe_env *env)
{
	struct strvec all = { 0 };
	const char *r;

	strvec_push(&all, "ext4:ext4_file_open");
	strvec_push(&all, "vmlinux:vfs_open");
	strvec_push(&all, "vmlinux:vfs_read");
	r = probe_suggest_in(&all, NULL, "vfs_raed", &cx.arena);
	is_str(r, "vfs_read", "suggest_in: a name of any module");
	r = probe_suggest_in(&all, "ext4", "ext4_file_opne", &cx.arena);
	is_str(r, "ext4:ext4_file_open", "suggest_in: a name in the module");
	r = probe_suggest_in(&all, "ext3", "ext4_file_open", &cx.arena);
	is_str(r, "ext4:ext4_file_open", "suggest_in: the module that has the name");
	ok(!probe_suggest_in(&all, "vmlinux", "ext4_file_open", &cx.arena),
	   "suggest_in: only within a module that exists");
	ok(!probe_suggest_in(&all, NULL, "vfs_*", &cx.arena), "suggest_in: not for a wildcard");
	ok(!probe_suggest_in(&all, NULL, "something_else", &cx.arena), "suggest_in: nothing close");
	strvec_fini(&all);

	is_str(suggest(env, "t:sched:sched_swich"), "sched:sched_switch", "tracepoint: event");
	is_str(suggest(env, "t:shed:sched_switch"), "sched:sched_switch", "tracepoint: category");
	is_str(suggest(env, "t:sched:zzzz"), "(none)", "tracepoint: nothing close");
	is_str(suggest(env, "kprobe:vfs_raed"), "vfs_read", "kprobe");
	is_str(suggest(env, "kprobe:vfs_raed+8"), "vfs_read+8", "kprobe keeps the offset");
	is_str(suggest(env, "kr:vfs_wrte"), "vfs_write", "kretprobe");
	is_str(suggest(env, "kprobe:xfs:xfs_file_raed_iter"), "xfs:xfs_file_read_iter",
	       "kprobe module:func");
	is_str(suggest(env, "kprobe:xf:xfs_file_read_iter"), "xfs:xfs_file_read_iter",
	       "kprobe: the module that has it");
	is_str(suggest(env, "kprobe:kp_blocked_fm"), "(none)", "kprobe: blocked functions are not suggested");
	is_str(suggest(env, "fentry:vfs_raed"), "vfs_read", "fentry");
	is_str(suggest(env, "fexit:vmlinux:__sys_bfp"), "vmlinux:__sys_bpf", "fexit module:func");
	is_str(suggest(env, "rt:sched_swich"), "sched_switch", "rawtracepoint");
	is_str(suggest(env, "rt:vmlinx:sched_switch"), "vmlinux:sched_switch", "rawtracepoint module");
	/* this test binary's own symbols */
	is_str(suggest(env, "uprobe:/proc/self/exe:probe_lookpu"), "/proc/self/exe:probe_lookup",
	       "uprobe: a function of the binary");
	is_str(suggest(env, "uretprobe:/proc/self/exe:probe_lookpu+4"),
	       "/proc/self/exe:probe_lookup+4", "uretprobe keeps the offset");
	is_str(suggest(env, "uprobe:/nonexistent/bin:readline"), "(none)", "uprobe: no binary");
}

int main(void)
{
	struct probe_env env;

	ast_ctx_init(&cx, &dg, NULL);
	diag_reset();
	test_btf = make_btf();
	memset(&env, 0, sizeof(env));
	env.tracefs = SCRY_TEST_DATA "/tracefs";
	env.get_btf = get_test_btf;
	env.btf_cookie = test_btf;

	test_registry();
	test_glob();
	test_parse_uint();
	test_special(&env);
	test_tracepoint(&env);
	test_timed(&env);
	test_perf(&env);
	test_rawtp(&env);
	test_fentry_misc(&env);
	test_list(&env);
	test_suggest(&env);
	is_str(probe_spec(mk_ap("t:syscalls:nonsense"), &cx.arena), "syscalls:nonsense", "probe_spec");
	ok(!probe_expands_wildcard(probe_lookup("t"), mk_ap("t:syscalls:nonsense")),
	   "t:a:b is not a wildcard");
	ok(probe_expands_wildcard(probe_lookup("t"), mk_ap("t:syscalls:sys_*")), "t:a:b* is one");
	ok(probe_expands_wildcard(probe_lookup("rt"), mk_ap("rt:sched_switch")),
	   "rt:name searches all modules");
	ok(!probe_expands_wildcard(probe_lookup("rt"), mk_ap("rt:vmlinux:sched_switch")),
	   "rt:mod:name is exact");

	ptrvec_fini(&targets);
	btf__free(test_btf);
	fclose(diag_out);
	free(diag_buf);
	ast_ctx_fini(&cx);
	return done_testing();
}
