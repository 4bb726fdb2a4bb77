/* cdefs.c — C definitions written in the program: struct, union, enum and
 * typedef, laid out with the usual C rules (natural alignment, bitfields packed
 * into storage units of their declared type). Field types may name kernel
 * types (BTF) or earlier definitions. `char x[N]` fields read as strings, as in
 * bpftrace. Enumerators become typed constants (TY_ENUM). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <glob.h>

#include "sema/sema_int.h"

struct cparse {
	struct sema *s;
	const char *p;
	struct loc loc;
	bool bad;
	char tok[128];
	const char *text;                /* the definition's text (def->cdef.text) */
	const struct ast_node *def;
	const struct type *incomplete;   /* parse_spec's last result, if a placeholder
					  * for an undefined struct/union */
};

static void skip_ws(struct cparse *c)
{
	for (;;) {
		while (isspace((unsigned char)*c->p))
			c->p++;
		if (c->p[0] == '/' && c->p[1] == '/') {
			while (*c->p && *c->p != '\n')
				c->p++;
		} else if (c->p[0] == '/' && c->p[1] == '*') {
			const char *e = strstr(c->p + 2, "*/");

			c->p = e ? e + 2 : c->p + strlen(c->p);
		} else if (c->p[0] == '#') {
			while (*c->p && *c->p != '\n')
				c->p++;
		} else {
			return;
		}
	}
}

/* Next token into c->tok (identifier, number or one punctuation char); "" at end. */
static const char *next(struct cparse *c)
{
	size_t n = 0;

	skip_ws(c);
	if (isalnum((unsigned char)*c->p) || *c->p == '_') {
		while ((isalnum((unsigned char)*c->p) || *c->p == '_') && n + 1 < sizeof(c->tok))
			c->tok[n++] = *c->p++;
	} else if (*c->p) {
		if (c->p[0] == '-' && isdigit((unsigned char)c->p[1])) {
			c->tok[n++] = *c->p++;
			while (isalnum((unsigned char)*c->p) && n + 1 < sizeof(c->tok))
				c->tok[n++] = *c->p++;
		} else {
			c->tok[n++] = *c->p++;
		}
	}
	c->tok[n] = 0;
	return c->tok;
}

static const char *peek(struct cparse *c)
{
	const char *save = c->p;
	char tok[128];

	memcpy(tok, c->tok, sizeof(tok));
	next(c);
	c->p = save;
	{
		static __thread char out[128];

		memcpy(out, c->tok, sizeof(out));
		memcpy(c->tok, tok, sizeof(tok));
		return out;
	}
}

static bool accept(struct cparse *c, const char *t)
{
	if (strcmp(peek(c), t))
		return false;
	next(c);
	return true;
}

static void fail(struct cparse *c, const char *what)
{
	if (!c->bad)
		sema_err(c->s, c->loc, "cannot parse C definition: %s near '%s'", what, c->tok);
	c->bad = true;
}

static const struct type *find_named(struct sema *s, const char *name)
{
	for (size_t i = 0; i < s->cstructs.n; i++) {
		const struct type *t = s->cstructs.v[i];

		if (t->name && !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

static const struct type *parse_record(struct cparse *c, bool is_union, const char *tag);

static bool is_union_kw(const char *kw)
{
	return !strcmp(kw, "union");
}

static const char *cdef_live_text(struct sema *s, const struct ast_node *def);

/* True if the program's C definitions define a struct or union that kernel
 * BTF has too. bpftrace's C parser then takes no type from BTF: every struct
 * a definition uses by value must be defined in the program. */
static bool redefines_btf_type(struct sema *s)
{
	for (const struct ast_node *it = s->prog->program.items; it; it = it->next) {
		const char *text = it->kind == AST_CDEF && it->cdef.text ? cdef_live_text(s, it) : NULL;
		const char *p = text;

		while (p && *p) {
			const char *kw = NULL;
			char name[160];
			size_t n = 0;

			if (!strncmp(p, "struct", 6) && (p[6] == ' ' || p[6] == '\t' || p[6] == '\n'))
				kw = "struct";
			else if (!strncmp(p, "union", 5) && (p[5] == ' ' || p[5] == '\t' || p[5] == '\n'))
				kw = "union";
			if (!kw || (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
				p++;
				continue;
			}
			p += strlen(kw);
			while (isspace((unsigned char)*p))
				p++;
			n = (size_t)snprintf(name, sizeof(name), "%s ", kw);
			while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < sizeof(name))
				name[n++] = *p++;
			name[n] = 0;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '{' && n > strlen(kw) + 1 && sema_btf_type(s, name))
				return true;
		}
	}
	return false;
}

/* A type specifier: base type without declarator. *is_char for plain char. */
static const struct type *parse_spec(struct cparse *c, bool *is_char)
{
	char words[128] = "";
	const char *t;

	*is_char = false;
	c->incomplete = NULL;
	for (;;) {
		t = peek(c);
		if (!strcmp(t, "const") || !strcmp(t, "volatile") || !strcmp(t, "__attribute__")) {
			next(c);
			continue;
		}
		break;
	}
	t = peek(c);
	if (!strcmp(t, "struct") || !strcmp(t, "union") || !strcmp(t, "enum")) {
		char kw[16], full[160];
		const struct type *r;

		snprintf(kw, sizeof(kw), "%s", t);
		next(c);
		if (!strcmp(peek(c), "{"))
			return !strcmp(kw, "enum") ? sema_ty_int(c->s, 4, false) :
			       parse_record(c, !strcmp(kw, "union"), NULL);
		next(c);
		snprintf(full, sizeof(full), "%s %s", kw, c->tok);
		if (!strcmp(peek(c), "{"))
			return parse_record(c, !strcmp(kw, "union"), c->tok);
		r = find_named(c->s, full);
		if (!r && !strcmp(kw, "enum")) {
			r = sema_btf_type(c->s, full);
			return r ? r : sema_ty_int(c->s, 4, false);
		}
		if (!r) {
			r = sema_btf_type(c->s, full);
			if (r && redefines_btf_type(c->s))
				r = NULL;
		}
		if (!r) {
			/* incomplete: usable behind a pointer */
			struct type *st = sema_ty_new(c->s, is_union_kw(kw) ? TY_UNION : TY_STRUCT, 0);

			st->name = str_intern0(c->s->a, full);
			c->incomplete = st;
			return st;
		}
		return r;
	}
	/* multi-word basic types */
	while (!strcmp(t, "unsigned") || !strcmp(t, "signed") || !strcmp(t, "long") ||
	       !strcmp(t, "short") || !strcmp(t, "int") || !strcmp(t, "char") ||
	       !strcmp(t, "const") || !strcmp(t, "volatile")) {
		next(c);
		if (strcmp(c->tok, "const") && strcmp(c->tok, "volatile")) {
			if (words[0])
				strncat(words, " ", sizeof(words) - strlen(words) - 1);
			strncat(words, c->tok, sizeof(words) - strlen(words) - 1);
		}
		t = peek(c);
	}
	if (words[0]) {
		bool uns = strstr(words, "unsigned") != NULL;
		uint32_t size = 4;

		if (!strcmp(words, "char")) {
			*is_char = true;
			return sema_ty_int(c->s, 1, true);
		}
		if (strstr(words, "char"))
			size = 1;
		else if (strstr(words, "short"))
			size = 2;
		else if (strstr(words, "long"))
			size = 8;
		return sema_ty_int(c->s, size, !uns);
	}
	next(c);
	if (!strcmp(c->tok, "void"))
		return sema_ty_void(c->s);
	if (!strcmp(c->tok, "bool") || !strcmp(c->tok, "_Bool"))
		return sema_ty_bool(c->s);
	if (!strcmp(c->tok, "float") || !strcmp(c->tok, "double")) {
		/* no floating point in BPF: opaque bytes */
		struct type *f = sema_ty_new(c->s, TY_NONE, !strcmp(c->tok, "float") ? 4 : 8);

		return f;
	}
	{
		struct ast_node fake = { 0 };
		const struct type *r = find_named(c->s, c->tok);

		if (r)
			return r;
		fake.kind = AST_TYPE;
		fake.loc = c->loc;
		fake.typ.base = c->tok;
		{
			bool saved = c->s->is_discovery;
			const struct type *x;

			c->s->is_discovery = true; /* quiet lookup */
			x = sema_ty_resolve(c->s, &fake);
			c->s->is_discovery = saved;
			if (x)
				return x;
		}
	}
	fail(c, "unknown type");
	return NULL;
}

/* '*'* NAME ('[' N ']')* ; applies pointers and arrays to @base. */
static const struct type *parse_declarator(struct cparse *c, const struct type *base, bool is_char,
					   const char **name)
{
	const struct type *t = base;
	uint32_t dims[8], nd = 0;

	while (accept(c, "*")) {
		t = sema_ty_ptr(c->s, t, AS_NONE);
		is_char = false;
		while (accept(c, "const"))
			;
	}
	next(c);
	if (!isalpha((unsigned char)c->tok[0]) && c->tok[0] != '_') {
		fail(c, "expected a field name");
		return NULL;
	}
	*name = str_intern0(c->s->a, c->tok);
	while (accept(c, "[")) {
		next(c);
		if (nd < 8)
			dims[nd++] = strtoul(c->tok, NULL, 0);
		if (!accept(c, "]")) {
			fail(c, "expected ']'");
			return NULL;
		}
	}
	for (int i = (int)nd - 1; i >= 0; i--) {
		if (is_char && i == (int)nd - 1) {
			t = sema_ty_string(c->s, dims[i]);
			continue;
		}
		{
			struct type *a = sema_ty_new(c->s, TY_ARRAY, t->size * dims[i]);

			a->elem = t;
			a->n = dims[i];
			a->align = t->align ? t->align : 1;
			t = a;
		}
	}
	return t;
}

struct cfield {
	const char *name;
	const struct type *type;
	uint32_t width; /* bitfield width, 0 = not a bitfield */
};

/* C layout of @nf fields into @st; @packed: no padding (align 1). */
static void layout(struct cparse *c, struct type *st, const struct cfield *cf, uint32_t nf, bool packed)
{
	bool is_union = st->kind == TY_UNION;
	uint32_t bits = 0, align = 1, max_size = 0, size;

	st->fields = arena_alloc(c->s->a, sizeof(*st->fields) * (nf ? nf : 1));
	st->n_fields = nf;
	for (uint32_t i = 0; i < nf; i++) {
		struct type_field *f = &st->fields[i];
		const struct type *ft = cf[i].type;
		uint32_t al = packed ? 1 : ft->align ? ft->align : 1;

		if (al > 8)
			al = 8;
		memset(f, 0, sizeof(*f));
		f->name = cf[i].name;
		f->type = ft;
		if (is_union) {
			f->bit_size = cf[i].width;
		} else if (cf[i].width) {
			uint32_t unit = ft->size * 8;
			uint32_t start = bits / unit * unit;

			if (bits + cf[i].width > start + unit)
				start += unit;
			if (bits < start)
				bits = start;
			f->offset = start / 8;
			f->bit_offset = bits - start;
			f->bit_size = cf[i].width;
			bits += cf[i].width;
		} else {
			bits = (bits + al * 8 - 1) / (al * 8) * (al * 8);
			f->offset = bits / 8;
			bits += ft->size * 8;
		}
		if (ft->size > max_size)
			max_size = ft->size;
		if (al > align)
			align = al;
	}
	size = is_union ? max_size : (bits + 7) / 8;
	st->size = (size + align - 1) / align * align;
	st->align = align;
}

/* The line of @def in the definitions.h bpftrace's C parser compiles: the
 * kernel-types header on line 1, then the C statements and includes in order. */
static uint32_t cdef_first_line(const struct sema *s, const struct ast_node *def)
{
	uint32_t line = 1;

	for (const struct ast_node *it = s->prog->program.items; it && it != def; it = it->next) {
		if (it->kind == AST_CDEF && it->cdef.text) {
			line++;
			for (const char *p = it->cdef.text; *p; p++)
				line += *p == '\n';
		} else if (it->kind == AST_INCLUDE) {
			line++;
		}
	}
	return line + 1;
}

/* A struct/union field of a type nothing defines: fails as bpftrace's C
 * parser (clang) does, at the field name in definitions.h. */
static void incomplete_field(struct cparse *c, const char *at, const struct type *ft)
{
	uint32_t line = 0, col = 1;

	if (c->text && c->def && at >= c->text) {
		line = cdef_first_line(c->s, c->def);
		for (const char *p = c->text; p < at; p++) {
			col = *p == '\n' ? 1 : col + 1;
			line += *p == '\n';
		}
		fprintf(c->s->d->out, "definitions.h:%u:%u: error: field has incomplete type '%s'\n",
			line, col, ft->name);
		c->s->d->n_errors++;
	} else {
		sema_err(c->s, c->loc, "field has incomplete type '%s'", ft->name);
	}
	c->bad = true;
}

static const struct type *parse_record(struct cparse *c, bool is_union, const char *tag)
{
	struct type *st = sema_ty_new(c->s, is_union ? TY_UNION : TY_STRUCT, 0);
	struct cfield fields[256];
	uint32_t nf = 0;
	bool packed = false;

	if (tag) {
		/* register early so self-referencing pointers resolve */
		st->name = str_intern0(c->s->a, arena_printf(c->s->a, "%s %s", is_union ? "union" : "struct", tag));
		ptrvec_push(&c->s->cstructs, st);
	}
	if (!accept(c, "{")) {
		fail(c, "expected '{'");
		return NULL;
	}
	while (!c->bad && !accept(c, "}")) {
		bool is_char;
		const struct type *base = parse_spec(c, &is_char);

		if (!base)
			return NULL;
		if (accept(c, ";")) {
			/* anonymous struct/union member */
			if (nf < 256) {
				fields[nf].name = str_intern0(c->s->a, "");
				fields[nf].type = base;
				fields[nf].width = 0;
				nf++;
			}
			continue;
		}
		do {
			const char *name = NULL, *at;
			const struct type *ft;
			uint32_t width = 0;

			skip_ws(c);
			at = c->p;
			ft = parse_declarator(c, base, is_char, &name);
			if (!ft)
				return NULL;
			if (ft == c->incomplete) {
				incomplete_field(c, at, ft);
				return NULL;
			}
			if (accept(c, ":")) {
				next(c);
				width = strtoul(c->tok, NULL, 0);
			}
			if (nf < 256) {
				fields[nf].name = name;
				fields[nf].type = ft;
				fields[nf].width = width;
				nf++;
			}
		} while (!c->bad && accept(c, ","));
		if (!strcmp(peek(c), "}"))
			continue; /* the last ';' may be missing */
		if (!accept(c, ";")) {
			fail(c, "expected ';'");
			return NULL;
		}
	}
	/* __attribute__((packed)) ... after the body */
	while (!strcmp(peek(c), "__attribute__")) {
		int depth = 0;

		next(c);
		do {
			next(c);
			if (!strcmp(c->tok, "("))
				depth++;
			else if (!strcmp(c->tok, ")"))
				depth--;
			else if (!strcmp(c->tok, "packed") || !strcmp(c->tok, "__packed__"))
				packed = true;
		} while (depth > 0 && c->tok[0]);
	}
	layout(c, st, fields, nf, packed);
	return st;
}

static void parse_enum_body(struct cparse *c, const char *tag)
{
	struct type *t = sema_ty_new(c->s, TY_ENUM, 8);
	size_t first = c->s->enums.n;
	int64_t nextv = 0;

	t->name = tag ? str_intern0(c->s->a, arena_printf(c->s->a, "enum %s", tag)) : NULL;
	if (!accept(c, "{")) {
		fail(c, "expected '{'");
		return;
	}
	while (!c->bad && !accept(c, "}")) {
		struct enum_const *e = arena_alloc(c->s->a, sizeof(*e));

		next(c);
		e->name = str_intern0(c->s->a, c->tok);
		if (accept(c, "=")) {
			next(c);
			nextv = strtoll(c->tok, NULL, 0);
		}
		e->value = nextv;
		/* wraps instead of overflowing after INT64_MAX (strtoll saturates) */
		nextv = (int64_t)((uint64_t)nextv + 1);
		e->type = t;
		ptrvec_push(&c->s->enums, e);
		if (!accept(c, ","))
			if (strcmp(peek(c), "}")) {
				fail(c, "expected ',' or '}'");
				return;
			}
	}
	t->n_enums = c->s->enums.n - first;
	{
		const char **nv = arena_alloc(c->s->a, sizeof(*nv) * (t->n_enums + 1));
		int64_t *vv = arena_alloc(c->s->a, sizeof(*vv) * (t->n_enums + 1));

		for (uint32_t i = 0; i < t->n_enums; i++) {
			struct enum_const *e = c->s->enums.v[first + i];

			nv[i] = e->name;
			vv[i] = e->value;
		}
		t->enum_names = nv;
		t->enum_values = vv;
	}
	if (t->name)
		ptrvec_push(&c->s->cstructs, t);
}

/* ---- preprocessor conditionals ----
 * The C statements of a program are separate items ("#ifndef
 * BPFTRACE_HAVE_BTF", the definitions, "#endif"), so the state runs over all
 * of them in order. Known macros: BPFTRACE_HAVE_BTF (kernel BTF exists, as
 * bpftrace defines it) and the names #define'd in live text before. An #if
 * with anything but a literal number counts as true. */
#define PP_MAX_DEPTH 32

struct pp {
	uint32_t depth;
	bool live[PP_MAX_DEPTH + 1];  /* live[0]: top level */
	bool taken[PP_MAX_DEPTH + 1]; /* a branch of this level was live */
	struct strvec defined;
	bool have_btf;
};

static bool pp_defined(const struct pp *pp, const char *name, size_t n)
{
	if (n == strlen("BPFTRACE_HAVE_BTF") && !strncmp(name, "BPFTRACE_HAVE_BTF", n))
		return pp->have_btf;
	for (size_t i = 0; i < pp->defined.n; i++)
		if (strlen(pp->defined.v[i]) == n && !strncmp(pp->defined.v[i], name, n))
			return true;
	return false;
}

/* One directive line @p (starting at '#'); true if it was a conditional. */
static bool pp_directive(struct pp *pp, const char *p)
{
	const char *w, *arg;
	size_t wn, an;
	bool outer, cond = true;

	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	for (w = p; isalpha((unsigned char)*p); p++)
		;
	wn = (size_t)(p - w);
	while (*p == ' ' || *p == '\t')
		p++;
	for (arg = p; isalnum((unsigned char)*p) || *p == '_'; p++)
		;
	an = (size_t)(p - arg);
#define PP_IS(x) (wn == strlen(x) && !strncmp(w, x, wn))
	outer = pp->live[pp->depth];
	if (PP_IS("define")) {
		if (outer && an)
			strvec_push_owned(&pp->defined, xasprintf("%.*s", (int)an, arg));
		return false;
	}
	if (PP_IS("ifdef") || PP_IS("ifndef") || PP_IS("if")) {
		if (PP_IS("ifdef"))
			cond = pp_defined(pp, arg, an);
		else if (PP_IS("ifndef"))
			cond = !pp_defined(pp, arg, an);
		else if (an && isdigit((unsigned char)*arg))
			cond = strtoll(arg, NULL, 0) != 0;
		if (pp->depth < PP_MAX_DEPTH)
			pp->depth++;
		pp->live[pp->depth] = outer && cond;
		pp->taken[pp->depth] = cond;
		return true;
	}
	if (!pp->depth)
		return PP_IS("else") || PP_IS("elif") || PP_IS("endif");
	outer = pp->live[pp->depth - 1];
	if (PP_IS("elif")) {
		if (an && isdigit((unsigned char)*arg))
			cond = strtoll(arg, NULL, 0) != 0;
		pp->live[pp->depth] = outer && !pp->taken[pp->depth] && cond;
		pp->taken[pp->depth] |= cond;
		return true;
	}
	if (PP_IS("else")) {
		pp->live[pp->depth] = outer && !pp->taken[pp->depth];
		pp->taken[pp->depth] = true;
		return true;
	}
	if (PP_IS("endif")) {
		pp->depth--;
		return true;
	}
#undef PP_IS
	return false;
}

/* Runs @pp over @text; with @out, writes the text with the lines of dead
 * regions and the conditional directives blanked (newlines kept). */
static void pp_text(struct pp *pp, const char *text, char *out)
{
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		bool blank;

		while (*q == ' ' || *q == '\t')
			q++;
		blank = *q == '#' ? pp_directive(pp, q) : false;
		blank = blank || !pp->live[pp->depth];
		if (out) {
			if (blank)
				memset(out, ' ', len);
			else
				memcpy(out, p, len);
			out += len;
			if (eol)
				*out++ = '\n';
		}
		p += len + (eol ? 1 : 0);
	}
	if (out)
		*out = 0;
}

/* The state before item @upto (NULL: after all). */
static void pp_run(struct sema *s, const struct ast_node *upto, struct pp *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->live[0] = true;
	pp->have_btf = s->env.btf_path && access(s->env.btf_path, R_OK) == 0;
	for (const struct ast_node *it = s->prog->program.items; it && it != upto; it = it->next)
		if (it->kind == AST_CDEF && it->cdef.text)
			pp_text(pp, it->cdef.text, NULL);
}

/* @def's text as the C parser sees it (dead regions blanked), in the arena. */
static const char *cdef_live_text(struct sema *s, const struct ast_node *def)
{
	struct pp pp;
	char *out = arena_alloc(s->a, strlen(def->cdef.text) + 1);

	pp_run(s, def, &pp);
	pp_text(&pp, def->cdef.text, out);
	strvec_fini(&pp.defined);
	return out;
}

/* Whether item @it lies in a live region of the C statements. */
static bool cdef_item_live(struct sema *s, const struct ast_node *it)
{
	struct pp pp;
	bool live;

	pp_run(s, it, &pp);
	live = pp.live[pp.depth];
	strvec_fini(&pp.defined);
	return live;
}

/* #define NAME <integer>: a named integer constant */
static void parse_define(struct sema *s, const char *p)
{
	char name[128];
	size_t n = 0;
	char *end;
	long long v;
	struct enum_const *e;

	p += strlen("#define");
	while (*p == ' ' || *p == '\t')
		p++;
	while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < sizeof(name))
		name[n++] = *p++;
	name[n] = 0;
	while (*p == ' ' || *p == '\t' || *p == '(')
		p++;
	v = strtoll(p, &end, 0);
	if (!n || end == p)
		return;
	e = arena_alloc(s->a, sizeof(*e));
	e->name = str_intern0(s->a, name);
	e->value = v;
	e->type = sema_ty_int(s, 8, true);
	ptrvec_push(&s->enums, e);
}

void sema_cdef(struct sema *s, struct ast_node *def)
{
	struct cparse c = { 0 };
	const char *d, *text = def->cdef.text ? cdef_live_text(s, def) : NULL;

	for (d = text; d && (d = strstr(d, "#define")); d++)
		parse_define(s, d);
	c.s = s;
	c.p = text;
	c.text = text;
	c.def = def;
	c.loc = def->loc;
	while (!c.bad) {
		const char *t = peek(&c);

		if (!*t)
			break;
		if (!strcmp(t, ";")) {
			next(&c);
			continue;
		}
		if (!strcmp(t, "typedef")) {
			bool is_char;
			const struct type *base;
			const char *name = NULL;
			const struct type *ft;

			next(&c);
			base = parse_spec(&c, &is_char);
			if (!base)
				break;
			ft = parse_declarator(&c, base, is_char, &name);
			if (ft) {
				struct type *td = sema_ty_storage(s, ft);

				*td = *ft;
				td->name = name;
				if (ft->kind == TY_INT || ft->kind == TY_POINTER || ft->kind == TY_BOOL) {
					/* typedef of a scalar: keep the kind, name for lookup only */
					td->name = name;
				}
				ptrvec_push(&s->cstructs, td);
			}
			continue;
		}
		if (!strcmp(t, "enum")) {
			char tag[128] = "";

			next(&c);
			if (strcmp(peek(&c), "{")) {
				next(&c);
				snprintf(tag, sizeof(tag), "%s", c.tok);
			}
			parse_enum_body(&c, tag[0] ? tag : NULL);
			continue;
		}
		if (!strcmp(t, "struct") || !strcmp(t, "union")) {
			bool is_union = !strcmp(t, "union");
			char tag[128] = "";

			next(&c);
			if (strcmp(peek(&c), "{")) {
				next(&c);
				snprintf(tag, sizeof(tag), "%s", c.tok);
			}
			if (!strcmp(peek(&c), "{"))
				parse_record(&c, is_union, tag[0] ? tag : NULL);
			/* trailing declarators are ignored; the next definition may
			 * follow without a ';' */
			while (*peek(&c) && strcmp(peek(&c), ";") && strcmp(peek(&c), "struct") &&
			       strcmp(peek(&c), "union") && strcmp(peek(&c), "enum") &&
			       strcmp(peek(&c), "typedef"))
				next(&c);
			continue;
		}
		fail(&c, "unsupported definition");
	}
}

/* Whether @dir/@path is a readable file. */
static bool include_in(const char *dir, const char *path)
{
	char buf[4096];
	struct stat st;

	if (snprintf(buf, sizeof(buf), "%s/%s", dir, path) >= (int)sizeof(buf))
		return false;
	return stat(buf, &st) == 0 && S_ISREG(st.st_mode);
}

/* Headers of the kernel's source tree: their types come from BTF, so a
 * machine without kernel headers still runs programs that include them. */
static bool kernel_header(const char *path)
{
	static const char *const tops[] = {
		"linux/", "net/", "asm/", "asm-generic/", "uapi/", "trace/", "crypto/", "keys/",
		"kvm/", "media/", "scsi/", "sound/", "video/", "xen/", "rdma/", "soc/", "drm/",
		"acpi/", "misc/", "vdso/", "dt-bindings/", "clocksource/", "pcmcia/",
	};

	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++)
		if (!strncmp(path, tops[i], strlen(tops[i])))
			return true;
	return false;
}

/* #include <x> and "x" name a header that must exist in a -I directory or
 * on the usual system include path (plus the compiler's own headers; "x" also relative to the
 * current directory). A missing one fails the way bpftrace's C parser does:
 * at its line in the generated definitions.h, whose first line is the
 * kernel-types header and which holds the C statements in order. */
void sema_check_includes(struct sema *s)
{
	char triplet[128], clang_inc[128] = "/usr/lib/clang/include";
	struct utsname u;
	uint32_t line = 1;
	glob_t g;

	snprintf(triplet, sizeof(triplet), "/usr/include/%s-linux-gnu",
		 uname(&u) == 0 ? u.machine : "x86_64");
	/* the compiler's own headers (stddef.h, stdarg.h, ...) */
	if (glob("/usr/lib/llvm-*/lib/clang/*/include", 0, NULL, &g) == 0) {
		snprintf(clang_inc, sizeof(clang_inc), "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
	}
	for (struct ast_node *it = s->prog->program.items; it; it = it->next) {
		const char *dirs[] = { "/usr/local/include", triplet, "/usr/include", clang_inc };
		const char *p;
		bool found = false;

		if (it->kind == AST_CDEF && it->cdef.text) {
			line++;
			for (p = it->cdef.text; *p; p++)
				line += *p == '\n';
			continue;
		}
		if (it->kind != AST_INCLUDE)
			continue;
		line++;
		if (!it->include.path || kernel_header(it->include.path) || !cdef_item_live(s, it))
			continue;
		if (it->include.path[0] == '/') {
			found = include_in("", it->include.path + 1);
		} else {
			found = !it->include.is_system && include_in(".", it->include.path);
			for (uint32_t i = 0; !found && s->o && i < s->o->n_include_dirs; i++)
				found = include_in(s->o->include_dirs[i], it->include.path);
			for (size_t i = 0; !found && i < sizeof(dirs) / sizeof(dirs[0]); i++)
				found = include_in(dirs[i], it->include.path);
		}
		if (!found) {
			fprintf(s->d->out, "definitions.h:%u:10: fatal error: '%s' file not found\n", line,
				it->include.path);
			s->d->n_errors++;
		}
	}
}
