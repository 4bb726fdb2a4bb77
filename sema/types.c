/* types.c — the typing walk: resolves $variables through scopes.c, gives every
 * expression a type, fixes map key/value types (maps.c), checks builtin calls
 * (builtin_*.c) and makes every implicit conversion an explicit AST_CAST, so
 * codegen never has to guess.
 *
 * The walk runs twice: first a muted discovery walk over a copy of every probe
 * (so a map assigned in a later probe is known when an earlier one reads it),
 * then the real walk, which reports errors and rewrites the tree. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

static void stmt(struct sema *s, struct ast_node **np);
static const struct type *unify_branches(struct sema *s, struct ast_node *n, struct ast_node **a,
					 struct ast_node **b);
static void block(struct sema *s, struct ast_node *b);

bool sema_const_int(const struct ast_node *n, int64_t *out)
{
	if (!n)
		return false;
	if (n->kind == AST_INT) {
		*out = (int64_t)n->num.v;
		return true;
	}
	if (n->kind == AST_CAST && n->type && n->type->kind == TY_INT)
		return sema_const_int(n->cast.e, out);
	if (n->kind == AST_UNOP && n->un.op == AST_OP_NEG && sema_const_int(n->un.e, out)) {
		*out = (int64_t)(0 - (uint64_t)*out); /* wraps, as the BPF code would */
		return true;
	}
	if (n->kind == AST_BINOP) {
		int64_t a, b;

		if (!sema_const_int(n->bin.l, &a) || !sema_const_int(n->bin.r, &b))
			return false;
		switch (n->bin.op) {
		case AST_OP_ADD:
			*out = (int64_t)((uint64_t)a + (uint64_t)b);
			return true;
		case AST_OP_SUB:
			*out = (int64_t)((uint64_t)a - (uint64_t)b);
			return true;
		case AST_OP_MUL:
			*out = (int64_t)((uint64_t)a * (uint64_t)b);
			return true;
		default:
			return false;
		}
	}
	return false;
}

static const struct type *int_literal_type(struct sema *s, const struct ast_node *n)
{
	int64_t v = (int64_t)n->num.v;

	if (n->num.is_negative) {
		if (v >= INT8_MIN)
			return sema_ty_int(s, 1, true);
		if (v >= INT16_MIN)
			return sema_ty_int(s, 2, true);
		if (v >= INT32_MIN)
			return sema_ty_int(s, 4, true);
		return sema_ty_int(s, 8, true);
	}
	if (n->num.v <= INT8_MAX)
		return sema_ty_int(s, 1, true);
	if (n->num.v <= INT16_MAX)
		return sema_ty_int(s, 2, true);
	if (n->num.v <= INT32_MAX)
		return sema_ty_int(s, 4, true);
	if (n->num.v <= INT64_MAX)
		return sema_ty_int(s, 8, true);
	return sema_ty_int(s, 8, false);
}

void sema_cast_to(struct sema *s, struct ast_node **np, const struct type *t)
{
	struct ast_node *e = *np, *c;

	if (!e || !t || !e->type || sema_ty_equal(e->type, t))
		return;
	if (e->kind == AST_INT && t->kind == TY_INT) {
		/* retype the literal in place */
		e->type = t;
		return;
	}
	c = ast_new(s->cx, AST_CAST, e->loc);
	c->cast.e = e;
	c->type = t;
	c->next = e->next;
	e->next = NULL;
	*np = c;
}

/* Whether a value of type @t can be tested for truth. */
static bool truthy(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_ENUM ||
		     t->kind == TY_POINTER);
}

static void cond_expr(struct sema *s, struct ast_node **np)
{
	const struct type *t = sema_expr(s, np);

	if (t && t->kind != TY_NONE && !truthy(t))
		sema_err(s, (*np)->loc, "Invalid condition: %s", sema_ty_name(s, t));
}

static bool is_flex_literal(const struct ast_node *n)
{
	return n->kind == AST_INT && !n->num.is_negative && n->num.v <= INT64_MAX;
}

/* The 64-bit integer type two operands are converted to. */
static const struct type *int_common(struct sema *s, struct ast_node *l, struct ast_node *r,
				     enum ast_op op)
{
	bool ls = l->type->is_signed, rs = r->type->is_signed;

	if (l->type->kind == TY_BOOL)
		ls = false;
	if (r->type->kind == TY_BOOL)
		rs = false;
	if (is_flex_literal(l) && !is_flex_literal(r))
		ls = rs;
	else if (is_flex_literal(r) && !is_flex_literal(l))
		rs = ls;
	if (op == AST_OP_SHL || op == AST_OP_SHR)
		return sema_ty_int(s, 8, ls);
	return sema_ty_int(s, 8, ls || rs || op == AST_OP_SUB);
}

static bool is_cmp(enum ast_op op)
{
	return op == AST_OP_EQ || op == AST_OP_NE || op == AST_OP_LT || op == AST_OP_LE ||
	       op == AST_OP_GT || op == AST_OP_GE;
}

static const struct type *binop(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	enum ast_op op = n->bin.op;
	const struct type *lt, *rt;
	unsigned n_errors = s->d->n_errors;

	lt = sema_expr(s, &n->bin.l);
	rt = sema_expr(s, &n->bin.r);
	if (!lt || !rt || lt->kind == TY_NONE || rt->kind == TY_NONE) {
		/* an operand without a value (printf(), exit()) that reported nothing */
		if (s->d->n_errors == n_errors)
			sema_err(s, n->loc, "Type mismatch for '%s': comparing %s with %s",
				 ast_op_names[op], lt && lt->kind != TY_NONE ? sema_ty_name(s, lt) : "void",
				 rt && rt->kind != TY_NONE ? sema_ty_name(s, rt) : "void");
		return NULL;
	}
	if (op == AST_OP_ADD && (n->bin.l->kind == AST_STR || n->bin.r->kind == AST_STR)) {
		/* "literal" + N folds to the literal's tail */
		struct ast_node *str = n->bin.l->kind == AST_STR ? n->bin.l : n->bin.r;
		struct ast_node *k = str == n->bin.l ? n->bin.r : n->bin.l;

		if (k->kind == AST_INT && !k->num.is_negative && lt->kind != TY_ARRAY &&
		    rt->kind != TY_ARRAY) {
			struct ast_node *lit;

			if (k->num.v >= str->str.len) {
				sema_warn(s, n->loc, "literal string will always be empty");
				lit = ast_str(s->cx, n->loc, "", 0);
			} else {
				lit = ast_str(s->cx, n->loc, str->str.s + k->num.v,
					      str->str.len - (uint32_t)k->num.v);
			}
			lit->next = n->next;
			*np = lit;
			return sema_expr(s, np);
		}
	}
	if (op == AST_OP_ELVIS) {
		/* a ?: b  ->  a ? a : b */
		struct ast_node *t = ast_new(s->cx, AST_TERNARY, n->loc);

		t->cond.cond = n->bin.l;
		t->cond.then = ast_clone(s->cx, n->bin.l);
		t->cond.then->type = lt;
		t->cond.els = n->bin.r;
		t->next = n->next;
		*np = t;
		sema_expr(s, &t->cond.then);
		return unify_branches(s, t, &t->cond.then, &t->cond.els);
	}
	if (op == AST_OP_LAND || op == AST_OP_LOR) {
		if (!truthy(lt) || !truthy(rt)) {
			sema_err(s, n->loc, "The %s operator can not be used on expressions of types %s, %s",
				 ast_op_names[op], sema_ty_name(s, lt), sema_ty_name(s, rt));
			return NULL;
		}
		return sema_ty_bool(s);
	}
	if (lt->kind == TY_STRING && rt->kind == TY_STRING) {
		if (op != AST_OP_EQ && op != AST_OP_NE) {
			sema_err(s, n->loc, "The %s operator can not be used on expressions of types %s, %s",
				 ast_op_names[op], sema_ty_name(s, lt), sema_ty_name(s, rt));
			return NULL;
		}
		return sema_ty_bool(s);
	}
	if ((lt->kind == TY_TUPLE || lt->kind == TY_RECORD || lt->kind == TY_ARRAY || lt->kind == TY_BUFFER) &&
	    (op == AST_OP_EQ || op == AST_OP_NE)) {
		if (lt->kind == TY_BUFFER && rt->kind == TY_BUFFER && lt->size != rt->size) {
			struct type *ct = sema_ty_new(s, TY_BUFFER, lt->size > rt->size ? lt->size : rt->size);

			ct->align = 4;
			sema_cast_to(s, &n->bin.l, ct);
			sema_cast_to(s, &n->bin.r, ct);
		} else if (!sema_ty_equal(lt, rt)) {
			struct type *ct = sema_ty_storage(s, lt);

			if (!sema_unify(s, ct, rt)) {
				sema_err(s, n->loc, "The %s operator can not be used on expressions of types %s, %s",
					 ast_op_names[op], sema_ty_name(s, lt), sema_ty_name(s, rt));
				return NULL;
			}
			sema_cast_to(s, &n->bin.l, ct);
			sema_cast_to(s, &n->bin.r, ct);
		}
		return sema_ty_bool(s);
	}
	if (lt->kind == TY_BOOL && rt->kind == TY_BOOL &&
	    (is_cmp(op) || op == AST_OP_BAND || op == AST_OP_BOR || op == AST_OP_BXOR))
		return sema_ty_bool(s);
	if (lt->kind == TY_POINTER || rt->kind == TY_POINTER) {
		bool lp = lt->kind == TY_POINTER;
		const struct type *other = lp ? rt : lt;

		if (is_cmp(op)) {
			if (other->kind != TY_POINTER)
				sema_cast_to(s, lp ? &n->bin.r : &n->bin.l, sema_ty_int(s, 8, false));
			if (lt->kind == TY_POINTER)
				sema_cast_to(s, &n->bin.l, sema_ty_int(s, 8, false));
			if (rt->kind == TY_POINTER)
				sema_cast_to(s, &n->bin.r, sema_ty_int(s, 8, false));
			return sema_ty_bool(s);
		}
		if ((op == AST_OP_ADD || (op == AST_OP_SUB && lp)) && sema_ty_is_int(other)) {
			sema_cast_to(s, lp ? &n->bin.r : &n->bin.l, sema_ty_int(s, 8, true));
			return lp ? lt : rt;
		}
		sema_err(s, n->loc, "The %s operator can not be used on expressions of types %s, %s",
			 ast_op_names[op], sema_ty_name(s, lt), sema_ty_name(s, rt));
		return NULL;
	}
	if (is_cmp(op) && lt->kind == rt->kind && lt->size == 8 &&
	    (lt->kind == TY_USERNAME || lt->kind == TY_KSYM || lt->kind == TY_CGROUP_PATH ||
	     lt->kind == TY_TIMESTAMP || lt->kind == TY_KSTACK)) {
		sema_cast_to(s, &n->bin.l, sema_ty_int(s, 8, false));
		sema_cast_to(s, &n->bin.r, sema_ty_int(s, 8, false));
		return sema_ty_bool(s);
	}
	if ((sema_ty_is_int(lt) || lt->kind == TY_BOOL) && (sema_ty_is_int(rt) || rt->kind == TY_BOOL)) {
		const struct type *ct = int_common(s, n->bin.l, n->bin.r, op);

		if (lt->kind == TY_ENUM && rt->kind == TY_ENUM && is_cmp(op))
			ct = sema_ty_int(s, 8, false);
		sema_cast_to(s, &n->bin.l, ct);
		sema_cast_to(s, &n->bin.r, ct);
		return is_cmp(op) ? sema_ty_bool(s) : ct;
	}
	sema_err(s, n->loc, "The %s operator can not be used on expressions of types %s, %s",
		 ast_op_names[op], sema_ty_name(s, lt), sema_ty_name(s, rt));
	return NULL;
}

/* An lvalue for ++/--: $var or @map[...]. */
static const struct type *incdec(struct sema *s, struct ast_node *n)
{
	struct ast_node *e = n->un.e;

	if (e->kind == AST_VAR) {
		struct var_info *v = sema_var_lookup(s, e->var.name);

		if (!v) {
			v = sema_var_declare(s, e->var.name, sema_ty_int(s, 8, true));
		}
		e->var.info = v;
		e->type = v->type;
		if (v->type && v->type->kind == TY_POINTER)
			return v->type;
		if (v->type && v->type->kind == TY_INT && v->type->btf_id != -2) {
			/* ++/-- yield 64-bit values: the variable grows to hold them */
			struct type *vt = (struct type *)v->type;

			vt->size = 8;
			vt->align = 8;
			if (n->un.op == AST_OP_DEC)
				vt->is_signed = true;
		}
		if (!v->type || !sema_ty_is_int(v->type)) {
			sema_err(s, n->loc, "The %s operator must be applied to an integer", ast_op_names[n->un.op]);
			return NULL;
		}
		return v->type;
	}
	if (e->kind == AST_MAP) {
		struct map_info *m;
		struct ast_node *one = ast_int(s->cx, n->loc, 0);

		sema_map_keys(s, e);
		m = sema_map_get(s, e);
		one->type = sema_ty_int(s, 8, true);
		if (!m->value_type)
			sema_map_assign(s, e, &one);
		e->type = m->value_type;
		if (m->value_type && m->value_type->kind == TY_POINTER)
			return m->value_type;
		if (!m->value_type || !sema_ty_is_int(m->value_type)) {
			sema_err(s, n->loc, "The %s operator must be applied to an integer", ast_op_names[n->un.op]);
			return NULL;
		}
		return m->value_type;
	}
	sema_err(s, n->loc, "The %s operator must be applied to a map or variable", ast_op_names[n->un.op]);
	return NULL;
}

static const struct type *struct_fields(struct sema *s, const struct type *t);

static const struct type *unop(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *t;

	if (n->un.op == AST_OP_INC || n->un.op == AST_OP_DEC)
		return incdec(s, n);
	if (n->un.op == AST_OP_NEG && n->un.e->kind == AST_INT && !n->un.e->num.is_negative) {
		/* fold -literal */
		struct ast_node *lit = n->un.e;

		lit->num.v = -lit->num.v;
		lit->num.is_negative = lit->num.v != 0;
		lit->loc = n->loc;
		lit->next = n->next;
		*np = lit;
		lit->type = int_literal_type(s, lit);
		return lit->type;
	}
	t = sema_expr(s, &n->un.e);
	if (!t)
		return NULL;
	switch (n->un.op) {
	case AST_OP_NOT:
		if (!truthy(t)) {
			sema_err(s, n->loc, "The ! operator can not be used on expressions of type %s",
				 sema_ty_name(s, t));
			return NULL;
		}
		return sema_ty_bool(s);
	case AST_OP_BNOT:
	case AST_OP_NEG:
	case AST_OP_PLUS:
		if (!sema_ty_is_int(t) && t->kind != TY_BOOL) {
			sema_err(s, n->loc, "The %s operator can not be used on expressions of type %s",
				 ast_op_names[n->un.op], sema_ty_name(s, t));
			return NULL;
		}
		if (n->un.op == AST_OP_PLUS)
			return t;
		{
			const struct type *r = sema_ty_int(s, 8, n->un.op == AST_OP_NEG ? true :
							   is_flex_literal(n->un.e) ? false : t->is_signed);

			sema_cast_to(s, &n->un.e, r);
			return r;
		}
	case AST_OP_DEREF:
		if (sema_ty_is_int(t) && t->kind == TY_INT) {
			/* *addr of an integer (kaddr()): reads a uint64 of kernel memory */
			sema_cast_to(s, &n->un.e, sema_ty_ptr(s, sema_ty_int(s, 8, false), AS_KERNEL));
			return sema_ty_int(s, 8, false);
		}
		if (t->kind != TY_POINTER) {
			/* bpftrace v0.26.1's words */
			if (t->kind == TY_STRUCT || t->kind == TY_UNION) {
				sema_err(s, n->loc, "Can not dereference struct/union of type '%s'. It is "
					 "not a pointer.", sema_ty_name(s, t));
				diag_hint(s->d, "read its fields with '.'");
			} else {
				sema_err(s, n->loc, "Can not dereference type '%s'. It is not a pointer.",
					 sema_ty_name(s, t));
				diag_hint(s->d, "only pointers and integer addresses can be dereferenced");
			}
			return NULL;
		}
		if (!t->elem || t->elem->kind == TY_VOID) {
			sema_err(s, n->loc, "Can not dereference a void pointer");
			return NULL;
		}
		if (t->elem->kind == TY_POINTER && t->as != AS_NONE && t->elem->as != t->as) {
			/* a pointer read from user memory points into user memory */
			struct type *c = sema_ty_storage(s, t->elem);

			c->as = t->as;
			return c;
		}
		{
			/* a kernel struct behind a pointer comes shallow (name and
			 * BTF id): the value needs its members (print(*args.path)) */
			const struct type *e = struct_fields(s, t->elem);

			if (e != t->elem && e->as != t->elem->as) {
				struct type *c = arena_alloc(s->a, sizeof(*c));

				*c = *e;
				c->as = t->elem->as;
				e = c;
			}
			return e;
		}
	case AST_OP_ADDR:
		return sema_ty_ptr(s, t, AS_KERNEL);
	default:
		sema_err(s, n->loc, "unsupported operator %s", ast_op_names[n->un.op]);
		return NULL;
	}
}

/* Common type of two branches (ternary); casts both. */
static const struct type *unify_branches(struct sema *s, struct ast_node *n, struct ast_node **a,
					 struct ast_node **b)
{
	const struct type *ta = (*a)->type, *tb = (*b)->type;

	if (!ta || !tb)
		return NULL;
	if ((sema_ty_is_int(ta) || ta->kind == TY_BOOL) && (sema_ty_is_int(tb) || tb->kind == TY_BOOL)) {
		const struct type *ct;

		if (ta->kind == TY_BOOL && tb->kind == TY_BOOL)
			return ta;
		if (ta->kind == TY_ENUM && sema_ty_equal(ta, tb))
			return ta;
		ct = int_common(s, *a, *b, AST_OP_ADD);
		sema_cast_to(s, a, ct);
		sema_cast_to(s, b, ct);
		return ct;
	}
	if (ta->kind == TY_BUFFER && tb->kind == TY_BUFFER) {
		struct type *ct = sema_ty_new(s, TY_BUFFER, ta->size > tb->size ? ta->size : tb->size);

		ct->align = 4;
		sema_cast_to(s, a, ct);
		sema_cast_to(s, b, ct);
		return ct;
	}
	if (ta->kind == TY_STRING && tb->kind == TY_STRING) {
		const struct type *ct = sema_ty_string(s, ta->size > tb->size ? ta->size : tb->size);

		sema_cast_to(s, a, ct);
		sema_cast_to(s, b, ct);
		return ct;
	}
	if (ta->kind == TY_NONE && tb->kind == TY_NONE)
		return ta;
	if ((ta->kind == TY_TUPLE || ta->kind == TY_RECORD) && ta->kind == tb->kind) {
		struct type *ct = sema_ty_storage(s, ta);

		if (sema_unify(s, ct, tb)) {
			sema_cast_to(s, a, ct);
			sema_cast_to(s, b, ct);
			return ct;
		}
	}
	if (sema_ty_equal(ta, tb))
		return ta;
	sema_err(s, n->loc, "Ternary operator must return the same type: have '%s' and '%s'",
		 sema_ty_name(s, ta), sema_ty_name(s, tb));
	return NULL;
}

static const struct type *struct_fields(struct sema *s, const struct type *t)
{
	if ((t->kind == TY_STRUCT || t->kind == TY_UNION) && !t->n_fields && t->btf_id > 0) {
		const struct type *full = sema_btf_type_id(s, t->btf_id);

		if (full)
			return full;
	}
	return t;
}

/* Field @name of @st, looking into anonymous struct/union members; *off gets
 * its offset from the start of @st. */
static const struct type_field *find_field(struct sema *s, const struct type *st, const char *name,
					   uint32_t *off)
{
	for (uint32_t j = 0; j < st->n_fields; j++) {
		const struct type_field *f = &st->fields[j];

		if (f->name && !strcmp(f->name, name)) {
			*off = f->offset;
			return f;
		}
	}
	for (uint32_t j = 0; j < st->n_fields; j++) {
		const struct type_field *f = &st->fields[j], *r;
		uint32_t o;

		if (!f->name || f->name[0] || !f->type)
			continue;
		r = find_field(s, struct_fields(s, f->type), name, &o);
		if (r) {
			*off = f->offset + o;
			return r;
		}
	}
	return NULL;
}

/* Pushes the field names of @st, anonymous members' fields included. */
static void field_names(struct sema *s, const struct type *st, struct ptrvec *out, int depth)
{
	for (uint32_t j = 0; j < st->n_fields; j++) {
		const struct type_field *f = &st->fields[j];

		if (f->name && f->name[0])
			ptrvec_push(out, (void *)f->name);
		else if (f->type && depth < 8)
			field_names(s, struct_fields(s, f->type), out, depth + 1);
	}
}

/* After a missing field error: "did you mean" the closest field of @st. */
static void hint_field(struct sema *s, const struct type *st, const char *name)
{
	struct ptrvec names = { 0 };
	const char *best;

	field_names(s, st, &names, 0);
	best = util_closest(name, (const char *const *)names.v, names.n);
	if (best)
		diag_hint(s->d, "did you mean '%s'?", best);
	ptrvec_fini(&names);
}

static const struct type *field(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *t = sema_expr(s, &n->field.e), *st;

	if (!t)
		return NULL;
	st = t;
	if (t->kind == TY_POINTER && t->elem)
		st = t->elem;
	st = struct_fields(s, st);
	if (st->kind != TY_STRUCT && st->kind != TY_UNION && st->kind != TY_RECORD) {
		if (t->kind == TY_TUPLE) {
			sema_err(s, n->loc, "Can not access field '%s' on a tuple", n->field.name);
			return NULL;
		}
		sema_err(s, n->loc, "Can not access field '%s' on expression of type '%s'",
			 n->field.name, sema_ty_name(s, t));
		return NULL;
	}
	for (uint32_t i = 0; i < st->n_fields; i++) {
		if (st->fields[i].name && !strcmp(st->fields[i].name, n->field.name)) {
			const struct type *ft = st->fields[i].type;

			n->field.field = &st->fields[i];
			if (st->fields[i].is_data_loc)
				return sema_ty_int(s, 8, true);
			if (ft->kind == TY_STRING && st->kind != TY_RECORD) {
				/* char[N] read as a string: room for the NUL (codegen reads N) */
				return sema_ty_string(s, ft->size + 1);
			}
			if (t->kind == TY_POINTER && ft->kind == TY_POINTER &&
			    (ft->as == AS_NONE || (t->as == AS_USER && ft->as != AS_USER))) {
				struct type *c = sema_ty_storage(s, ft);

				c->size = ft->size;
				c->as = t->as;
				ft = c;
			}
			return ft;
		}
	}
	/* anonymous struct/union members */
	{
		uint32_t o = 0;
		const struct type_field *af = find_field(s, st, n->field.name, &o);

		if (af) {
			struct type_field *f = arena_alloc(s->a, sizeof(*f));

			*f = *af;
			f->offset = o;
			n->field.field = f;
			return f->type;
		}
	}
	if (st->kind == TY_STRUCT && n->field.e->kind == AST_CALL && n->field.e->call.info &&
	    n->field.e->call.info->fn == BI_ARGS)
		sema_err(s, n->loc, "Can't find a field %s", n->field.name);
	else
		sema_err(s, n->loc, "Struct/union of type '%s' does not contain a field named '%s'",
			 st->name ? st->name : sema_ty_name(s, st), n->field.name);
	hint_field(s, st, n->field.name);
	return NULL;
}

static const struct type *tuple_expr(struct sema *s, struct ast_node *n)
{
	uint32_t cnt = ast_list_len(n->tuple.elems), i = 0;
	const struct type **el = arena_alloc(s->a, sizeof(*el) * (cnt + 1));
	const char **names = n->kind == AST_RECORD ? arena_alloc(s->a, sizeof(*names) * (cnt + 1)) : NULL;
	struct ast_node **pp = &n->tuple.elems;
	bool bad = false;

	for (; *pp; pp = &(*pp)->next, i++) {
		struct ast_node **ep = pp;
		const struct type *t;

		if ((*pp)->kind == AST_NAMED) {
			names[i] = (*pp)->named.name;
			for (uint32_t j = 0; j < i; j++)
				if (names[j] == names[i])
					sema_err(s, (*pp)->loc, "Named argument list already contains name: %s",
						 names[i]);
			ep = &(*pp)->named.e;
		}
		t = sema_expr(s, ep);
		if (!t || t->kind == TY_NONE) {
			if (t)
				sema_err(s, (*ep)->loc, "Invalid expression in tuple");
			bad = true;
			continue;
		}
		if (sema_ty_is_agg(t)) {
			sema_err(s, (*ep)->loc, "Map type %s cannot exist inside a tuple.", sema_ty_name(s, t));
			bad = true;
			continue;
		}
		el[i] = (*ep)->type;
		if ((*pp)->kind == AST_NAMED)
			(*pp)->type = el[i];
	}
	if (bad)
		return NULL;
	return sema_ty_tuple(s, el, names, cnt);
}

/* The type named by typeof(@tn's argument): a type, a type name parsed as an
 * identifier, or the type of an expression (checked, not evaluated). */
static const struct type *typeof_type(struct sema *s, struct ast_node *tn)
{
	struct ast_node *a = tn->size.arg;
	const struct type *t = NULL;

	if (a->kind == AST_IDENT) {
		/* typeof(size_t): a type name parsed as an identifier */
		struct ast_node fake = { 0 };
		bool saved = s->is_discovery;

		fake.kind = AST_TYPE;
		fake.loc = a->loc;
		fake.typ.base = a->ident.name;
		s->is_discovery = true;
		t = sema_ty_resolve(s, &fake);
		s->is_discovery = saved;
	}
	if (!t)
		t = a->kind == AST_TYPE ? sema_ty_resolve(s, a) : sema_expr(s, &tn->size.arg);
	return t;
}

/* Where cast errors point, as bpftrace: the "(type)" part of cast @n, up to
 * its closing parenthesis. */
static struct loc cast_type_loc(const struct ast_node *n)
{
	struct loc l = n->loc;
	const struct ast_node *typ = n->cast.typ;
	const char *text = l.src ? l.src->text : NULL;
	uint32_t end;

	if (!typ || !text || typ->loc.src != l.src || typ->loc.line != l.line)
		return l;
	end = typ->loc.off + typ->loc.len;
	while (end < l.off + l.len && text[end] != ')' && (text[end] == ' ' || text[end] == '\t'))
		end++;
	if (end >= l.off + l.len || text[end] != ')')
		return l;
	l.len = end + 1 - l.off;
	l.end_line = l.line;
	l.end_col = l.col + l.len - 1;
	return l;
}

static const struct type *cast_expr(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *to = NULL, *from;

	from = sema_expr(s, &n->cast.e);
	if (n->cast.typ) {
		if (n->cast.typ->kind == AST_TYPE)
			to = sema_ty_resolve(s, n->cast.typ);
		else if (n->cast.typ->kind == AST_TYPEOF)
			to = typeof_type(s, n->cast.typ);
	} else {
		to = n->type;
	}
	if (!to || !from)
		return NULL;
	if (to->kind == TY_ARRAY && (sema_ty_is_int(from) || from->kind == TY_ARRAY || from->kind == TY_STRING)) {
		uint32_t src = from->size, es = to->elem && to->elem->size ? to->elem->size : 1;

		if (n->cast.e->kind == AST_INT) {
			src = 8;
			sema_cast_to(s, &n->cast.e, sema_ty_int(s, 8, from->is_signed));
		}
		if (!to->n) {
			struct type *a = sema_ty_storage(s, to);

			a->n = src / es;
			a->size = a->n * es;
			to = a;
		}
		if (src != to->size) {
			sema_err(s, cast_type_loc(n), "Cannot cast from \"%s\" to \"%s\"", sema_ty_name(s, from),
				 sema_ty_name(s, to));
			return NULL;
		}
		return to;
	}
	if (to->kind == TY_ENUM && sema_ty_is_int(from))
		return to;
	if ((to->kind == TY_INT || to->kind == TY_BOOL || to->kind == TY_POINTER) &&
	    (sema_ty_is_int(from) || from->kind == TY_BOOL || from->kind == TY_POINTER))
		return to;
	if (to->kind == TY_BOOL && from->kind == TY_STRING)
		return to; /* non-empty */
	if (to->kind == TY_INT && from->kind == TY_ARRAY && from->size == to->size)
		return to;
	if (to->kind == TY_STRING && from->kind == TY_STRING)
		return to;
	if (sema_ty_equal(from, to))
		return to;
	if (from->kind == TY_STRUCT || from->kind == TY_UNION) {
		sema_err(s, cast_type_loc(n), "Cannot cast from C type \"%s\"", sema_ty_name(s, from));
		if (to->kind == TY_POINTER || sema_ty_is_int(to))
			diag_hint(s->d, "a struct value cannot be converted; cast a pointer to it, or "
				  "read one of its fields");
		return NULL;
	}
	sema_err(s, cast_type_loc(n), "Cannot cast from \"%s\" to \"%s\"", sema_ty_name(s, from), sema_ty_name(s, to));
	if ((to->kind == TY_STRUCT || to->kind == TY_UNION) &&
	    (sema_ty_is_int(from) || from->kind == TY_POINTER))
		diag_hint(s->d, "did you mean '(%s *)'?", sema_ty_name(s, to));
	return NULL;
}

static const struct type *index_expr(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *t = sema_expr(s, &n->index.e), *it;

	it = sema_expr(s, &n->index.index);
	if (!t || !it)
		return NULL;
	if (t->kind == TY_TUPLE) {
		int64_t k;
		struct ast_node *ti;

		if (!sema_const_int(n->index.index, &k) || k < 0 || (uint64_t)k >= t->n_fields) {
			sema_err(s, n->index.index->loc, "Tuple index must be a constant in range");
			return NULL;
		}
		ti = ast_new(s->cx, AST_TUPLE_INDEX, n->loc);
		ti->tindex.e = n->index.e;
		ti->tindex.idx = k;
		ti->next = n->next;
		ti->type = t->fields[k].type;
		*np = ti;
		return ti->type;
	}
	if (!sema_ty_is_int(it)) {
		sema_err(s, n->index.index->loc, "The array index operator [] only accepts integer indices");
		return NULL;
	}
	sema_cast_to(s, &n->index.index, sema_ty_int(s, 8, true));
	if (t->kind == TY_ARRAY) {
		int64_t k;

		if (sema_const_int(n->index.index, &k) && (k < 0 || (t->n && k >= (int64_t)t->n))) {
			sema_err(s, n->loc, "the index %lld is out of bounds for array of size %u",
				 (long long)k, t->n);
			return NULL;
		}
		return t->elem;
	}
	if (t->kind == TY_POINTER && t->elem && t->elem->kind != TY_VOID)
		return t->elem;
	if (t->kind == TY_STRING) {
		return sema_ty_int(s, 1, true);
	}
	sema_err(s, n->loc, "The array index operator [] can only be used on arrays and pointers, found %s.",
		 sema_ty_name(s, t));
	return NULL;
}

static const struct type *ident(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	int fn;

	for (size_t i = 0; i < s->enums.n; i++) {
		struct enum_const *e = s->enums.v[i];

		if (e->name == n->ident.name) {
			struct ast_node *lit = ast_int(s->cx, n->loc, (uint64_t)e->value);

			lit->num.is_negative = e->value < 0;
			lit->type = e->type;
			lit->next = n->next;
			*np = lit;
			return lit->type;
		}
	}
	for (size_t i = 0; i < s->macros.n; i++) {
		struct ast_node *m = s->macros.v[i];

		if (!strcmp(m->macro.name, n->ident.name) && !m->macro.params) {
			struct ast_node *c = ast_call(s->cx, n->loc, n->ident.name, NULL);

			c->next = n->next;
			*np = c;
			return sema_expr(s, np);
		}
	}
	if (!strcmp(n->ident.name, "pcomm") || !strcmp(n->ident.name, "leader_comm")) {
		/* curtask->real_parent->comm / curtask->group_leader->comm */
		struct ast_node *f1 = ast_new(s->cx, AST_FIELD, n->loc), *f2 = ast_new(s->cx, AST_FIELD, n->loc);

		f1->field.e = ast_ident(s->cx, n->loc, "curtask");
		f1->field.name = str_intern0(s->a, n->ident.name[0] == 'p' ? "real_parent" : "group_leader");
		f1->field.is_arrow = true;
		f2->field.e = f1;
		f2->field.name = str_intern0(s->a, "comm");
		f2->field.is_arrow = true;
		f2->next = n->next;
		*np = f2;
		return sema_expr(s, np);
	}
	if (!strcmp(n->ident.name, "ctx")) {
		struct ast_node *c = ast_new(s->cx, AST_CALL, n->loc);
		struct call_info *ci;

		c->call.name = n->ident.name;
		c->next = n->next;
		*np = c;
		ci = sema_call_info(s, c, BI_ARGS);
		ci->n = 1; /* the raw context pointer */
		c->type = sema_ty_ptr(s, sema_ty_void(s), AS_KERNEL);
		return c->type;
	}
	if (!strncmp(n->ident.name, "__builtin_", 10))
		n->ident.name = str_intern0(s->a, n->ident.name + 10);
	fn = sema_builtin_lookup(n->ident.name);
	if (fn < 0 && !strncmp(n->ident.name, "arg", 3) && n->ident.name[3] >= '0' &&
	    n->ident.name[3] <= '9')
		fn = BI_ARG;
	if (fn >= 0)
		return sema_builtin_var(s, np, fn);
	{
		const struct type *st;

		/* leader_tid, kernel enum constants */
		if (sema_stdlib_ident(s, np, &st))
			return st;
	}
	sema_err(s, n->loc, "Unknown identifier: '%s'", n->ident.name);
	{
		const char *best = util_closest(n->ident.name, sema_builtin_names, BI__COUNT);

		if (!best)
			best = sema_closest_enum_value(s, n->ident.name);
		if (best)
			diag_hint(s->d, "did you mean '%s'?", best);
	}
	return NULL;
}

static const struct type *posparam(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np, *lit;
	const char *v = "";
	char *end;

	if (n->pos.n == 0) {
		lit = ast_int(s->cx, n->loc, s->o ? s->o->n_pos_params : 0);
	} else {
		unsigned long long x;

		if (s->o && n->pos.n <= s->o->n_pos_params)
			v = s->o->pos_params[n->pos.n - 1];
		x = strtoull(v, &end, 0);
		if (*v && !*end) {
			lit = ast_int(s->cx, n->loc, x);
		} else if (*v == '-' && v[1] && (strtoll(v, &end, 0), !*end)) {
			lit = ast_int(s->cx, n->loc, (uint64_t)strtoll(v, NULL, 0));
			lit->num.is_negative = true;
		} else if (!*v) {
			lit = ast_int(s->cx, n->loc, 0);
		} else {
			lit = ast_str(s->cx, n->loc, v, strlen(v));
		}
	}
	lit->next = n->next;
	*np = lit;
	return sema_expr(s, np);
}

const struct type *sema_expr(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;
	const struct type *t = NULL;

	if (!n)
		return NULL;
	switch (n->kind) {
	case AST_INT:
		t = n->type ? n->type : int_literal_type(s, n);
		break;
	case AST_STR:
		/* pton() leaves byte arrays as typed AST_STR nodes */
		t = n->type && n->type->kind == TY_ARRAY ? n->type : sema_ty_string(s, n->str.len + 1);
		break;
	case AST_BOOL:
		t = sema_ty_bool(s);
		break;
	case AST_POSPARAM:
		return posparam(s, np);
	case AST_VAR: {
		struct var_info *v = sema_var_lookup(s, n->var.name);

		if (!v) {
			sema_err(s, n->loc, "Undefined or undeclared variable: %s", n->var.name);
			return NULL;
		}
		if (!v->type) {
			/* let $x; read before any assignment: an integer 0 until typed */
			struct type *d = sema_ty_storage(s, sema_ty_int(s, 8, true));

			d->btf_id = -1; /* marks the default type */
			v->type = d;
		}
		n->var.info = v;
		t = v->type;
		break;
	}
	case AST_MAP:
		sema_map_keys(s, n);
		t = sema_map_read(s, n);
		break;
	case AST_IDENT:
		return ident(s, np);
	case AST_CALL:
		return sema_call(s, np);
	case AST_BINOP:
		t = binop(s, np);
		n = *np;
		break;
	case AST_UNOP:
		t = unop(s, np);
		n = *np;
		break;
	case AST_IF: {
		/* if (c) { a } else { b } used as a value: a ternary of block values */
		struct ast_node *arms[2] = { n->cond.then, n->cond.els };

		if (!n->cond.els) {
			sema_err(s, n->loc, "if expression requires an else branch");
			return NULL;
		}
		for (int i = 0; i < 2; i++) {
			struct ast_node *b = arms[i];

			if (b->kind == AST_BLOCK) {
				struct ast_node **last = NULL;

				for (struct ast_node **sp = &b->block.stmts; *sp; sp = &(*sp)->next)
					last = sp;
				b->kind = AST_BLOCK_EXPR;
				if (last && (*last)->kind == AST_EXPR_STMT) {
					b->block.expr = (*last)->stmt.expr;
					*last = NULL;
				}
			}
		}
		n->kind = AST_TERNARY;
		return sema_expr(s, np);
	}
	case AST_TERNARY:
		cond_expr(s, &n->cond.cond);
		if (!sema_expr(s, &n->cond.then) || !sema_expr(s, &n->cond.els))
			return NULL;
		t = unify_branches(s, n, &n->cond.then, &n->cond.els);
		break;
	case AST_FIELD:
		t = field(s, np);
		break;
	case AST_INDEX:
		t = index_expr(s, np);
		n = *np;
		break;
	case AST_TUPLE_INDEX: {
		const struct type *tt = sema_expr(s, &n->tindex.e);

		if (!tt)
			return NULL;
		if (tt->kind != TY_TUPLE && tt->kind != TY_RECORD) {
			sema_err(s, n->loc, "Can not access index '%u' on expression of type '%s'",
				 n->tindex.idx, sema_ty_name(s, tt));
			return NULL;
		}
		if (n->tindex.idx >= tt->n_fields) {
			sema_err(s, n->loc, "Invalid tuple index: %u. Found %u elements in tuple.",
				 n->tindex.idx, tt->n_fields);
			return NULL;
		}
		t = tt->fields[n->tindex.idx].type;
		break;
	}
	case AST_CAST:
		t = cast_expr(s, np);
		break;
	case AST_TUPLE:
	case AST_RECORD:
		t = tuple_expr(s, n);
		break;
	case AST_SIZEOF: {
		const struct type *st;
		struct ast_node *lit;

		st = NULL;
		if (n->size.arg->kind == AST_IDENT && !sema_var_lookup(s, n->size.arg->ident.name)) {
			/* sizeof(uint64_t): a type name parsed as an identifier */
			struct ast_node fake = { 0 };
			bool saved = s->is_discovery;

			fake.kind = AST_TYPE;
			fake.loc = n->size.arg->loc;
			fake.typ.base = n->size.arg->ident.name;
			s->is_discovery = true;
			st = sema_ty_resolve(s, &fake);
			s->is_discovery = saved;
		}
		if (st)
			;
		else if (n->size.arg->kind == AST_TYPE)
			st = sema_ty_resolve(s, n->size.arg);
		else
			st = sema_expr(s, &n->size.arg);
		if (!st)
			return NULL;
		lit = ast_int(s->cx, n->loc, st->size);
		lit->next = n->next;
		*np = lit;
		t = lit->type = sema_ty_int(s, 8, false);
		n = lit;
		break;
	}
	case AST_OFFSETOF: {
		const struct type *st;
		uint64_t off = 0;
		struct ast_node *lit;

		if (n->offsetof_.typ->kind == AST_TYPE)
			st = sema_ty_resolve(s, n->offsetof_.typ);
		else if (n->offsetof_.typ->kind == AST_IDENT &&
			 (st = sema_btf_type(s, n->offsetof_.typ->ident.name)))
			; /* a kernel type name */
		else
			st = sema_expr(s, &n->offsetof_.typ);
		for (uint32_t i = 0; st && i < n->offsetof_.n_fields; i++) {
			const struct type *fs = struct_fields(s, st);
			const struct type *next = NULL;

			{
				uint32_t o = 0;
				const struct type_field *f = find_field(s, fs, n->offsetof_.fields[i], &o);

				if (f) {
					off += o;
					next = f->type;
				}
			}
			if (!next) {
				sema_err(s, n->loc, "'%s' has no field named '%s'", sema_ty_name(s, fs),
					 n->offsetof_.fields[i]);
				hint_field(s, fs, n->offsetof_.fields[i]);
				return NULL;
			}
			st = next;
		}
		if (!st)
			return NULL;
		lit = ast_int(s->cx, n->loc, off);
		lit->next = n->next;
		*np = lit;
		t = lit->type = sema_ty_int(s, 8, false);
		n = lit;
		break;
	}
	case AST_BLOCK_EXPR:
		sema_scope_push(s);
		for (struct ast_node **sp = &n->block.stmts; *sp; sp = &(*sp)->next)
			stmt(s, sp);
		t = n->block.expr ? sema_expr(s, &n->block.expr) : sema_ty_none(s);
		sema_scope_pop(s);
		break;
	case AST_COMPTIME:
		t = sema_expr(s, &n->size.arg);
		*np = n->size.arg;
		(*np)->next = n->next;
		return t;
	case AST_TYPEOF:
		sema_err(s, n->loc, "typeof() can only be used in a cast or a declaration");
		return NULL;
	default:
		sema_err(s, n->loc, "unexpected %s in an expression", ast_kind_names[n->kind]);
		return NULL;
	}
	n->type = t;
	return t;
}

/* ---- statements ---- */

/* Assigning *rhs to variable @v: fix or widen its type, add a cast. */
static void assign_var(struct sema *s, struct ast_node *lhs, struct var_info *v, struct ast_node **rhs)
{
	const struct type *t = (*rhs)->type;

	if (!t)
		return;
	if (t->kind == TY_NONE) {
		sema_err(s, (*rhs)->loc, "Value '%s' cannot be assigned to a scratch variable.",
			 sema_ty_name(s, t));
		return;
	}
	if (sema_ty_is_agg(t) || t->kind == TY_MAP) {
		sema_err(s, (*rhs)->loc, "Value '%s' cannot be assigned to a scratch variable.",
			 sema_ty_name(s, t));
		return;
	}
	if (v->type && v->type->btf_id == -1 && !sema_ty_is_int(t)) {
		/* the default of an untyped let: becomes the first assigned type */
		*(struct type *)v->type = *sema_ty_storage(s, t);
	}
	if (!v->type) {
		struct type *st = sema_ty_storage(s, t);

		/* variables keep the integer size they are first given */
		if (t->kind == TY_INT || t->kind == TY_ENUM) {
			st->size = t->size;
			st->align = t->align;
		}
		v->type = st;
	} else {
		struct type *vt = (struct type *)v->type;

		if (vt->kind == TY_STRING && t->kind == TY_STRING) {
			if (t->size > vt->size)
				vt->size = t->size;
		} else if ((sema_ty_is_int(vt) || vt->kind == TY_BOOL) && (sema_ty_is_int(t) || t->kind == TY_BOOL)) {
			if (vt->kind == TY_BOOL && t->kind != TY_BOOL)
				goto mismatch;
			if (vt->kind == TY_INT && t->kind == TY_BOOL)
				goto mismatch;
			if (vt->kind == TY_INT && !vt->is_signed && t->is_signed && !is_flex_literal(*rhs) &&
			    vt->btf_id != -2)
				vt->is_signed = true;
			if (vt->kind == TY_INT && t->size > vt->size && vt->btf_id != -2) {
				/* upcast to hold the bigger value */
				vt->size = t->size;
				vt->align = t->align;
			}
		} else if (vt->kind == TY_RECORD && t->kind == TY_RECORD && vt->n_fields == t->n_fields) {
			/* the same names in any order: fields convert by name */
			for (uint32_t i = 0; i < vt->n_fields; i++) {
				bool found = false;

				for (uint32_t j = 0; j < t->n_fields; j++)
					found |= vt->fields[i].name == t->fields[j].name &&
						 (vt->fields[i].type->kind == t->fields[j].type->kind ||
						  (sema_ty_is_int(vt->fields[i].type) && sema_ty_is_int(t->fields[j].type)));
				if (!found)
					goto mismatch;
			}
		} else if (vt->kind == TY_POINTER && (t->kind == TY_POINTER || sema_ty_is_int(t))) {
			/* pointers convert freely, as in C */
		} else if (vt->kind == TY_TUPLE && t->kind == TY_TUPLE && vt->n_fields == t->n_fields) {
			/* widen string members */
			bool changed = false;

			for (uint32_t i = 0; i < vt->n_fields; i++) {
				const struct type *a = vt->fields[i].type, *b = t->fields[i].type;

				if (a->kind != b->kind)
					goto mismatch;
				if (a->kind == TY_STRING && b->size > a->size)
					changed = true;
			}
			if (changed) {
				const struct type **el = arena_alloc(s->a, sizeof(*el) * vt->n_fields);
				struct type *nt;

				for (uint32_t i = 0; i < vt->n_fields; i++) {
					const struct type *a = vt->fields[i].type, *b = t->fields[i].type;

					el[i] = a->kind == TY_STRING && b->size > a->size ? b : a;
				}
				nt = sema_ty_tuple(s, el, NULL, vt->n_fields);
				*vt = *nt;
			}
		} else if (!sema_ty_equal(vt, t)) {
			goto mismatch;
		}
	}
	lhs->type = v->type;
	sema_cast_to(s, rhs, v->type);
	return;
mismatch:
	sema_err(s, lhs->loc, "Type mismatch for %s: trying to assign value of type '%s' when variable already contains a value of type '%s'",
		 v->name, sema_ty_name(s, t), sema_ty_name(s, v->type));
}

static bool is_agg_call(const struct ast_node *n)
{
	int fn;

	if (n->kind != AST_CALL)
		return false;
	fn = sema_builtin_lookup(n->call.name);
	return fn == BI_COUNT || fn == BI_SUM || fn == BI_AVG || fn == BI_MIN || fn == BI_MAX ||
	       fn == BI_STATS || fn == BI_HIST || fn == BI_LHIST || fn == BI_TSERIES;
}

static void assign(struct sema *s, struct ast_node *n)
{
	struct ast_node *lhs = n->assign.lhs;

	if (n->assign.op != AST_OP_NONE && lhs->kind == AST_MAP) {
		/* @m op= y on a map never assigned yet: it starts as 0 of y's type */
		struct map_info *mi;

		sema_map_keys(s, lhs);
		mi = sema_map_get(s, lhs);
		if (!mi->value_type) {
			const struct type *t = sema_expr(s, &n->assign.rhs);

			if (t && (sema_ty_is_int(t) || t->kind == TY_POINTER))
				mi->value_type = sema_ty_storage(s, t);
		}
	}
	if (n->assign.op != AST_OP_NONE) {
		/* x op= y  ->  x = x op y */
		struct ast_node *cl = ast_clone(s->cx, lhs);

		n->assign.rhs = ast_bin(s->cx, n->loc, n->assign.op, cl, n->assign.rhs);
		n->assign.op = AST_OP_NONE;
	}
	if (lhs->kind == AST_MAP && is_agg_call(n->assign.rhs)) {
		sema_map_keys(s, lhs);
		if (sema_expr(s, &n->assign.rhs))
			sema_map_agg(s, lhs, n->assign.rhs);
		return;
	}
	if (!sema_expr(s, &n->assign.rhs))
		return;
	switch (lhs->kind) {
	case AST_VAR: {
		struct var_info *v = sema_var_lookup(s, lhs->var.name);

		if (!v)
			v = sema_var_declare(s, lhs->var.name, NULL);
		lhs->var.info = v;
		assign_var(s, lhs, v, &n->assign.rhs);
		break;
	}
	case AST_MAP:
		sema_map_keys(s, lhs);
		sema_map_assign(s, lhs, &n->assign.rhs);
		break;
	case AST_DISCARD:
		break;
	default:
		sema_err(s, lhs->loc, "Can not assign to this expression");
	}
}

static void let(struct sema *s, struct ast_node *n)
{
	struct ast_node *var = n->let.var;
	const struct type *t = NULL;
	struct var_info *v;

	if (sema_var_lookup(s, var->var.name)) {
		sema_err(s, var->loc, "Variable %s was already declared. Variable shadowing is not allowed.",
			 var->var.name);
	}
	if (n->let.typ && n->let.typ->kind == AST_TYPEOF) {
		t = typeof_type(s, n->let.typ);
		if (t)
			t = sema_ty_storage(s, t);
	} else if (n->let.typ) {
		t = sema_ty_resolve(s, n->let.typ);
		if (t) {
			struct type *st = sema_ty_storage(s, t);

			if (t->kind == TY_INT) {
				/* a declared size is kept (btf_id -2 marks it fixed) */
				st->size = t->size;
				st->align = t->align;
				st->btf_id = -2;
			}
			t = st;
		}
	}
	if (n->let.init && !sema_expr(s, &n->let.init))
		return;
	v = sema_var_declare(s, var->var.name, t);
	var->var.info = v;
	if (n->let.init)
		assign_var(s, var, v, &n->let.init);
	var->type = v->type;
}

static void loop_body(struct sema *s, struct ast_node *b)
{
	s->loop_depth++;
	block(s, b);
	s->loop_depth--;
}

static void stmt(struct sema *s, struct ast_node **np)
{
	struct ast_node *n = *np;

	switch (n->kind) {
	case AST_BLOCK:
		block(s, n);
		break;
	case AST_EXPR_STMT: {
		const struct type *t;

		if (is_agg_call(n->stmt.expr)) {
			sema_err(s, n->stmt.expr->loc, "%s() must be assigned directly to a map",
				 n->stmt.expr->call.name);
			break;
		}
		t = sema_expr(s, &n->stmt.expr);
		(void)t;
		break;
	}
	case AST_ASSIGN:
		if (n->assign.lhs->kind == AST_MAP && n->assign.rhs->kind == AST_BLOCK_EXPR &&
		    n->assign.rhs->block.expr && is_agg_call(n->assign.rhs->block.expr)) {
			/* @m = { stmts; agg(x) }  ->  { stmts; @m = agg(x) } */
			struct ast_node *be = n->assign.rhs, *a = ast_new(s->cx, AST_ASSIGN, n->loc);

			a->assign.lhs = n->assign.lhs;
			a->assign.rhs = be->block.expr;
			a->assign.op = n->assign.op;
			ast_append(&be->block.stmts, a);
			be->block.expr = NULL;
			be->kind = AST_BLOCK;
			be->next = n->next;
			*np = be;
			block(s, be);
			break;
		}
		assign(s, n);
		break;
	case AST_LET:
		let(s, n);
		break;
	case AST_IF:
		cond_expr(s, &n->cond.cond);
		block(s, n->cond.then);
		if (n->cond.els) {
			if (n->cond.els->kind == AST_IF)
				stmt(s, &n->cond.els);
			else
				block(s, n->cond.els);
		}
		break;
	case AST_WHILE:
		cond_expr(s, &n->loop.cond);
		loop_body(s, n->loop.body);
		break;
	case AST_UNROLL: {
		int64_t k;

		sema_expr(s, &n->loop.cond);
		if (!sema_const_int(n->loop.cond, &k)) {
			sema_err(s, n->loop.cond->loc, "unroll value must be a constant integer");
		} else if (k < 1 || k > 100) {
			sema_err(s, n->loop.cond->loc, k < 1 ? "unroll minimum value is 1" :
				 "unroll maximum value is 100");
		}
		block(s, n->loop.body);
		break;
	}
	case AST_FOR_RANGE: {
		const struct type *a = sema_expr(s, &n->for_.iter), *b = sema_expr(s, &n->for_.end);
		struct var_info *v;

		if (a && !sema_ty_is_int(a))
			sema_err(s, n->for_.iter->loc, "Loop range requires an integer for the start value");
		if (b && !sema_ty_is_int(b))
			sema_err(s, n->for_.end->loc, "Loop range requires an integer for the end value");
		if (a && b && sema_ty_is_int(a) && sema_ty_is_int(b)) {
			const struct type *ct = int_common(s, n->for_.iter, n->for_.end, AST_OP_ADD);

			sema_cast_to(s, &n->for_.iter, ct);
			sema_cast_to(s, &n->for_.end, ct);
		}
		sema_scope_push(s);
		if (sema_var_lookup(s, n->for_.var->var.name))
			sema_err(s, n->for_.var->loc, "Loop declaration shadows existing variable: %s",
				 n->for_.var->var.name);
		v = sema_var_declare(s, n->for_.var->var.name,
				     n->for_.iter->type ? n->for_.iter->type : sema_ty_int(s, 8, true));
		n->for_.var->var.info = v;
		n->for_.var->type = v->type;
		loop_body(s, n->for_.body);
		sema_scope_pop(s);
		break;
	}
	case AST_FOR_MAP: {
		struct ast_node *m = n->for_.iter;
		struct map_info *mi;
		struct var_info *v;
		const struct type *el[2];
		bool saved = s->in_map_loop;

		if (m->kind != AST_MAP || m->map.keys) {
			sema_err(s, m->loc, "Loop expression must be a map");
			break;
		}
		mi = sema_map_get(s, m);
		if (!mi->value_type) {
			if (!s->is_discovery)
				sema_err(s, m->loc, "Undefined map: %s", m->map.name);
			break;
		}
		if (!mi->key_type) {
			sema_err(s, m->loc, "Maps used in a for-loop must have keys");
			break;
		}
		if (mi->value_type->kind == TY_HIST || mi->value_type->kind == TY_LHIST ||
		    mi->value_type->kind == TY_STATS || mi->value_type->kind == TY_TSERIES) {
			sema_err(s, m->loc, "Loop expression does not support type: %s",
				 sema_ty_name(s, mi->value_type));
			break;
		}
		m->type = mi->value_type;
		el[0] = mi->key_type;
		el[1] = mi->value_type;
		if (sema_ty_is_agg(el[1]))
			el[1] = sema_ty_int(s, 8, mi->value_type->kind != TY_COUNT);
		sema_scope_push(s);
		v = sema_var_declare(s, n->for_.var->var.name, sema_ty_tuple(s, el, NULL, 2));
		n->for_.var->var.info = v;
		n->for_.var->type = v->type;
		s->in_map_loop = true;
		loop_body(s, n->for_.body);
		s->in_map_loop = saved;
		sema_scope_pop(s);
		break;
	}
	case AST_JUMP:
		if (n->jump.kind == JUMP_RETURN) {
			if (n->jump.value)
				sema_expr(s, &n->jump.value);
		} else if (!s->loop_depth) {
			sema_err(s, n->loc, "'%s' statement is not allowed outside of a loop",
				 n->jump.kind == JUMP_BREAK ? "break" : "continue");
		}
		break;
	default:
		if (n->kind >= AST_INT)
			sema_expr(s, np);
		else
			sema_err(s, n->loc, "unexpected %s", ast_kind_names[n->kind]);
	}
}

static void block(struct sema *s, struct ast_node *b)
{
	if (!b)
		return;
	if (b->kind != AST_BLOCK) {
		struct ast_node *tmp = b;

		stmt(s, &tmp);
		return;
	}
	sema_scope_push(s);
	for (struct ast_node **sp = &b->block.stmts; *sp; sp = &(*sp)->next) {
		struct ast_node *x;

		stmt(s, sp);
		x = *sp;
		if (x->next && (x->kind == AST_JUMP ||
				(x->kind == AST_EXPR_STMT && x->stmt.expr->kind == AST_CALL &&
				 x->stmt.expr->call.info && x->stmt.expr->call.info->fn == BI_EXIT)))
			sema_warn(s, x->next->loc, "Unreachable statement.");
	}
	sema_scope_pop(s);
}

static void probe_walk(struct sema *s, struct ast_node *p, struct ast_node *pred, struct ast_node *body,
		       struct ast_node **pred_slot)
{
	s->probe = p;
	s->pinfo = p->probe.info;
	s->pctx = p->probe.info ? p->probe.info->ctx : NULL;
	s->scope = NULL;
	s->loop_depth = 0;
	sema_scope_push(s);
	if (pred) {
		struct ast_node *tmp = pred;

		cond_expr(s, pred_slot ? pred_slot : &tmp);
	}
	block(s, body);
	sema_scope_pop(s);
}

void sema_types(struct sema *s)
{
	struct ast_node *it;

	/* discovery: learn map types from every probe first */
	s->is_discovery = true;
	for (it = s->prog->program.items; it; it = it->next) {
		struct ast_node *pred, *body;

		if (it->kind != AST_PROBE)
			continue;
		pred = it->probe.pred ? ast_clone(s->cx, it->probe.pred) : NULL;
		body = ast_clone(s->cx, it->probe.body);
		probe_walk(s, it, pred, body, &pred);
	}
	s->is_discovery = false;
	for (it = s->prog->program.items; it; it = it->next) {
		if (it->kind != AST_PROBE)
			continue;
		probe_walk(s, it, it->probe.pred, it->probe.body, &it->probe.pred);
	}
	s->probe = NULL;
	s->pinfo = NULL;
	s->pctx = NULL;
}
