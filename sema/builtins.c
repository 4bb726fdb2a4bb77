/* builtins.c — builtin lookup and dispatch: a call or bare identifier naming a
 * builtin becomes an AST_CALL with call.info; typing is done by the theme files
 * (builtin_proc.c, builtin_print.c, builtin_agg.c, builtin_mem.c). */
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "sema/sema_int.h"

const char *const sema_builtin_names[BI__COUNT] = {
#define X(id, name) [id] = name,
#include "ast/builtins.def"
#undef X
};

int sema_builtin_lookup(const char *name)
{
	for (int i = 0; i < BI__COUNT; i++)
		if (!strcmp(sema_builtin_names[i], name))
			return i;
	return -1;
}

struct call_info *sema_call_info(struct sema *s, struct ast_node *n, enum builtin_fn fn)
{
	struct call_info *ci = n->call.info;

	if (!ci) {
		ci = arena_alloc(s->a, sizeof(*ci));
		n->call.info = ci;
	}
	ci->fn = fn;
	return ci;
}

bool sema_arity(struct sema *s, struct ast_node *n, unsigned min, unsigned max)
{
	unsigned k = ast_list_len(n->call.args);

	if (k >= min && k <= max)
		return true;
	if (min == max)
		sema_err(s, n->loc, "%s() requires %u argument%s (%u provided)", n->call.name, min,
			 min == 1 ? "" : "s", k);
	else if (k < min)
		sema_err(s, n->loc, "%s() requires at least %u argument%s (%u provided)", n->call.name,
			 min, min == 1 ? "" : "s", k);
	else
		sema_err(s, n->loc, "%s() takes up to %u argument%s (%u provided)", n->call.name, max,
			 max == 1 ? "" : "s", k);
	return false;
}

/* Variables callable as functions: pid(), comm(), nsecs(), ... */
static bool is_var_builtin(enum builtin_fn fn)
{
	return fn <= BI_PPID;
}

static struct ast_node *macro_find(struct sema *s, const char *name, unsigned nargs)
{
	for (size_t i = 0; i < s->macros.n; i++) {
		struct ast_node *m = s->macros.v[i];

		if (!strcmp(m->macro.name, name) && ast_list_len(m->macro.params) == nargs)
			return m;
	}
	for (size_t i = 0; i < s->macros.n; i++) {
		struct ast_node *m = s->macros.v[i];

		if (!strcmp(m->macro.name, name))
			return m;
	}
	return NULL;
}

/* Inlines a macro call as a block expression. Variable parameters ($a) bind to
 * the argument variable by renaming; expression and map parameters are
 * substituted. */
struct subst {
	const char *from;
	struct ast_node *to;
};

static void subst_walk(struct sema *s, struct ast_node **np, struct subst *sb, unsigned n_sb);

static void subst_list(struct sema *s, struct ast_node **head, struct subst *sb, unsigned n_sb)
{
	for (struct ast_node **p = head; *p; p = &(*p)->next)
		subst_walk(s, p, sb, n_sb);
}

static void subst_walk(struct sema *s, struct ast_node **np, struct subst *sb, unsigned n_sb)
{
	struct ast_node *n = *np;

	if (!n)
		return;
	switch (n->kind) {
	case AST_IDENT:
	case AST_VAR:
	case AST_MAP: {
		const char *nm = n->kind == AST_IDENT ? n->ident.name : n->kind == AST_VAR ? n->var.name : n->map.name;

		if (n->kind == AST_MAP)
			subst_list(s, &n->map.keys, sb, n_sb);
		for (unsigned i = 0; i < n_sb; i++) {
			if (sb[i].from != nm)
				continue;
			if (n->kind == AST_MAP && sb[i].to->kind == AST_MAP) {
				n->map.name = sb[i].to->map.name;
			} else if (n->kind != AST_MAP) {
				struct ast_node *c = ast_clone(s->cx, sb[i].to);

				c->next = n->next;
				*np = c;
			}
			return;
		}
		if (n->kind == AST_VAR && s->macro_suffix) {
			/* a variable local to the macro body: give it a private name */
			char buf[256];

			snprintf(buf, sizeof(buf), "%s%s", n->var.name, s->macro_suffix);
			n->var.name = str_intern0(s->a, buf);
		}
		return;
	}
	case AST_BLOCK:
	case AST_BLOCK_EXPR:
		subst_list(s, &n->block.stmts, sb, n_sb);
		subst_walk(s, &n->block.expr, sb, n_sb);
		return;
	case AST_EXPR_STMT:
		subst_walk(s, &n->stmt.expr, sb, n_sb);
		return;
	case AST_ASSIGN:
		subst_walk(s, &n->assign.lhs, sb, n_sb);
		subst_walk(s, &n->assign.rhs, sb, n_sb);
		return;
	case AST_LET:
		subst_walk(s, &n->let.var, sb, n_sb);
		subst_walk(s, &n->let.typ, sb, n_sb);
		subst_walk(s, &n->let.init, sb, n_sb);
		return;
	case AST_IF:
	case AST_TERNARY:
		subst_walk(s, &n->cond.cond, sb, n_sb);
		subst_walk(s, &n->cond.then, sb, n_sb);
		subst_walk(s, &n->cond.els, sb, n_sb);
		return;
	case AST_WHILE:
	case AST_UNROLL:
		subst_walk(s, &n->loop.cond, sb, n_sb);
		subst_walk(s, &n->loop.body, sb, n_sb);
		return;
	case AST_FOR_MAP:
	case AST_FOR_RANGE:
		subst_walk(s, &n->for_.var, sb, n_sb);
		subst_walk(s, &n->for_.iter, sb, n_sb);
		subst_walk(s, &n->for_.end, sb, n_sb);
		subst_walk(s, &n->for_.body, sb, n_sb);
		return;
	case AST_JUMP:
		subst_walk(s, &n->jump.value, sb, n_sb);
		return;
	case AST_CALL:
		subst_list(s, &n->call.args, sb, n_sb);
		return;
	case AST_BINOP:
		subst_walk(s, &n->bin.l, sb, n_sb);
		subst_walk(s, &n->bin.r, sb, n_sb);
		return;
	case AST_UNOP:
		subst_walk(s, &n->un.e, sb, n_sb);
		return;
	case AST_FIELD:
		subst_walk(s, &n->field.e, sb, n_sb);
		return;
	case AST_INDEX:
		subst_walk(s, &n->index.e, sb, n_sb);
		subst_walk(s, &n->index.index, sb, n_sb);
		return;
	case AST_TUPLE_INDEX:
		subst_walk(s, &n->tindex.e, sb, n_sb);
		return;
	case AST_CAST:
		subst_walk(s, &n->cast.e, sb, n_sb);
		return;
	case AST_TUPLE:
	case AST_RECORD:
		subst_list(s, &n->tuple.elems, sb, n_sb);
		return;
	case AST_NAMED:
		subst_walk(s, &n->named.e, sb, n_sb);
		return;
	case AST_SIZEOF:
	case AST_TYPEOF:
	case AST_COMPTIME:
		subst_walk(s, &n->size.arg, sb, n_sb);
		return;
	default:
		return;
	}
}

/* True if @in lies inside @outer in the same source. */
static bool loc_within(const struct loc *in, const struct loc *outer)
{
	return in->src == outer->src && in->off >= outer->off &&
	       in->off + in->len <= outer->off + outer->len;
}

static const struct type *macro_call(struct sema *s, struct ast_node **np, struct ast_node *m)
{
	struct ast_node *n = *np, *body, *a, *p;
	struct subst sb[16];
	unsigned n_sb = 0;
	const struct type *t;

	if (ast_list_len(m->macro.params) != ast_list_len(n->call.args)) {
		sema_err(s, n->loc, "Call to %s() has the wrong number of arguments", n->call.name);
		return NULL;
	}
	for (int i = 0; i < s->macro_depth && i < (int)ARRAY_SIZE(s->macro_stack); i++) {
		struct sbuf chain = { 0 };
		bool from_body = false;

		if (s->macro_stack[i] != m)
			continue;
		/* a call written in the body of a macro being expanded (from the
		 * i-th on) recurses; one that came in through an argument
		 * (add_one(add_one(1) + 1)) was written by the caller */
		for (int j = i; j < s->macro_depth && j < (int)ARRAY_SIZE(s->macro_stack); j++)
			from_body |= loc_within(&n->loc, &s->macro_stack[j]->macro.body->loc);
		if (!from_body)
			continue;
		/* recursion is refused at once (two self-calls per body would
		 * otherwise expand 2^depth times), as bpftrace does */
		for (int j = i; j < s->macro_depth && j < (int)ARRAY_SIZE(s->macro_stack); j++)
			sbuf_printf(&chain, "%s > ", s->macro_stack[j]->macro.name);
		sema_err(s, n->loc, "Recursive macro call detected. Call chain: %s%s",
			 sbuf_str(&chain), m->macro.name);
		sbuf_fini(&chain);
		return NULL;
	}
	if (s->macro_depth > 32) {
		sema_err(s, n->loc, "Recursive macro call: %s", n->call.name);
		return NULL;
	}
	for (p = m->macro.params, a = n->call.args; p && a && n_sb < 16; p = p->next, a = a->next) {
		const char *nm = p->kind == AST_VAR ? p->var.name : p->kind == AST_MAP ? p->map.name : p->ident.name;

		if (p->kind == AST_VAR && a->kind != AST_VAR) {
			sema_err(s, a->loc, "Mismatched arg to macro call %s. Expected a variable for %s",
				 n->call.name, nm);
			return NULL;
		}
		if (p->kind == AST_MAP && a->kind != AST_MAP) {
			sema_err(s, a->loc, "Mismatched arg to macro call %s. Expected a map for %s",
				 n->call.name, nm);
			return NULL;
		}
		sb[n_sb].from = nm;
		sb[n_sb].to = a;
		n_sb++;
	}
	body = ast_clone(s->cx, m->macro.body);
	if (body->kind == AST_BLOCK) {
		/* last expression statement is the value */
		struct ast_node **last = NULL;

		for (struct ast_node **sp = &body->block.stmts; *sp; sp = &(*sp)->next)
			last = sp;
		body->kind = AST_BLOCK_EXPR;
		if (last && (*last)->kind == AST_EXPR_STMT) {
			body->block.expr = (*last)->stmt.expr;
			*last = NULL;
		}
	}
	{
		char suf[32];

		snprintf(suf, sizeof(suf), "$m%u", ++s->n_macro_exp);
		s->macro_suffix = suf;
		subst_walk(s, &body, sb, n_sb);
		s->macro_suffix = NULL;
	}
	body->loc = n->loc;
	body->next = n->next;
	*np = body;
	if (s->macro_depth >= 0 && (size_t)s->macro_depth < ARRAY_SIZE(s->macro_sites)) {
		s->macro_sites[s->macro_depth] = n->loc;
		s->macro_stack[s->macro_depth] = m;
	}
	s->macro_depth++;
	t = sema_expr(s, np);
	s->macro_depth--;
	return t;
}

/* Finds --name[=value] among the named parameters; *val gets the value or
 * NULL for a bare flag. */
static bool named_param(struct sema *s, const char *name, const char **val)
{
	size_t len = strlen(name);

	for (uint32_t i = 0; s->o && i < s->o->n_named_params; i++) {
		const char *p = s->o->named_params[i];

		while (*p == '-')
			p++;
		if (strncmp(p, name, len))
			continue;
		if (p[len] == '=') {
			*val = p + len + 1;
			return true;
		}
		if (!p[len]) {
			*val = NULL;
			return true;
		}
	}
	return false;
}

/* getopt("name"[, default[, description]]): a literal from the command line. */
static const struct type *getopt_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *a = n->call.args, *def, *lit;
	const char *val = NULL;
	bool given;

	if (!a || a->kind != AST_STR) {
		sema_err(s, n->loc, "getopt() expects a string literal name");
		return NULL;
	}
	def = a->next;
	if (!s->is_discovery)
		ptrvec_push(&s->getopts, (void *)a->str.s);
	if (!s->is_discovery)
		ptrvec_push(&s->getopt_descs, (void *)(def && def->next && def->next->kind == AST_STR ?
						def->next->str.s : NULL));
	given = named_param(s, a->str.s, &val);
	if (!def || def->kind == AST_BOOL) {
		bool b = def ? def->boolean.v : false;

		if (given) {
			if (!val || !strcasecmp(val, "true") || !strcmp(val, "1"))
				b = true;
			else if (!strcasecmp(val, "false") || !strcmp(val, "0"))
				b = false;
			else
				diag_plain_error(s->d, "program command line option --%s invalid boolean (value: %s)",
						 a->str.s, val);
		}
		lit = ast_new(s->cx, AST_BOOL, n->loc);
		lit->boolean.v = b;
	} else if (def->kind == AST_STR) {
		const char *v = given && val ? val : def->str.s;

		lit = ast_str(s->cx, n->loc, v, strlen(v));
	} else {
		int64_t dv = 0;

		if (!sema_const_int(def, &dv)) {
			sema_expr(s, &a->next);
			if (!sema_const_int(a->next, &dv)) {
				sema_err(s, def->loc, "getopt() default must be a literal");
				return NULL;
			}
		}
		lit = ast_int(s->cx, n->loc, (uint64_t)dv);
		lit->num.is_negative = dv < 0;
		if (given) {
			char *end;

			if (val && *val == '-') {
				long long x = strtoll(val, &end, 0);

				lit->num.v = (uint64_t)x;
				lit->num.is_negative = x < 0;
			} else if (val) {
				lit->num.v = strtoull(val, &end, 0);
				lit->num.is_negative = false;
			}
			if (!val || !*val || *end)
				diag_plain_error(s->d, "program command line option --%s invalid integer (value: %s)",
						 a->str.s, val ? val : "");
		}
	}
	lit->next = n->next;
	*np = lit;
	return sema_expr(s, np);
}

/* After typing: named parameters that no getopt() asked for. */
void sema_check_named_params(struct sema *s)
{
	struct sbuf bad = { 0 }, want = { 0 };

	for (uint32_t i = 0; s->o && i < s->o->n_named_params; i++) {
		if (strcmp(s->o->named_params[i], "--help") && strcmp(s->o->named_params[i], "help"))
			continue;
		/* --help: the options the program asks for, then stop */
		fprintf(s->d->out, "HINT: expected program options:\n");
		for (size_t k = s->getopts.n; k-- > 0;) {
			const char *desc = s->getopt_descs.v[k];

			fprintf(s->d->out, "  --%s%s%s\n", (const char *)s->getopts.v[k], desc ? ": " : "",
				desc ? desc : "");
		}
		s->d->n_errors++;
		return;
	}

	for (uint32_t i = 0; s->o && i < s->o->n_named_params; i++) {
		const char *p = s->o->named_params[i], *q;
		size_t len;
		bool found = false;

		while (*p == '-')
			p++;
		q = strchr(p, '=');
		len = q ? (size_t)(q - p) : strlen(p);
		for (size_t k = 0; k < s->getopts.n; k++) {
			const char *g = s->getopts.v[k];

			found |= strlen(g) == len && !strncmp(g, p, len);
		}
		if (!found)
			sbuf_printf(&bad, "%s--%.*s", bad.len ? ", " : "", (int)len, p);
	}
	if (bad.len) {
		for (size_t k = 0; k < s->getopts.n; k++) {
			bool dup = false;

			for (size_t j = 0; j < k; j++)
				dup |= !strcmp(s->getopts.v[j], s->getopts.v[k]);
			if (!dup)
				sbuf_printf(&want, "%s--%s", want.len ? ", " : "", (const char *)s->getopts.v[k]);
		}
		diag_plain_error(s->d, "unexpected program command line options: %s", sbuf_str(&bad));
		if (want.len)
			diag_hint(s->d, "expected program options: %s", sbuf_str(&want));
	}
	sbuf_fini(&bad);
	sbuf_fini(&want);
}

const struct type *sema_call(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *m;
	int fn;
	const struct type *st;

	if (sema_stdlib_call(s, np, &st))
		return st;
	if (!strcmp(n->call.name, "getopt"))
		return getopt_call(s, np);
	if (!strcmp(n->call.name, "cgroup_path")) {
		/* the id, printed by user space as the cgroup's path */
		struct ast_node *c;
		const struct type *t;

		if (!n->call.args || !(t = sema_expr(s, &n->call.args)) || !sema_ty_is_int(t)) {
			sema_err(s, n->loc, "cgroup_path() expects an integer cgroup id");
			return NULL;
		}
		c = ast_new(s->cx, AST_CAST, n->loc);
		c->cast.e = n->call.args;
		c->cast.e->next = NULL;
		c->type = sema_ty_simple(s, TY_CGROUP_PATH, 8);
		c->next = n->next;
		*np = c;
		return c->type;
	}
	if (!strcmp(n->call.name, "signal_name")) {
		/* signal_name(N) of a constant: the C library's description */
		int64_t k;
		const char *d;
		struct ast_node *lit;

		if (!n->call.args || n->call.args->next || !sema_expr(s, &n->call.args) ||
		    !sema_const_int(n->call.args, &k)) {
			sema_err(s, n->loc, "signal_name() expects one integer literal");
			return NULL;
		}
		d = k >= 0 && k < 65 ? strsignal((int)k) : "N/A";
		if (!d)
			d = "N/A";
		lit = ast_str(s->cx, n->loc, d, strlen(d));
		lit->next = n->next;
		*np = lit;
		return sema_expr(s, np);
	}
	if (!strcmp(n->call.name, "pton")) {
		/* pton("1.2.3.4") / pton("::1"): the address bytes, at compile time */
		unsigned char buf[16];
		struct ast_node *a = n->call.args, *lit;
		struct type *t;
		int len;

		if (!a || a->kind != AST_STR || a->next) {
			sema_err(s, n->loc, "pton() expects one string literal argument");
			return NULL;
		}
		if (inet_pton(AF_INET, a->str.s, buf) == 1)
			len = 4;
		else if (inet_pton(AF_INET6, a->str.s, buf) == 1)
			len = 16;
		else {
			sema_err(s, a->loc, "pton() expects an IPv4 or IPv6 address, got '%s'", a->str.s);
			return NULL;
		}
		lit = ast_str(s->cx, n->loc, (const char *)buf, len);
		t = sema_ty_new(s, TY_ARRAY, len);
		t->elem = sema_ty_int(s, 1, false);
		t->n = len;
		t->align = 1;
		lit->type = t;
		lit->next = n->next;
		*np = lit;
		return t;
	}

	m = macro_find(s, n->call.name, ast_list_len(n->call.args));
	if (m && ast_list_len(m->macro.params) != ast_list_len(n->call.args) &&
	    sema_builtin_lookup(n->call.name) >= 0)
		m = NULL; /* macro cpu(x) leaves cpu() the builtin */
	if (m)
		return macro_call(s, np, m);
	fn = sema_builtin_lookup(n->call.name);
	if (fn < 0) {
		struct ptrvec names = { 0 };
		const char *best;

		/* the program's macros first, then the builtins */
		for (size_t i = 0; i < s->macros.n; i++)
			ptrvec_push(&names, (void *)((struct ast_node *)s->macros.v[i])->macro.name);
		for (size_t i = 0; i < BI__COUNT; i++)
			ptrvec_push(&names, (void *)sema_builtin_names[i]);
		best = util_closest(n->call.name, (const char *const *)names.v, names.n);
		ptrvec_fini(&names);
		sema_err(s, n->loc, "Unknown function: '%s'", n->call.name);
		if (best)
			diag_hint(s->d, "did you mean '%s'?", best);
		return NULL;
	}
	if (is_var_builtin(fn))
		return sema_builtin_var(s, np, fn);
	switch (fn) {
	case BI_PRINTF:
	case BI_ERRORF:
	case BI_WARNF:
	case BI_PRINT:
	case BI_TIME:
	case BI_SYSTEM:
	case BI_CAT:
	case BI_JOIN:
	case BI_DEBUGF:
	case BI_EXIT:
	case BI_SIGNAL:
	case BI_OVERRIDE:
		n->type = sema_bi_print(s, n, fn);
		break;
	case BI_COUNT:
	case BI_SUM:
	case BI_AVG:
	case BI_MIN:
	case BI_MAX:
	case BI_STATS:
	case BI_HIST:
	case BI_LHIST:
	case BI_TSERIES:
	case BI_CLEAR:
	case BI_ZERO:
	case BI_DELETE:
	case BI_LEN:
	case BI_HAS_KEY:
		n->type = sema_bi_agg(s, n, fn);
		break;
	default:
		n->type = sema_bi_mem(s, n, fn);
		break;
	}
	return n->type;
}
