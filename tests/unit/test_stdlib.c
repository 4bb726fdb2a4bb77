/* test_stdlib.c — the standard-library pieces: the generated syscall/errno
 * tables (util/sysnames.c) and the sema rewrites of sema/stdlib.c
 * (syscall_name, strerror, signal_name, is_err, leader_tid, pcomm,
 * leader_comm, kernel enum constants). Begin probes only; the kernel-enum case
 * is skipped when /sys/kernel/btf/vmlinux is absent. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast/ast.h"
#include "parser/parser.h"
#include "sema/sema.h"
#include "util/sysnames.h"
#include "tap.h"

struct run {
	struct diag d;
	struct ast_ctx cx;
	struct src *src;
	struct resources res;
	struct ast_node *prog;
	char *errs;
	size_t errs_len;
	FILE *errf;
	int rc;
};

static void run_prog(struct run *r, const char *text)
{
	struct sema_opts o = { 0 };

	memset(r, 0, sizeof(*r));
	r->errf = open_memstream(&r->errs, &r->errs_len);
	diag_init(&r->d, r->errf);
	r->d.quiet_locs = true;
	r->src = src_from_string("stdin", text, strlen(text));
	ast_ctx_init(&r->cx, &r->d, r->src);
	r->prog = parse_program(&r->cx, NULL);
	r->rc = r->prog ? sema_run(&r->cx, r->prog, &o, &r->res) : -2;
	fflush(r->errf);
}

static void run_fini(struct run *r)
{
	resources_fini(&r->res);
	ast_ctx_fini(&r->cx);
	src_free(r->src);
	fclose(r->errf);
	free(r->errs);
}

static const struct type *map_value(struct run *r, const char *name)
{
	for (size_t i = 0; i < r->res.maps.n; i++) {
		const struct map_info *m = r->res.maps.v[i];

		if (!strcmp(m->name, name))
			return m->value_type;
	}
	return NULL;
}

static void test_tables(void)
{
	is_str(sysname_syscall(0), "read", "syscall 0 is read");
	is_str(sysname_syscall(59), "execve", "syscall 59 is execve");
	is_str(sysname_syscall(231), "exit_group", "syscall 231 is exit_group");
	is_str(sysname_syscall(-1), "Unknown syscall", "negative syscall number");
	is_str(sysname_syscall(100000), "Unknown syscall", "syscall number past the table");
	ok(sysname_syscall_nr("openat") == 257, "openat is 257");
	ok(sysname_syscall_nr("no_such_call") == -1, "unknown syscall name");
	is_str(sysname_strerror(1), "Operation not permitted", "EPERM message");
	is_str(sysname_strerror(-2), "No such file or directory", "-ENOENT message (sign ignored)");
	is_str(sysname_strerror(7), "Argument list too long", "E2BIG message");
	is_str(sysname_strerror(0), "Success", "errno 0");
	is_str(sysname_strerror(100000), "Unknown error", "errno past the table");
	ok(sysname_errno_value("EPERM") == 1 && sysname_errno_value("EHWPOISON") == 133,
	   "errno constants by name");
	is_str(sysname_signal(9), "Killed", "signal 9");
	is_str(sysname_signal(65), "N/A", "signal past 64");
}

static void test_sema(void)
{
	struct run r;
	const struct type *t;

	run_prog(&r, "begin { @a = syscall_name(1); @b = syscall_name(pid); @c = strerror(1); "
		     "@d = strerror(pid); @e = signal_name(pid); @f = signal_name(2); exit(); }");
	ok(r.rc == 0, "name functions accepted");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	t = map_value(&r, "@a");
	ok(t && t->kind == TY_STRING && t->size == 6, "syscall_name(1) folds to \"write\"");
	t = map_value(&r, "@b");
	ok(t && t->kind == TY_STRERROR && t->n == TNT_SYSCALL, "syscall_name(pid) is looked up by user space");
	t = map_value(&r, "@c");
	ok(t && t->kind == TY_STRING && t->size == sizeof("Operation not permitted"),
	   "strerror(1) folds to the kernel's message");
	t = map_value(&r, "@d");
	ok(t && t->kind == TY_STRERROR && t->n == TNT_ERRNO, "strerror(pid) keeps the errno table");
	t = map_value(&r, "@e");
	ok(t && t->kind == TY_STRERROR && t->n == TNT_SIGNAL, "signal_name(pid) uses the signal table");
	t = map_value(&r, "@f");
	ok(t && t->kind == TY_STRING, "signal_name(2) folds");
	run_fini(&r);

	run_prog(&r, "begin { @a = is_err(pid); @b = is_err((uint64)-2); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_BOOL, "is_err() is a bool");
	run_fini(&r);

	run_prog(&r, "macro is_err(x) { 42 } begin { @a = is_err(1); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_INT, "a program's own macro wins over the stdlib");
	run_fini(&r);

	run_prog(&r, "begin { @a = syscall_name(\"x\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "syscall_name() expects an integer argument"),
	   "syscall_name() of a string is rejected");
	run_fini(&r);

	run_prog(&r, "begin { @a = strstr(comm, \"sh\"); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_INT && t->is_signed, "strstr() is an int64");
	run_fini(&r);

	run_prog(&r, "begin { @a = strstr(1, \"sh\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "strstr() expects string arguments"), "strstr() of an integer");
	run_fini(&r);

	run_prog(&r, "begin { signal_thread(\"KILL\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "unsafe"), "signal_thread() needs --unsafe");
	run_fini(&r);

	run_prog(&r, "begin { @m[1] = 2; $v = 0; @a = find(@m, 1, $v); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_BOOL, "find() is a bool");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);

	run_prog(&r, "begin { @m[1] = 2; @a = find(@m, 1, 5); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "find() expects a variable"), "find() into a non-variable");
	run_fini(&r);

	run_prog(&r, "begin { $x = \"abcd\"; @a = memcmp($x, \"abzd\", 3); @b = strcap($x); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_INT && t->is_signed, "memcmp() is an int64");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);

	run_prog(&r, "begin { @a = memcmp(\"ab\", \"abc\", 10); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "memcmp() count 10 is larger"), "memcmp() count past the values");
	run_fini(&r);

	run_prog(&r, "begin { write_user(0, \"ab\", 2); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "write_user() is unsafe. To use you need the --unsafe flag"), "write_user() needs --unsafe");
	run_fini(&r);

	run_prog(&r, "#include <errno.h>\n#include <signal.h>\n#include <sys/syscall.h>\n"
		     "begin { @a = EPERM + EWOULDBLOCK; @b = strerror(EPERM); @c = SIGKILL; @d = __NR_openat; "
		     "@e = SYS_read; exit(); }");
	ok(r.rc == 0, "header constants after #include");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	t = map_value(&r, "@b");
	ok(t && t->kind == TY_STRING && t->size == sizeof("Operation not permitted"), "strerror(EPERM) folds");
	run_fini(&r);

	run_prog(&r, "begin { @a = EPERM; }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "Unknown identifier: 'EPERM'"), "EPERM needs <errno.h>");
	run_fini(&r);

	ok(sysname_const_value("SIGINT", SYSNAME_SIGNAL, &(int64_t){ 0 }), "SIGINT in the signal table");
	{
		int64_t v = 0;

		ok(sysname_const_value("EWOULDBLOCK", SYSNAME_ERRNO, &v) && v == 11, "EWOULDBLOCK is EAGAIN");
		ok(!sysname_const_value("EPERM", SYSNAME_SIGNAL, &v), "families are kept apart");
	}

	run_prog(&r, "begin { @a = strftime(\"%s.%f\", 1000123000); @b = strftime(\"%s\", nsecs); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_TIMESTAMP && t->n == TS_CLOCK_BOOT,
	   "strftime() of a literal counts from boot, as bpftrace's does");
	t = map_value(&r, "@b");
	ok(t && t->kind == TY_TIMESTAMP && t->n == TS_CLOCK_BOOT, "strftime() of nsecs is a boot-clock time");
	run_fini(&r);

	run_prog(&r, "macro cpu(x) { x } macro is_err(a, b) { a + b } "
		     "begin { @a = cpu(\"hi\"); @b = cpu(); @c = is_err(1, 2); @d = is_err(0); exit(); }");
	ok(r.rc == 0, "a macro of another arity leaves the builtin and the stdlib function alone");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	t = map_value(&r, "@d");
	ok(t && t->kind == TY_BOOL, "is_err(x) is still the stdlib one");
	run_fini(&r);

	run_prog(&r, "begin { @a = socket_cookie(1); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "socket_cookie() only supports 'struct sock *' as the argument"),
	   "socket_cookie() of an integer is rejected");
	run_fini(&r);

	run_prog(&r, "begin { @a = syscall_name(); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "syscall_name() requires 1 argument"),
	   "syscall_name() needs its argument");
	run_fini(&r);
}

static void bool_prog(const char *text, bool want, const char *name)
{
	struct run r;
	const struct type *t;

	run_prog(&r, text);
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_BOOL, "%s is a bool", name);
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);
	(void)want;
}

static void test_meta(void)
{
	struct run r;

	bool_prog("begin { @a = is_str(\"x\"); exit(); }", true, "is_str");
	bool_prog("begin { @a = is_integer(pid); exit(); }", true, "is_integer");
	bool_prog("begin { @a = is_ptr(pid); exit(); }", false, "is_ptr");
	bool_prog("begin { @a = is_array(pid); exit(); }", false, "is_array");
	bool_prog("begin { @a = is_unsigned_integer(pid); exit(); }", true, "is_unsigned_integer");
	bool_prog("begin { @a = is_literal(1); exit(); }", true, "is_literal");

	run_prog(&r, "begin { static_assert(1 == 1, \"fine\"); assert(pid > 0, \"pid\"); exit(); }");
	ok(r.rc == 0, "static_assert of a true condition and assert() accepted");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);

	run_prog(&r, "begin { static_assert(0, \"no way\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "ERROR: no way"), "static_assert(0, msg) fails with msg");
	run_fini(&r);

	run_prog(&r, "begin { fail(\"want %d got %s\", 2, \"x\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "ERROR: want 2 got x"), "fail() formats its literals");
	if (!(r.errs && strstr(r.errs, "want 2 got x")))
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);

	run_prog(&r, "begin { @a = cgroupid(\"/no/such/cgroup\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "Failed to get `cgroupid` for path: \"/no/such/cgroup\""),
	   "cgroupid() of a missing path");
	run_fini(&r);
}

static void test_kernel(void)
{
	struct run r;
	const struct type *t;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		ok(1, "# SKIP no kernel BTF");
		return;
	}
	run_prog(&r, "begin { @a = leader_tid; @b = leader_tid(curtask); @c = pcomm(curtask); "
		     "@d = leader_comm(); @e = TCP_ESTABLISHED; exit(); }");
	ok(r.rc == 0, "task helpers and kernel enum constants accepted");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	t = map_value(&r, "@a");
	ok(t && t->kind == TY_INT, "leader_tid is an integer");
	t = map_value(&r, "@c");
	ok(t && (t->kind == TY_STRING || t->kind == TY_ARRAY), "pcomm(task) is the comm");
	t = map_value(&r, "@e");
	ok(t && (t->kind == TY_ENUM || t->kind == TY_INT), "TCP_ESTABLISHED resolves from BTF");
	run_fini(&r);

	run_prog(&r, "begin { @a = percpu_kaddr(\"process_counts\"); @b = percpu_kaddr(\"runqueues\", 0); exit(); }");
	t = map_value(&r, "@a");
	ok(r.rc == 0 && t && t->kind == TY_POINTER, "percpu_kaddr() is a pointer");
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);

	run_prog(&r, "begin { @a = percpu_kaddr(\"no_such_percpu_var\"); }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "Could not resolve variable \"no_such_percpu_var\" from BTF"),
	   "percpu_kaddr() of an unknown variable");
	run_fini(&r);

	run_prog(&r, "begin { @a = NO_SUCH_ENUMERATOR_XYZ; }");
	ok(r.rc != 0 && r.errs && strstr(r.errs, "Unknown identifier"), "unknown identifiers still fail");
	run_fini(&r);
}

/* A probe with two attach points is typed twice; its error is printed once. */
static void test_repeat(void)
{
	struct run r;
	const char *first, *second;

	run_prog(&r, "interval:s:1, interval:s:2 { print(no_such_thing); }");
	first = r.errs ? strstr(r.errs, "Unknown identifier") : NULL;
	second = first ? strstr(first + 1, "Unknown identifier") : NULL;
	ok(r.rc != 0 && first && !second, "a repeated error is printed once");
	if (second)
		printf("# %s", r.errs);
	run_fini(&r);
}

int main(void)
{
	test_repeat();
	test_meta();
	test_tables();
	test_sema();
	test_kernel();
	return done_testing();
}
