/* stdlib.c — bpftrace standard-library functions that are small rewrites or
 * need the kernel's name tables:
 *
 *   syscall_name(nr), strerror(e), signal_name(sig)
 *       A constant argument folds to a string literal now. Otherwise the
 *       number travels through the program as a TY_STRERROR value whose type.n
 *       says which table user space looks it up in when printing (see
 *       enum type_name_table in ast/type.h).
 *   is_err(ptr)         (uint64)ptr >= (uint64)-4095, the kernel's IS_ERR()
 *   leader_tid([task])  task->group_leader->pid
 *   pcomm([task]), leader_comm([task])   ->real_parent / ->group_leader ->comm
 *   percpu_kaddr("var"[, cpu])   uint64 * to the per-CPU kernel variable of
 *                       the current (or given) CPU; the variable is found in
 *                       the kernel BTF, codegen/builtin_stdlib.c does the rest
 *   signal_thread(sig)  signal() to the current thread (codegen: helper)
 *   find(@m, key, $v)   has_key(@m, key), and $v = @m[key] when it has
 *   memcmp(a, b, n)     int64: 0 or the first byte difference (codegen: a loop)
 *   strcap(e)           capacity of a string/array, a literal
 *   write_user(d, s, n) bpf_probe_write_user (--unsafe), a bool
 *   strstr(h, n)        int64 index of n in h, or -1 (codegen: a loop)
 *   socket_cookie(sk)   uint64 cookie of a struct sock * (codegen: helper)
 *   assert(cond, msg)   if (!cond) { errorf("assert failed: %s", msg); exit(1) }
 *   static_assert(cond, msg), fail(fmt, literals...)   compile-time errors
 *   is_str/is_ptr/is_array/is_integer/is_unsigned_integer/is_literal(e)
 *                       the answer about e's type, as a bool literal
 *   kfunc_exist("f"), kfunc_allowed("f")   whether vmlinux BTF has the kfunc
 *   cgroupid("/sys/fs/cgroup/...")         the cgroup's id, read now
 *   EPERM, SIGINT, __NR_read, SYS_read   constants of <errno.h>, <signal.h>
 *                       and <sys/syscall.h> when the program includes them
 *                       (tables generated from the kernel headers)
 *   KERNEL_ENUM_VALUE   an identifier naming an enumerator of a kernel BTF enum
 *                       (SKB_DROP_REASON_NOT_SPECIFIED) is that value, typed
 *                       with its enum so %s prints it by name
 *
 * sema_stdlib_call() is asked first by sema_call(); it handles only the names
 * above and leaves everything else (macros of the program win: a program that
 * defines its own is_err() gets it). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "sema/sema_int.h"
#include "util/sysnames.h"

/* A macro of the program with this name and number of arguments (any number
 * when @nargs is negative) replaces the stdlib function. */
static bool user_macro(struct sema *s, const char *name, int nargs)
{
	for (size_t i = 0; i < s->macros.n; i++) {
		const struct ast_node *m = s->macros.v[i];

		if (!strcmp(m->macro.name, name) && (nargs < 0 || (int)ast_list_len(m->macro.params) == nargs))
			return true;
	}
	return false;
}

static struct ast_node *field(struct sema *s, struct loc loc, struct ast_node *e, const char *name)
{
	struct ast_node *f = ast_new(s->cx, AST_FIELD, loc);

	f->field.e = e;
	f->field.name = str_intern0(s->a, name);
	f->field.is_arrow = true;
	return f;
}

/* task.<via>.<what>, task defaulting to curtask */
static const struct type *task_chain(struct sema *s, struct ast_node **np, const char *via,
				     const char *what)
{
	struct ast_node *n = *np, *task = n->call.args, *f;

	if (!sema_arity(s, n, 0, 1))
		return NULL;
	if (!task)
		task = ast_ident(s->cx, n->loc, "curtask");
	task->next = NULL;
	f = field(s, n->loc, field(s, n->loc, task, via), what);
	f->next = n->next;
	*np = f;
	return sema_expr(s, np);
}

static const char *table_name(enum type_name_table tab, int64_t v)
{
	switch (tab) {
	case TNT_SYSCALL:
		return sysname_syscall(v);
	case TNT_SIGNAL:
		return sysname_signal(v);
	case TNT_ERRNO:
	default:
		return sysname_strerror(v);
	}
}

/* syscall_name / strerror / signal_name */
static const struct type *name_of(struct sema *s, struct ast_node **np, enum type_name_table tab)
{
	struct ast_node *n = *np;
	const struct type *t;
	struct call_info *ci;
	struct type *rt;
	int64_t k;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	t = sema_expr(s, &n->call.args);
	if (!t)
		return NULL;
	if (!sema_ty_is_int(t)) {
		sema_err(s, n->call.args->loc, "%s() expects an integer argument, got %s", n->call.name,
			 sema_ty_name(s, t));
		return NULL;
	}
	if (sema_const_int(n->call.args, &k)) {
		const char *v = table_name(tab, k);
		struct ast_node *lit = ast_str(s->cx, n->loc, v, strlen(v));

		lit->next = n->next;
		*np = lit;
		return sema_expr(s, np);
	}
	sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, true));
	ci = sema_call_info(s, n, BI_STRERROR);
	ci->n = tab;
	rt = sema_ty_new(s, TY_STRERROR, 8);
	rt->n = tab;
	n->type = rt;
	return rt;
}

/* is_err(ptr): a pointer in the top 4095 bytes encodes -errno */
static const struct type *is_err(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *c, *b, *lim;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	c = ast_new(s->cx, AST_CAST, n->loc);
	c->cast.e = n->call.args;
	c->cast.e->next = NULL;
	c->type = sema_ty_int(s, 8, false);
	lim = ast_int(s->cx, n->loc, (uint64_t)-4095);
	lim->type = sema_ty_int(s, 8, false);
	b = ast_bin(s->cx, n->loc, AST_OP_GE, c, lim);
	b->next = n->next;
	*np = b;
	return sema_expr(s, np);
}

static const struct type *percpu_kaddr(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *a = n->call.args;
	struct call_info *ci;
	struct btf *btf;
	int32_t id;

	if (!sema_arity(s, n, 1, 2))
		return NULL;
	if (a->kind != AST_STR) {
		sema_err(s, a->loc, "percpu_kaddr() expects a string literal");
		return NULL;
	}
	btf = sema_btf(s);
	id = btf ? btf__find_by_name_kind(btf, a->str.s, BTF_KIND_VAR) : -1;
	if (id <= 0) {
		sema_err(s, n->loc, "Could not resolve variable \"%s\" from BTF", a->str.s);
		return NULL;
	}
	if (a->next) {
		const struct type *ct = sema_expr(s, &a->next);

		if (!ct)
			return NULL;
		if (!sema_ty_is_int(ct)) {
			sema_err(s, a->next->loc, "percpu_kaddr() expects an integer cpu, got %s",
				 sema_ty_name(s, ct));
			return NULL;
		}
		sema_cast_to(s, &a->next, sema_ty_int(s, 8, false));
	}
	a->type = sema_ty_string(s, a->str.len + 1);
	ci = sema_call_info(s, n, BI_PERCPU_KADDR);
	ci->n = id;
	n->type = sema_ty_ptr(s, sema_ty_int(s, 8, false), AS_KERNEL);
	return n->type;
}

/* strstr(haystack, needle): int64 index or -1 (codegen/builtin_stdlib.c) */
static const struct type *strstr_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *t, *u;

	if (!sema_arity(s, n, 2, 2))
		return NULL;
	t = sema_expr(s, &n->call.args);
	u = sema_expr(s, &n->call.args->next);
	if (!t || !u)
		return NULL;
	if (t->kind != TY_STRING || u->kind != TY_STRING) {
		sema_err(s, n->loc, "strstr() expects string arguments (%s and %s provided)", sema_ty_name(s, t),
			 sema_ty_name(s, u));
		return NULL;
	}
	sema_call_info(s, n, BI_STRSTR);
	n->type = sema_ty_int(s, 8, true);
	return n->type;
}

/* Whether @t lives in program memory as bytes codegen can address
 * (strings, arrays, buffers, records). */
static bool is_bytes(const struct type *t)
{
	return t->kind == TY_STRING || t->kind == TY_ARRAY || t->kind == TY_BUFFER || t->kind == TY_TUPLE ||
	       t->kind == TY_RECORD || t->kind == TY_STRUCT;
}

/* memcmp(a, b, n): n a literal no larger than either value */
static const struct type *memcmp_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *a;
	const struct type *t, *u;
	int64_t k;

	if (!sema_arity(s, n, 3, 3))
		return NULL;
	a = n->call.args;
	t = sema_expr(s, &n->call.args);
	u = sema_expr(s, &n->call.args->next);
	a = n->call.args;
	if (!t || !u || !sema_expr(s, &a->next->next))
		return NULL;
	if (!is_bytes(t) || !is_bytes(u)) {
		sema_err(s, n->loc, "memcmp() expects strings, arrays or records (%s and %s provided)",
			 sema_ty_name(s, t), sema_ty_name(s, u));
		return NULL;
	}
	if (!sema_const_int(a->next->next, &k) || k < 0) {
		sema_err(s, a->next->next->loc, "memcmp() expects a literal byte count");
		return NULL;
	}
	if ((uint64_t)k > t->size || (uint64_t)k > u->size) {
		sema_err(s, a->next->next->loc, "memcmp() count %lld is larger than its arguments (%u and %u bytes)",
			 (long long)k, t->size, u->size);
		return NULL;
	}
	sema_call_info(s, n, BI_MEMCMP)->n = k;
	n->type = sema_ty_int(s, 8, true);
	return n->type;
}

/* strcap(e): the capacity of a string or array, known now */
static const struct type *strcap_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *lit;
	const struct type *t;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	t = sema_expr(s, &n->call.args);
	if (!t)
		return NULL;
	if (t->kind != TY_STRING && t->kind != TY_ARRAY) {
		sema_err(s, n->loc, "strcap() expects a string or an array (%s provided)", sema_ty_name(s, t));
		return NULL;
	}
	lit = ast_int(s->cx, n->loc, t->kind == TY_STRING ? t->size : t->n);
	lit->type = sema_ty_int(s, 8, true);
	lit->next = n->next;
	*np = lit;
	return lit->type;
}

/* write_user(dst, src, n): --unsafe; src a value in program memory */
static const struct type *write_user_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *a;
	const struct type *t, *u;
	int64_t k;

	if (!sema_arity(s, n, 3, 3))
		return NULL;
	if (!s->res->cfg.unsafe) {
		sema_err(s, n->loc, "write_user() is unsafe. To use you need the --unsafe flag");
		return NULL;
	}
	t = sema_expr(s, &n->call.args);
	u = t ? sema_expr(s, &n->call.args->next) : NULL;
	a = n->call.args;
	if (!t || !u || !sema_expr(s, &a->next->next))
		return NULL;
	if (t->kind != TY_POINTER && !sema_ty_is_int(t)) {
		sema_err(s, a->loc, "write_user() expects a user-space pointer as its destination");
		return NULL;
	}
	if (sema_ty_is_int(t))
		sema_cast_to(s, &n->call.args, sema_ty_int(s, 8, false));
	if (!is_bytes(u)) {
		sema_err(s, a->next->loc, "write_user() expects a string, array or record as its source (%s provided)",
			 sema_ty_name(s, u));
		return NULL;
	}
	if (!sema_const_int(a->next->next, &k) || k <= 0 || (uint64_t)k > u->size) {
		sema_err(s, a->next->next->loc, "write_user() expects a literal length between 1 and %u", u->size);
		return NULL;
	}
	sema_call_info(s, n, BI_WRITE_USER)->n = k;
	n->type = sema_ty_bool(s);
	return n->type;
}

/* socket_cookie(struct sock *) */
static const struct type *socket_cookie(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *t;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	t = sema_expr(s, &n->call.args);
	if (!t)
		return NULL;
	if (t->kind != TY_POINTER || !t->elem || t->elem->kind != TY_STRUCT || !t->elem->name ||
	    strcmp(t->elem->name, "struct sock")) {
		sema_err(s, n->loc, "%s() only supports 'struct sock *' as the argument (%s provided)",
			 n->call.name, sema_ty_name(s, t));
		return NULL;
	}
	sema_call_info(s, n, BI_SOCKET_COOKIE);
	n->type = sema_ty_int(s, 8, false);
	return n->type;
}

static struct ast_node *bool_lit(struct sema *s, struct ast_node **np, bool v)
{
	struct ast_node *n = *np, *lit = ast_new(s->cx, AST_BOOL, n->loc);

	lit->boolean.v = v;
	lit->next = n->next;
	*np = lit;
	return lit;
}

/* A call that leaves nothing behind (an empty block expression). */
static const struct type *nothing(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *b = ast_new(s->cx, AST_BLOCK_EXPR, n->loc);

	b->next = n->next;
	*np = b;
	return sema_expr(s, np);
}

static struct ast_node *expr_stmt(struct sema *s, struct ast_node *e)
{
	struct ast_node *st = ast_new(s->cx, AST_EXPR_STMT, e->loc);

	st->stmt.expr = e;
	return st;
}

/* The error of a failed assert() is located where bpftrace's own standard
 * library has it (stdlib/base.bt:6:5-37), so messages match; this text is
 * what that location shows. */
static const char assert_src_text[] =
	"// assert() of the standard library: a failed condition reports the\n"
	"// message below and ends the program with exit code 1.\n"
	"macro assert(cond, msg)\n"
	"{\n"
	"  if (!cond) {\n"
	"    errorf(\"assert failed: %s\", msg);\n"
	"    exit(1);\n"
	"  }\n"
	"}\n";

static struct loc assert_loc(struct sema *s)
{
	struct src *src = arena_alloc(s->a, sizeof(*src));
	const char *at = strstr(assert_src_text, "errorf");
	struct loc l = { 0 };

	src->name = "stdlib/base.bt";
	src->text = assert_src_text;
	src->len = sizeof(assert_src_text) - 1;
	l.src = src;
	l.off = (uint32_t)(at - assert_src_text);
	l.len = (uint32_t)strlen("errorf(\"assert failed: %s\", msg)");
	l.line = l.end_line = 6;
	l.col = 5;
	l.end_col = l.col + l.len - 1;
	return l;
}

static const struct type *assert_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *cond, *msg, *iff, *then, *blk, *fmt;
	const char *f = "assert failed: %s";

	if (!sema_arity(s, n, 2, 2))
		return NULL;
	cond = n->call.args;
	msg = cond->next;
	cond->next = NULL;
	fmt = ast_str(s->cx, n->loc, f, strlen(f));
	fmt->next = msg;
	then = ast_new(s->cx, AST_BLOCK, n->loc);
	then->block.stmts = expr_stmt(s, ast_call(s->cx, assert_loc(s), "errorf", fmt));
	then->block.stmts->next = expr_stmt(s, ast_call(s->cx, n->loc, "exit", ast_int(s->cx, n->loc, 1)));
	iff = ast_new(s->cx, AST_IF, n->loc);
	iff->cond.cond = ast_un(s->cx, cond->loc, AST_OP_NOT, cond, false);
	iff->cond.then = then;
	blk = ast_new(s->cx, AST_BLOCK_EXPR, n->loc);
	blk->block.stmts = iff;
	blk->next = n->next;
	*np = blk;
	return sema_expr(s, np);
}

/* fail()'s message: the format with its literal arguments filled in. */
static bool format_literals(struct sema *s, struct ast_node *fmt, struct sbuf *out)
{
	struct ast_node *a = fmt->next;

	for (const char *p = fmt->str.s; *p; p++) {
		char spec[32];
		size_t k = 0;
		int64_t v;

		if (*p != '%') {
			sbuf_printf(out, "%c", *p);
			continue;
		}
		if (p[1] == '%') {
			sbuf_printf(out, "%%");
			p++;
			continue;
		}
		spec[k++] = *p++;
		while (*p && strchr("-+ #0123456789.lhz", *p) && k < sizeof(spec) - 3)
			if (*p == 'l' || *p == 'h' || *p == 'z')
				p++;
			else
				spec[k++] = *p++;
		if (!*p)
			break;
		if (!a) {
			sema_err(s, fmt->loc, "fail() has fewer arguments than its format needs");
			return false;
		}
		if (a->kind != AST_STR && !sema_expr(s, &a))
			return false;
		if (*p == 's' && a->kind == AST_STR) {
			spec[k++] = 's';
			spec[k] = 0;
			sbuf_printf(out, spec, a->str.s);
		} else if (sema_const_int(a, &v)) {
			spec[k++] = 'l';
			spec[k++] = *p == 's' ? 'd' : *p;
			spec[k] = 0;
			sbuf_printf(out, spec, (long)v);
		} else {
			sema_err(s, a->loc, "fail() arguments must be literals");
			return false;
		}
		a = a->next;
	}
	return true;
}

static const struct type *fail_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	struct sbuf msg = { 0 };

	if (!n->call.args || n->call.args->kind != AST_STR) {
		sema_err(s, n->loc, "fail() expects a string literal format");
		return NULL;
	}
	if (format_literals(s, n->call.args, &msg))
		sema_err(s, n->loc, "%s", sbuf_str(&msg));
	sbuf_fini(&msg);
	return NULL;
}

/* Value of a condition made of literals (after typing, casts included). */
static bool const_cond(const struct ast_node *n, int64_t *v)
{
	int64_t a, b;

	if (n->kind == AST_BOOL) {
		*v = n->boolean.v;
		return true;
	}
	if (sema_const_int(n, v))
		return true;
	if (n->kind == AST_CAST)
		return const_cond(n->cast.e, v);
	if (n->kind == AST_UNOP && n->un.op == AST_OP_NOT && const_cond(n->un.e, &a)) {
		*v = !a;
		return true;
	}
	if (n->kind == AST_BINOP && const_cond(n->bin.l, &a) && const_cond(n->bin.r, &b)) {
		switch (n->bin.op) {
		case AST_OP_EQ: *v = a == b; return true;
		case AST_OP_NE: *v = a != b; return true;
		case AST_OP_LT: *v = a < b; return true;
		case AST_OP_LE: *v = a <= b; return true;
		case AST_OP_GT: *v = a > b; return true;
		case AST_OP_GE: *v = a >= b; return true;
		case AST_OP_LAND: *v = a && b; return true;
		case AST_OP_LOR: *v = a || b; return true;
		default: return false;
		}
	}
	return false;
}

static const struct type *static_assert_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *msg;
	int64_t v;

	if (!sema_arity(s, n, 2, 2))
		return NULL;
	if (!sema_expr(s, &n->call.args))
		return NULL;
	msg = n->call.args->next;
	if (!const_cond(n->call.args, &v)) {
		sema_err(s, n->call.args->loc, "static_assert() needs a condition known at compile time");
		return NULL;
	}
	if (!v) {
		sema_err(s, n->loc, "%s", msg && msg->kind == AST_STR ? msg->str.s : "static assertion failed");
		return NULL;
	}
	return nothing(s, np);
}

/* is_str(e) and friends: what e's type is, answered at compile time. */
static const struct type *type_query(struct sema *s, struct ast_node **np, const char *q)
{
	struct ast_node *n = *np, *a = n->call.args;
	bool v, is_lit;
	const struct type *t;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	is_lit = a->kind == AST_INT || a->kind == AST_STR || a->kind == AST_BOOL ||
		 (a->kind == AST_UNOP && a->un.op == AST_OP_NEG && a->un.e->kind == AST_INT);
	t = sema_expr(s, &n->call.args);
	if (!t)
		return NULL;
	if (!strcmp(q, "is_str"))
		v = t->kind == TY_STRING;
	else if (!strcmp(q, "is_ptr"))
		v = t->kind == TY_POINTER;
	else if (!strcmp(q, "is_array"))
		v = t->kind == TY_ARRAY;
	else if (!strcmp(q, "is_integer"))
		v = t->kind == TY_INT;
	else if (!strcmp(q, "is_unsigned_integer"))
		v = t->kind == TY_INT && !t->is_signed;
	else
		v = is_lit;
	bool_lit(s, np, v);
	return sema_expr(s, np);
}

static const struct type *kfunc_query(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *a = n->call.args;
	struct btf *btf;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	if (a->kind != AST_STR) {
		sema_err(s, n->loc, "%s() accepts a string literal only", n->call.name);
		return NULL;
	}
	btf = sema_btf(s);
	bool_lit(s, np, btf && btf__find_by_name_kind(btf, a->str.s, BTF_KIND_FUNC) > 0);
	return sema_expr(s, np);
}

/* cgroupid("path"): the cgroup v2 id is the inode's file handle */
static const struct type *cgroupid_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *a = n->call.args, *lit;
	union {
		struct file_handle fh;
		unsigned char raw[sizeof(struct file_handle) + 8];
	} h;
	uint64_t id;
	int mount_id;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	if (a->kind != AST_STR) {
		sema_err(s, a->loc, "cgroupid() expects a string literal path");
		return NULL;
	}
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(id);
	if (name_to_handle_at(AT_FDCWD, a->str.s, &h.fh, &mount_id, 0) < 0 || h.fh.handle_bytes != 8) {
		sema_err(s, n->loc, "Failed to get `cgroupid` for path: \"%s\": %s", a->str.s,
			 strerror(errno));
		return NULL;
	}
	memcpy(&id, h.raw + sizeof(struct file_handle), sizeof(id));
	lit = ast_int(s->cx, n->loc, id);
	lit->type = sema_ty_int(s, 8, false);
	lit->next = n->next;
	*np = lit;
	return lit->type;
}

static struct ast_node *assign(struct sema *s, struct loc loc, struct ast_node *lhs, struct ast_node *rhs)
{
	struct ast_node *a = ast_new(s->cx, AST_ASSIGN, loc);

	a->assign.lhs = lhs;
	a->assign.rhs = rhs;
	a->assign.op = AST_OP_NONE;
	return a;
}

/* find(@m, key, $v): { $f = has_key(@m, key); if ($f) { $v = @m[key]; } $f } */
static const struct type *find_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *m, *key, *var, *blk, *iff, *then, *hk, *rd;
	char name[48];
	struct loc l = n->loc;

	if (!sema_arity(s, n, 3, 3))
		return NULL;
	m = n->call.args;
	key = m->next;
	var = key->next;
	if (m->kind != AST_MAP || m->map.keys) {
		sema_err(s, m->loc, "find() expects a map as its first argument");
		return NULL;
	}
	if (var->kind != AST_VAR) {
		sema_err(s, var->loc, "find() expects a variable as its third argument");
		return NULL;
	}
	snprintf(name, sizeof(name), "$__find%u", ++s->n_macro_exp);
	key->next = NULL;
	var->next = NULL;
	hk = ast_call(s->cx, l, "has_key", ast_map(s->cx, m->loc, m->map.name, NULL));
	hk->call.args->next = ast_clone(s->cx, key);
	rd = ast_map(s->cx, m->loc, m->map.name, key);
	then = ast_new(s->cx, AST_BLOCK, l);
	then->block.stmts = assign(s, l, var, rd);
	iff = ast_new(s->cx, AST_IF, l);
	iff->cond.cond = ast_var(s->cx, l, name);
	iff->cond.then = then;
	blk = ast_new(s->cx, AST_BLOCK_EXPR, l);
	blk->block.stmts = assign(s, l, ast_var(s->cx, l, name), hk);
	blk->block.stmts->next = iff;
	blk->block.expr = ast_var(s->cx, l, name);
	blk->next = n->next;
	*np = blk;
	return sema_expr(s, np);
}

bool sema_stdlib_call(struct sema *s, struct ast_node **np, const struct type **tp)
{
	const char *name = (*np)->call.name;

	if (user_macro(s, name, (int)ast_list_len((*np)->call.args)))
		return false;
	if (!strcmp(name, "syscall_name"))
		*tp = name_of(s, np, TNT_SYSCALL);
	else if (!strcmp(name, "strerror"))
		*tp = name_of(s, np, TNT_ERRNO);
	else if (!strcmp(name, "signal_name"))
		*tp = name_of(s, np, TNT_SIGNAL);
	else if (!strcmp(name, "percpu_kaddr"))
		*tp = percpu_kaddr(s, np);
	else if (!strcmp(name, "signal_thread")) {
		/* signal()'s checks, then the thread-directed helper */
		if (!s->res->cfg.unsafe) {
			sema_err(s, (*np)->loc, "signal_thread() is unsafe. To use you need the --unsafe flag");
			*tp = NULL;
			return true;
		}
		*tp = sema_bi_print(s, *np, BI_SIGNAL);
		if (*tp)
			sema_call_info(s, *np, BI_SIGNAL_THREAD);
		(*np)->type = *tp;
	} else if (!strcmp(name, "memcmp"))
		*tp = memcmp_call(s, np);
	else if (!strcmp(name, "strcap"))
		*tp = strcap_call(s, np);
	else if (!strcmp(name, "write_user"))
		*tp = write_user_call(s, np);
	else if (!strcmp(name, "find"))
		*tp = find_call(s, np);
	else if (!strcmp(name, "strstr"))
		*tp = strstr_call(s, np);
	else if (!strcmp(name, "socket_cookie"))
		*tp = socket_cookie(s, np);
	else if (!strcmp(name, "assert"))
		*tp = assert_call(s, np);
	else if (!strcmp(name, "static_assert"))
		*tp = static_assert_call(s, np);
	else if (!strcmp(name, "fail"))
		*tp = fail_call(s, np);
	else if (!strcmp(name, "is_str") || !strcmp(name, "is_ptr") || !strcmp(name, "is_array") ||
		 !strcmp(name, "is_integer") || !strcmp(name, "is_unsigned_integer") ||
		 !strcmp(name, "is_literal"))
		*tp = type_query(s, np, name);
	else if (!strcmp(name, "kfunc_exist") || !strcmp(name, "kfunc_allowed"))
		*tp = kfunc_query(s, np);
	else if (!strcmp(name, "cgroupid"))
		*tp = cgroupid_call(s, np);
	else if (!strcmp(name, "is_err"))
		*tp = is_err(s, np);
	else if (!strcmp(name, "leader_tid"))
		*tp = task_chain(s, np, "group_leader", "pid");
	else if (!strcmp(name, "pcomm"))
		*tp = task_chain(s, np, "real_parent", "comm");
	else if (!strcmp(name, "leader_comm"))
		*tp = task_chain(s, np, "group_leader", "comm");
	else
		return false;
	return true;
}

/* Every enumerator of the kernel's BTF, sorted by name (built on first need). */
struct btf_enumerator {
	const char *name; /* in the BTF string section (freed with the BTF after sema) */
	int64_t value;
	int32_t type_id;
};

struct stdlib_cache {
	struct btf_enumerator *enums;
	size_t n_enums;
};

static int enumerator_cmp(const void *a, const void *b)
{
	return strcmp(((const struct btf_enumerator *)a)->name, ((const struct btf_enumerator *)b)->name);
}

static void enums_load(struct sema *s, struct stdlib_cache *c)
{
	struct btf *btf = sema_btf(s);
	uint32_t n_types, cap = 0;

	if (!btf)
		return;
	n_types = btf__type_cnt(btf);
	for (uint32_t id = 1; id < n_types; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_enum(t) || btf_is_enum64(t))
			cap += btf_vlen(t);
	}
	c->enums = arena_alloc(s->a, sizeof(*c->enums) * (cap ? cap : 1));
	for (uint32_t id = 1; id < n_types; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		uint16_t vlen = btf_vlen(t);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			bool is_signed = btf_kflag(t);

			for (uint16_t i = 0; i < vlen && c->n_enums < cap; i++) {
				struct btf_enumerator *x = &c->enums[c->n_enums++];

				x->name = btf__name_by_offset(btf, e[i].name_off);
				x->value = is_signed ? (int64_t)e[i].val : (int64_t)(uint32_t)e[i].val;
				x->type_id = id;
			}
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (uint16_t i = 0; i < vlen && c->n_enums < cap; i++) {
				struct btf_enumerator *x = &c->enums[c->n_enums++];

				x->name = btf__name_by_offset(btf, e[i].name_off);
				x->value = (int64_t)btf_enum64_value(&e[i]);
				x->type_id = id;
			}
		}
	}
	qsort(c->enums, c->n_enums, sizeof(*c->enums), enumerator_cmp);
}

/* TY_ENUM for a named kernel enum (%s prints its enumerators by name);
 * NULL for an anonymous one, whose values are plain integers. */
static const struct type *enum_type(struct sema *s, int32_t id)
{
	struct btf *btf = sema_btf(s);
	const struct btf_type *bt = btf ? btf__type_by_id(btf, id) : NULL;
	const char *name = bt ? btf__name_by_offset(btf, bt->name_off) : NULL;
	uint16_t vlen;
	const char **names;
	int64_t *values;
	struct type *t;

	if (!name || !*name)
		return NULL;
	vlen = btf_vlen(bt);
	names = arena_alloc(s->a, sizeof(*names) * (vlen ? vlen : 1));
	values = arena_alloc(s->a, sizeof(*values) * (vlen ? vlen : 1));
	for (uint16_t i = 0; i < vlen; i++) {
		if (btf_is_enum64(bt)) {
			names[i] = str_intern0(s->a, btf__name_by_offset(btf, btf_enum64(bt)[i].name_off));
			values[i] = (int64_t)btf_enum64_value(&btf_enum64(bt)[i]);
		} else {
			names[i] = str_intern0(s->a, btf__name_by_offset(btf, btf_enum(bt)[i].name_off));
			values[i] = btf_kflag(bt) ? (int64_t)btf_enum(bt)[i].val : (int64_t)(uint32_t)btf_enum(bt)[i].val;
		}
	}
	t = sema_ty_new(s, TY_ENUM, 8);
	t->name = str_intern0(s->a, arena_printf(s->a, "enum %s", name));
	t->enum_names = names;
	t->enum_values = values;
	t->n_enums = vlen;
	t->btf_id = id;
	return t;
}

static const struct type *kernel_enum_value(struct sema *s, struct ast_node **np, bool *found)
{
	struct ast_node *n = *np, *lit;
	struct btf_enumerator key = { .name = n->ident.name }, *e;
	const struct type *t;

	if (!s->stdlib) {
		s->stdlib = arena_alloc(s->a, sizeof(*s->stdlib));
		enums_load(s, s->stdlib);
	}
	e = s->stdlib->n_enums ? bsearch(&key, s->stdlib->enums, s->stdlib->n_enums, sizeof(key), enumerator_cmp) : NULL;
	*found = e != NULL;
	if (!e)
		return NULL;
	t = enum_type(s, e->type_id);
	if (!t)
		t = sema_ty_int(s, 8, e->value < 0);
	lit = ast_int(s->cx, n->loc, (uint64_t)e->value);
	lit->num.is_negative = e->value < 0;
	lit->type = t;
	lit->next = n->next;
	*np = lit;
	return t;
}

/* Which header constants the program's #includes bring in. */
static unsigned included_families(struct sema *s)
{
	static const struct {
		const char *path;
		unsigned family;
	} hdrs[] = {
		{ "errno.h", SYSNAME_ERRNO }, { "linux/errno.h", SYSNAME_ERRNO },
		{ "asm/errno.h", SYSNAME_ERRNO }, { "asm-generic/errno.h", SYSNAME_ERRNO },
		{ "asm-generic/errno-base.h", SYSNAME_ERRNO }, { "sys/errno.h", SYSNAME_ERRNO },
		{ "signal.h", SYSNAME_SIGNAL }, { "sys/signal.h", SYSNAME_SIGNAL },
		{ "linux/signal.h", SYSNAME_SIGNAL }, { "asm/signal.h", SYSNAME_SIGNAL },
		{ "syscall.h", SYSNAME_SYSCALL }, { "sys/syscall.h", SYSNAME_SYSCALL },
		{ "asm/unistd.h", SYSNAME_SYSCALL }, { "asm/unistd_64.h", SYSNAME_SYSCALL },
		{ "linux/unistd.h", SYSNAME_SYSCALL },
	};
	unsigned fam = 0;

	for (uint32_t k = 0; s->o && k < s->o->n_includes; k++)
		for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++)
			if (!strcmp(s->o->includes[k], hdrs[i].path))
				fam |= hdrs[i].family;
	for (struct ast_node *it = s->prog ? s->prog->program.items : NULL; it; it = it->next) {
		if (it->kind != AST_INCLUDE || !it->include.path)
			continue;
		for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++)
			if (!strcmp(it->include.path, hdrs[i].path))
				fam |= hdrs[i].family;
	}
	return fam;
}

static bool header_const(struct sema *s, struct ast_node **np, const struct type **tp)
{
	struct ast_node *n = *np, *lit;
	unsigned fam = included_families(s);
	int64_t v;

	if (!fam || !sysname_const_value(n->ident.name, fam, &v))
		return false;
	lit = ast_int(s->cx, n->loc, (uint64_t)v);
	lit->next = n->next;
	*np = lit;
	*tp = sema_expr(s, np);
	return true;
}

bool sema_stdlib_ident(struct sema *s, struct ast_node **np, const struct type **tp)
{
	struct ast_node *n = *np, *c;
	bool found = false;

	if (strcmp(n->ident.name, "leader_tid") || user_macro(s, n->ident.name, 0)) {
		if (header_const(s, np, tp))
			return true;
		*tp = kernel_enum_value(s, np, &found);
		return found;
	}
	c = ast_call(s->cx, n->loc, n->ident.name, NULL);
	c->next = n->next;
	*np = c;
	return sema_stdlib_call(s, np, tp);
}
