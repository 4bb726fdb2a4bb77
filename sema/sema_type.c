/* sema_type.c — constructing, comparing and naming types; kernel BTF types
 * converted to scry types on demand (the vmlinux BTF is loaded lazily, the first
 * time a kernel type is needed). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probes/probe.h"
#include "sema/sema_int.h"

/* A probe with several attach points is typed once per expanded probe: the
 * same message at the same place is reported once (still counted, so the
 * compile fails; notes and hints that follow a repeat are dropped too). */
static bool is_repeat(struct sema *s, struct loc loc, bool is_error, const char *fmt, va_list ap)
{
	struct sbuf b = { 0 };
	const char *key;

	sbuf_printf(&b, "%d:%p:%u:%u:", is_error, (const void *)loc.src, loc.off, loc.len);
	sbuf_vprintf(&b, fmt, ap);
	key = str_intern0(s->a, sbuf_str(&b));
	sbuf_fini(&b);
	for (size_t i = 0; i < s->reported.n; i++)
		if (s->reported.v[i] == key) {
			if (is_error)
				s->d->n_errors++;
			else
				s->d->n_warnings++;
			s->d->last_printed = false;
			return true;
		}
	ptrvec_push(&s->reported, (void *)key);
	return false;
}

void sema_err(struct sema *s, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (s->is_discovery)
		return;
	va_start(ap, fmt);
	if (!is_repeat(s, loc, true, fmt, ap)) {
		va_end(ap);
		va_start(ap, fmt);
		diag_vmsg(s->d, DIAG_ERROR, loc, fmt, ap);
	}
	va_end(ap);
}

void sema_warn(struct sema *s, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (s->is_discovery)
		return;
	va_start(ap, fmt);
	if (!is_repeat(s, loc, false, fmt, ap)) {
		va_end(ap);
		va_start(ap, fmt);
		diag_vmsg(s->d, DIAG_WARNING, loc, fmt, ap);
	}
	va_end(ap);
}

void sema_note(struct sema *s, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (s->is_discovery)
		return;
	va_start(ap, fmt);
	diag_vmsg(s->d, DIAG_NOTE, loc, fmt, ap);
	va_end(ap);
}

struct type *sema_ty_new(struct sema *s, enum type_kind k, uint32_t size)
{
	struct type *t = arena_alloc(s->a, sizeof(*t));

	t->kind = k;
	t->size = size;
	t->align = size >= 8 ? 8 : size ? size : 1;
	return t;
}

const struct type *sema_ty_none(struct sema *s)
{
	return sema_ty_new(s, TY_NONE, 0);
}

const struct type *sema_ty_void(struct sema *s)
{
	return sema_ty_new(s, TY_VOID, 0);
}

const struct type *sema_ty_int(struct sema *s, uint32_t size, bool is_signed)
{
	struct type *t = sema_ty_new(s, TY_INT, size);

	t->is_signed = is_signed;
	return t;
}

const struct type *sema_ty_bool(struct sema *s)
{
	return sema_ty_new(s, TY_BOOL, 1);
}

struct type *sema_ty_string(struct sema *s, uint32_t size)
{
	struct type *t = sema_ty_new(s, TY_STRING, size);

	t->align = 1;
	return t;
}

const struct type *sema_ty_ptr(struct sema *s, const struct type *elem, enum addrspace as)
{
	struct type *t = sema_ty_new(s, TY_POINTER, 8);

	t->elem = elem;
	t->as = as;
	return t;
}

const struct type *sema_ty_simple(struct sema *s, enum type_kind k, uint32_t size)
{
	return sema_ty_new(s, k, size);
}

struct type *sema_ty_tuple(struct sema *s, const struct type *const *elems,
			   const char *const *names, uint32_t n)
{
	struct type *t = sema_ty_new(s, names ? TY_RECORD : TY_TUPLE, 0);
	uint32_t off = 0, align = 1;

	t->fields = arena_alloc(s->a, sizeof(*t->fields) * (n ? n : 1));
	t->n_fields = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t al = elems[i]->align ? elems[i]->align : 1;

		if (al > 8)
			al = 8;
		off = (off + al - 1) / al * al;
		t->fields[i].type = elems[i];
		t->fields[i].offset = off;
		t->fields[i].name = names ? names[i] : NULL;
		off += elems[i]->size;
		if (al > align)
			align = al;
	}
	off = (off + align - 1) / align * align;
	t->size = off;
	t->align = align;
	return t;
}

bool sema_ty_equal(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return a->size == b->size && a->is_signed == b->is_signed;
	case TY_STRING:
	case TY_BUFFER:
		return a->size == b->size;
	case TY_POINTER:
		return sema_ty_equal(a->elem, b->elem);
	case TY_ARRAY:
		return a->n == b->n && sema_ty_equal(a->elem, b->elem);
	case TY_ENUM:
	case TY_STRUCT:
	case TY_UNION:
		return a->name == b->name || (a->name && b->name && !strcmp(a->name, b->name));
	case TY_TUPLE:
	case TY_RECORD:
		if (a->n_fields != b->n_fields || a->size != b->size)
			return false;
		for (uint32_t i = 0; i < a->n_fields; i++) {
			if (!sema_ty_equal(a->fields[i].type, b->fields[i].type))
				return false;
			if (a->fields[i].offset != b->fields[i].offset)
				return false;
			if (a->kind == TY_RECORD && a->fields[i].name != b->fields[i].name)
				return false;
		}
		return true;
	case TY_LHIST:
		return a->lmin == b->lmin && a->lmax == b->lmax && a->lstep == b->lstep;
	case TY_HIST:
		return a->n == b->n;
	default:
		return a->size == b->size;
	}
}

bool sema_ty_is_int(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_ENUM);
}

bool sema_ty_is_agg(const struct type *t)
{
	return t && t->kind >= TY_COUNT && t->kind <= TY_TSERIES;
}

bool sema_ty_is_scalar(const struct type *t)
{
	if (!t)
		return false;
	switch (t->kind) {
	case TY_INT:
	case TY_BOOL:
	case TY_ENUM:
	case TY_POINTER:
	case TY_KSYM:
	case TY_USERNAME:
	case TY_TIMESTAMP:
	case TY_KSTACK:
		return t->size <= 8;
	default:
		return false;
	}
}

static void ty_name(struct sbuf *b, const struct type *t)
{
	if (!t) {
		sbuf_puts(b, "none");
		return;
	}
	switch (t->kind) {
	case TY_INT:
		sbuf_printf(b, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
		break;
	case TY_STRING:
		sbuf_printf(b, "string[%u]", t->size);
		break;
	case TY_BUFFER:
		sbuf_printf(b, "buffer[%u]", t->size > 4 ? t->size - 4 : 0);
		break;
	case TY_POINTER:
		ty_name(b, t->elem);
		sbuf_puts(b, " *");
		break;
	case TY_ARRAY:
		ty_name(b, t->elem);
		sbuf_printf(b, "[%u]", t->n);
		break;
	case TY_ENUM:
	case TY_STRUCT:
	case TY_UNION:
		sbuf_puts(b, t->name ? t->name : type_kind_names[t->kind]);
		break;
	case TY_TUPLE:
	case TY_RECORD:
		sbuf_putc(b, '(');
		for (uint32_t i = 0; i < t->n_fields; i++) {
			if (i)
				sbuf_putc(b, ',');
			if (t->kind == TY_RECORD)
				sbuf_printf(b, "%s=", t->fields[i].name);
			ty_name(b, t->fields[i].type);
		}
		sbuf_putc(b, ')');
		break;
	case TY_VOID:
		sbuf_puts(b, "void");
		break;
	default:
		sbuf_puts(b, type_kind_names[t->kind]);
	}
}

const char *sema_ty_name(struct sema *s, const struct type *t)
{
	struct sbuf b = { 0 };
	const char *r;

	ty_name(&b, t);
	r = arena_strdup(s->a, sbuf_str(&b));
	sbuf_fini(&b);
	return r;
}

struct type *sema_ty_storage(struct sema *s, const struct type *t)
{
	struct type *c = arena_alloc(s->a, sizeof(*c));

	*c = *t;
	if (t->kind == TY_INT) {
		c->size = 8;
		c->align = 8;
	}
	if (t->kind == TY_BOOL)
		c->align = 1;
	return c;
}

static const struct {
	const char *name;
	uint32_t size;
	bool is_signed;
} int_names[] = {
	{ "int8", 1, true },   { "int16", 2, true },   { "int32", 4, true },  { "int64", 8, true },
	{ "uint8", 1, false }, { "uint16", 2, false }, { "uint32", 4, false }, { "uint64", 8, false },
	{ "int", 4, true },    { "unsigned int", 4, false }, { "char", 1, true },
	{ "unsigned char", 1, false }, { "short", 2, true }, { "long", 8, true },
	{ "unsigned long", 8, false }, { "long long", 8, true }, { "unsigned long long", 8, false },
	{ "u8", 1, false }, { "u16", 2, false }, { "u32", 4, false }, { "u64", 8, false },
	{ "s8", 1, true }, { "s16", 2, true }, { "s32", 4, true }, { "s64", 8, true },
	{ "uint8_t", 1, false }, { "uint16_t", 2, false }, { "uint32_t", 4, false },
	{ "uint64_t", 8, false }, { "int8_t", 1, true }, { "int16_t", 2, true },
	{ "int32_t", 4, true }, { "int64_t", 8, true }, { "size_t", 8, false },
	{ "pid_t", 4, true }, { "signed char", 1, true }, { "unsigned short", 2, false },
};

const struct type *sema_ty_resolve(struct sema *s, const struct ast_node *typ)
{
	const struct type *t = NULL;
	const char *base = typ->typ.base;

	for (size_t i = 0; i < ARRAY_SIZE(int_names); i++)
		if (!strcmp(base, int_names[i].name)) {
			t = sema_ty_int(s, int_names[i].size, int_names[i].is_signed);
			break;
		}
	if (!t) {
		if (!strcmp(base, "bool")) {
			t = sema_ty_bool(s);
		} else if (!strcmp(base, "string")) {
			t = sema_ty_string(s, typ->typ.str_len ? typ->typ.str_len : s->res->cfg.max_strlen);
		} else if (!strcmp(base, "buffer")) {
			struct type *b = sema_ty_new(s, TY_BUFFER, 4 + typ->typ.str_len);

			b->align = 4;
			t = b;
		} else if (!strcmp(base, "void")) {
			t = sema_ty_void(s);
		} else if (!strcmp(base, "inet")) {
			t = sema_ty_simple(s, TY_INET, 24);
		} else {
			for (size_t i = 0; i < s->cstructs.n; i++) {
				const struct type *c = s->cstructs.v[i];

				if (c->name && !strcmp(c->name, base)) {
					t = c;
					break;
				}
			}
			if (!t)
				t = sema_btf_type(s, base);
			if (!t)
				t = sema_user_type(s, base);
		}
	}
	if (!t) {
		const char *near;

		sema_err(s, typ->loc, "Cannot resolve unknown type \"%s\"", base);
		near = sema_closest_type(s, base);
		if (near)
			diag_hint(s->d, "did you mean '%s'?", near);
		return NULL;
	}
	for (uint32_t i = 0; i < typ->typ.n_ptr; i++)
		t = sema_ty_ptr(s, t, AS_NONE);
	if (typ->typ.is_array) {
		struct type *a = sema_ty_new(s, TY_ARRAY, t->size * typ->typ.array_len);

		a->elem = t;
		a->n = typ->typ.array_len;
		a->align = t->align;
		t = a;
	}
	return t;
}

/* ---- kernel BTF ---- */

struct btf *sema_btf(struct sema *s)
{
	if (s->btf_tried)
		return s->btf;
	s->btf_tried = true;
	if (s->o && s->o->env && s->o->env->btf_path)
		s->btf = btf__parse(s->o->env->btf_path, NULL);
	else
		s->btf = btf__load_vmlinux_btf();
	if (!s->btf || libbpf_get_error(s->btf))
		s->btf = NULL;
	return s->btf;
}

static const struct type *btf_conv(struct sema *s, const struct btf *btf, int32_t id, int depth);

static const struct type *btf_conv_struct(struct sema *s, const struct btf *btf, int32_t id,
					  const struct btf_type *bt, int depth)
{
	struct type *t = sema_ty_new(s, btf_is_union(bt) ? TY_UNION : TY_STRUCT, bt->size);
	const struct btf_member *m = btf_members(bt);
	uint16_t vlen = btf_vlen(bt);
	const char *nm = btf__name_by_offset(btf, bt->name_off);

	t->name = arena_printf(s->a, "%s %s", btf_is_union(bt) ? "union" : "struct", nm ? nm : "");
	t->name = str_intern0(s->a, t->name);
	t->btf_id = id;
	t->align = 8;
	if (depth > 2) /* fields resolved lazily one level at a time */
		return t;
	t->fields = arena_alloc(s->a, sizeof(*t->fields) * (vlen ? vlen : 1));
	t->n_fields = vlen;
	for (uint16_t i = 0; i < vlen; i++) {
		uint32_t bit = btf_member_bit_offset(bt, i);
		uint32_t bsz = btf_member_bitfield_size(bt, i);
		const char *fn = btf__name_by_offset(btf, m[i].name_off);

		t->fields[i].name = str_intern0(s->a, fn ? fn : "");
		t->fields[i].type = btf_conv(s, btf, m[i].type, depth + 1);
		t->fields[i].offset = bit / 8;
		if (bsz) {
			t->fields[i].offset = bit / 8;
			t->fields[i].bit_offset = bit % 8;
			t->fields[i].bit_size = bsz;
		}
	}
	return t;
}

static const struct type *btf_conv(struct sema *s, const struct btf *btf, int32_t id, int depth)
{
	const struct btf_type *bt;

	for (;;) {
		bt = btf__type_by_id(btf, id);
		if (!bt)
			return sema_ty_int(s, 8, true);
		if (btf_is_typedef(bt) || btf_is_const(bt) || btf_is_volatile(bt) ||
		    btf_is_restrict(bt) || btf_is_type_tag(bt) || btf_is_decl_tag(bt)) {
			id = bt->type;
			continue;
		}
		break;
	}
	if (btf_is_int(bt)) {
		uint8_t enc = btf_int_encoding(bt);

		if (enc & BTF_INT_BOOL)
			return sema_ty_bool(s);
		return sema_ty_int(s, bt->size, enc & BTF_INT_SIGNED);
	}
	if (btf_is_enum(bt) || btf_is_enum64(bt))
		return sema_ty_int(s, bt->size, false);
	if (btf_is_ptr(bt)) {
		const struct type *e;
		const struct btf_type *pt = btf__type_by_id(btf, bt->type);

		if (!bt->type || !pt)
			e = sema_ty_void(s);
		else
			e = btf_conv(s, btf, bt->type, depth + 1);
		return sema_ty_ptr(s, e, AS_KERNEL);
	}
	if (btf_is_array(bt)) {
		const struct btf_array *ar = btf_array(bt);
		const struct type *e = btf_conv(s, btf, ar->type, depth);
		struct type *a;

		const struct btf_type *et = btf__type_by_id(btf, ar->type);
		const char *en = NULL;

		while (et && (btf_is_typedef(et) || btf_is_const(et) || btf_is_volatile(et)))
			et = btf__type_by_id(btf, et->type);
		if (et && btf_is_int(et))
			en = btf__name_by_offset(btf, et->name_off);
		if (e->kind == TY_INT && e->size == 1 && ar->nelems && en && !strcmp(en, "char")) {
			/* char[N] reads as a string */
			return sema_ty_string(s, ar->nelems);
		}
		a = sema_ty_new(s, TY_ARRAY, e->size * ar->nelems);
		a->elem = e;
		a->n = ar->nelems;
		a->align = e->align;
		return a;
	}
	if (btf_is_composite(bt))
		return btf_conv_struct(s, btf, id, bt, depth);
	if (btf_is_func_proto(bt))
		return sema_ty_void(s);
	return sema_ty_int(s, 8, true);
}

const struct type *sema_btf_type_id(struct sema *s, int32_t id)
{
	struct btf *btf = sema_btf(s);

	if (!btf)
		return NULL;
	return btf_conv(s, btf, id, 0);
}

const struct type *sema_btf_type(struct sema *s, const char *name)
{
	struct btf *btf;
	int32_t id;
	uint32_t kind = BTF_KIND_TYPEDEF;
	const char *n = name;

	if (!strncmp(name, "struct ", 7)) {
		kind = BTF_KIND_STRUCT;
		n = name + 7;
	} else if (!strncmp(name, "union ", 6)) {
		kind = BTF_KIND_UNION;
		n = name + 6;
	} else if (!strncmp(name, "enum ", 5)) {
		kind = BTF_KIND_ENUM;
		n = name + 5;
	}
	btf = sema_btf(s);
	if (!btf)
		return NULL;
	id = btf__find_by_name_kind(btf, n, kind);
	if (id < 0 && kind == BTF_KIND_TYPEDEF)
		id = btf__find_by_name_kind(btf, n, BTF_KIND_STRUCT);
	if (id < 0)
		return NULL;
	return btf_conv(s, btf, id, 0);
}

const char *sema_closest_type(struct sema *s, const char *name)
{
	static const char *const prefixes[] = { "struct ", "union ", "enum " };
	static const uint32_t kinds[] = { BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM };
	const char *prefix = "", *n = name, *best;
	int kind = -1; /* -1: a bare name (typedef, struct or builtin) */
	struct btf *btf = sema_btf(s);
	struct ptrvec cands = { 0 };

	for (int i = 0; i < 3; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i]))) {
			prefix = prefixes[i];
			n = name + strlen(prefix);
			kind = (int)kinds[i];
		}
	if (kind < 0)
		for (size_t i = 0; i < ARRAY_SIZE(int_names); i++)
			ptrvec_push(&cands, (void *)int_names[i].name);
	for (size_t i = 0; i < s->cstructs.n; i++) {
		const struct type *c = s->cstructs.v[i];

		if (c->name && !strncmp(c->name, prefix, strlen(prefix)))
			ptrvec_push(&cands, (void *)(c->name + strlen(prefix)));
	}
	for (uint32_t id = 1; btf && id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		uint32_t k = btf_kind(t);

		if (kind >= 0 ? k != (uint32_t)kind :
				(k != BTF_KIND_TYPEDEF && k != BTF_KIND_STRUCT))
			continue;
		ptrvec_push(&cands, (void *)btf__name_by_offset(btf, t->name_off));
	}
	best = util_closest(n, (const char *const *)cands.v, cands.n);
	ptrvec_fini(&cands);
	return best ? arena_printf(s->a, "%s%s", prefix, best) : NULL;
}

const char *sema_closest_enum_value(struct sema *s, const char *name)
{
	struct btf *btf = sema_btf(s);
	struct ptrvec cands = { 0 };
	const char *best;

	for (size_t i = 0; i < s->enums.n; i++)
		ptrvec_push(&cands, (void *)((struct enum_const *)s->enums.v[i])->name);
	for (uint32_t id = 1; btf && id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (uint16_t i = 0; i < btf_vlen(t); i++)
				ptrvec_push(&cands, (void *)btf__name_by_offset(btf, e[i].name_off));
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (uint16_t i = 0; i < btf_vlen(t); i++)
				ptrvec_push(&cands, (void *)btf__name_by_offset(btf, e[i].name_off));
		}
	}
	best = util_closest(name, (const char *const *)cands.v, cands.n);
	ptrvec_fini(&cands);
	return best;
}
