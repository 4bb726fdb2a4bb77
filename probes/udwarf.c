/* udwarf.c — function parameters, types and line addresses from the DWARF of
 * a user-space binary, with libdw (see udwarf.h).
 *
 * The file's own DWARF is used if it has any; otherwise a separate debug
 * file is looked for by build id and by .gnu_debuglink, as gdb does. Split
 * DWARF (.dwo/.dwp) is not followed. Lookups walk the compilation units in
 * order and take the first match. Type conversion keeps a cache from DIE
 * offset to the converted type for the duration of one call, which both
 * saves work and ends recursion on self-referencing structs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast/type.h"
#include "probes/udwarf.h"
#include "probes/uelf.h"
#include "util/util.h"

#if __has_include(<elfutils/libdw.h>)
#include <dwarf.h>
#include <elfutils/libdw.h>

/* A function's defining DIE, for the name index. */
struct udwarf_fn {
	const char *name; /* in the DWARF data */
	size_t seq;       /* discovery order: the first definition wins */
	Dwarf_Die die;
};

struct udwarf {
	int fd;
	Dwarf *dw;
	/* defining DIEs of all functions sorted by name, built on the first
	 * lookup (wildcard uprobes look up many functions of one file) */
	struct udwarf_fn *fns;
	size_t n_fns, cap_fns;
	bool is_indexed;
};

/* ---- opening ---- */

static Dwarf *try_open(const char *path, int *fdp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Dwarf *dw;
	Dwarf_Off next;
	size_t hsize;

	if (fd < 0)
		return NULL;
	dw = dwarf_begin(fd, DWARF_C_READ);
	/* a file with only .eh_frame opens but has no units */
	if (dw && dwarf_nextcu(dw, 0, &next, &hsize, NULL, NULL, NULL) != 0) {
		dwarf_end(dw);
		dw = NULL;
	}
	if (!dw) {
		close(fd);
		return NULL;
	}
	*fdp = fd;
	return dw;
}

static Dwarf *open_debug_file(const char *path, const char *const *dirs, size_t n_dirs, int *fdp)
{
	struct uelf *e = NULL;
	Dwarf *dw = NULL;
	char *p;

	if (uelf_open(path, &e))
		return NULL;
	/* the user's directories: the debuglink name, or "<file name>.debug"
	 * when there is none (as libdwfl does), or a build-id tree */
	for (size_t i = 0; i < n_dirs && !dw; i++) {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

		if (e->debuglink)
			p = xasprintf("%s/%s", dirs[i], e->debuglink);
		else
			p = xasprintf("%s/%s.debug", dirs[i], base);
		dw = try_open(p, fdp);
		free(p);
		if (!dw && e->build_id_len > 1) {
			struct sbuf b = { 0 };

			sbuf_printf(&b, "%s/.build-id/%02x/", dirs[i], e->build_id[0]);
			for (size_t k = 1; k < e->build_id_len; k++)
				sbuf_printf(&b, "%02x", e->build_id[k]);
			sbuf_puts(&b, ".debug");
			dw = try_open(sbuf_str(&b), fdp);
			sbuf_fini(&b);
		}
	}
	if (dw) {
		uelf_free(e);
		return dw;
	}
	if (e->build_id_len > 1) {
		struct sbuf b = { 0 };

		sbuf_printf(&b, "/usr/lib/debug/.build-id/%02x/", e->build_id[0]);
		for (size_t i = 1; i < e->build_id_len; i++)
			sbuf_printf(&b, "%02x", e->build_id[i]);
		sbuf_puts(&b, ".debug");
		dw = try_open(sbuf_str(&b), fdp);
		sbuf_fini(&b);
	}
	if (!dw && e->debuglink) {
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');

		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
		p = xasprintf("%s/%s", dir, e->debuglink);
		dw = try_open(p, fdp);
		free(p);
		if (!dw) {
			p = xasprintf("%s/.debug/%s", dir, e->debuglink);
			dw = try_open(p, fdp);
			free(p);
		}
		if (!dw && dir[0] == '/') {
			p = xasprintf("/usr/lib/debug%s/%s", dir, e->debuglink);
			dw = try_open(p, fdp);
			free(p);
		}
		free(dir);
	}
	uelf_free(e);
	return dw;
}

int udwarf_open(const char *path, struct udwarf **out)
{
	return udwarf_open_ex(path, NULL, 0, out);
}

int udwarf_open_ex(const char *path, const char *const *debug_dirs, size_t n_dirs,
		   struct udwarf **out)
{
	struct udwarf *u;
	int fd = -1;
	Dwarf *dw;

	*out = NULL;
	if (access(path, R_OK) != 0)
		return -errno;
	dw = try_open(path, &fd);
	if (!dw)
		dw = open_debug_file(path, debug_dirs, n_dirs, &fd);
	if (!dw)
		return -ENODATA;
	u = xcalloc(1, sizeof(*u));
	u->fd = fd;
	u->dw = dw;
	*out = u;
	return 0;
}

void udwarf_free(struct udwarf *u)
{
	if (!u)
		return;
	dwarf_end(u->dw);
	close(u->fd);
	free(u->fns);
	free(u);
}

/* ---- walking ---- */

/* Calls @fn on each CU DIE until it returns true. With @want_split, a
 * skeleton unit (-gsplit-dwarf) is replaced by its split unit from the .dwo
 * file when libdw finds it; line tables stay with the skeleton. */
static bool each_cu(Dwarf *dw, bool want_split, bool (*fn)(Dwarf_Die *cu, void *arg), void *arg)
{
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half version;
	uint8_t unit_type;
	Dwarf_Die cudie, subdie;

	while (dwarf_get_units(dw, cu, &next, &version, &unit_type, &cudie, &subdie) == 0) {
		cu = next;
		if (unit_type == DW_UT_skeleton && want_split) {
			Dwarf_Die split;

			if (dwarf_cu_info(cu, NULL, NULL, NULL, &split, NULL, NULL, NULL) == 0 &&
			    dwarf_tag(&split) == DW_TAG_compile_unit) {
				if (fn(&split, arg))
					return true;
				continue;
			}
		}
		if (unit_type == DW_UT_type || unit_type == DW_UT_split_type)
			continue;
		if (fn(&cudie, arg))
			return true;
	}
	return false;
}

static bool is_declaration(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	bool flag = false;

	return dwarf_attr(die, DW_AT_declaration, &attr) && dwarf_formflag(&attr, &flag) == 0 &&
	       flag;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, out);
}

/* ---- type names (bpftrace's -lv spelling) ---- */

static void type_name(Dwarf_Die *t, struct sbuf *b, int depth)
{
	Dwarf_Die inner;
	const char *name;
	int tag;

	if (depth > 16) {
		sbuf_puts(b, "<unknown type>");
		return;
	}
	tag = dwarf_tag(t);
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		name = dwarf_diename(t);
		sbuf_puts(b, name ? name : "");
		return;
	case DW_TAG_pointer_type:
		if (type_of(t, &inner))
			type_name(&inner, b, depth + 1);
		else
			sbuf_puts(b, "void");
		sbuf_putc(b, '*');
		return;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		sbuf_puts(b, tag == DW_TAG_structure_type ? "struct "
			     : tag == DW_TAG_union_type   ? "union "
							  : "enum ");
		name = dwarf_diename(t);
		sbuf_puts(b, name ? name : "<anonymous>");
		return;
	case DW_TAG_const_type:
		if (!type_of(t, &inner)) {
			sbuf_puts(b, "const void");
			return;
		}
		if (dwarf_tag(&inner) == DW_TAG_pointer_type) {
			type_name(&inner, b, depth + 1);
			sbuf_puts(b, " const");
		} else {
			sbuf_puts(b, "const ");
			type_name(&inner, b, depth + 1);
		}
		return;
	default:
		sbuf_puts(b, "<unknown type>");
	}
}

/* ---- type conversion ---- */

struct conv {
	struct arena *a;
	struct ptrvec offs;  /* Dwarf_Off, as pointers */
	struct ptrvec types; /* struct type * */
};

static struct type *new_type(struct arena *a, enum type_kind kind, uint32_t size)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	t->kind = kind;
	t->size = size;
	t->align = size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
	return t;
}

static const struct type *convert(struct conv *c, Dwarf_Die *die, int depth);

static int64_t udata_attr(Dwarf_Die *die, int name, int64_t dflt)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(die, name, &attr) || dwarf_formudata(&attr, &w) != 0)
		return dflt;
	return (int64_t)w;
}

static void convert_fields(struct conv *c, Dwarf_Die *sdie, struct type *st, int depth)
{
	struct type_field *fields = NULL;
	uint32_t n = 0, cap = 0;
	Dwarf_Die child;

	if (dwarf_child(sdie, &child) != 0)
		return;
	do {
		Dwarf_Die ft;
		int64_t off, bit_off;
		const char *name;
		struct type_field *f;

		if (dwarf_tag(&child) != DW_TAG_member || !type_of(&child, &ft))
			continue;
		if (n == cap) {
			struct type_field *nf;

			cap = cap ? cap * 2 : 8;
			nf = arena_alloc(c->a, cap * sizeof(*nf));
			if (n)
				memcpy(nf, fields, n * sizeof(*nf));
			fields = nf;
		}
		f = &fields[n++];
		name = dwarf_diename(&child);
		f->name = name ? str_intern0(c->a, name) : NULL;
		f->type = convert(c, &ft, depth + 1);
		off = udata_attr(&child, DW_AT_data_member_location, 0);
		bit_off = udata_attr(&child, DW_AT_data_bit_offset, -1);
		if (dwarf_hasattr(&child, DW_AT_bit_size)) {
			int64_t bits = udata_attr(&child, DW_AT_bit_size, 0);

			if (bit_off < 0) {
				/* DWARF 2/3: DW_AT_bit_offset counts from the storage
				 * unit's most significant bit */
				int64_t unit = udata_attr(&child, DW_AT_byte_size,
							  f->type->size ? f->type->size : 4);
				int64_t hi = udata_attr(&child, DW_AT_bit_offset, 0);

				bit_off = off * 8 + unit * 8 - hi - bits;
			}
			f->offset = (uint32_t)(bit_off / 8);
			f->bit_offset = (uint16_t)(bit_off % 8);
			f->bit_size = (uint16_t)bits;
		} else {
			f->offset = (uint32_t)(bit_off >= 0 ? bit_off / 8 : off);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	st->fields = fields;
	st->n_fields = n;
}

static uint32_t array_count(Dwarf_Die *sub)
{
	int64_t cnt = udata_attr(sub, DW_AT_count, -1);

	if (cnt >= 0)
		return (uint32_t)cnt;
	cnt = udata_attr(sub, DW_AT_upper_bound, -1);
	return cnt >= 0 ? (uint32_t)(cnt + 1) : 0;
}

/* Array dimensions from the outermost; element type converted once. */
static const struct type *convert_array(struct conv *c, Dwarf_Die *adie, int depth)
{
	uint32_t dims[8];
	unsigned nd = 0;
	const struct type *elem;
	Dwarf_Die child, et;

	if (!type_of(adie, &et))
		return new_type(c->a, TY_NONE, 0);
	elem = convert(c, &et, depth + 1);
	if (dwarf_child(adie, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_subrange_type && nd < ARRAY_SIZE(dims))
				dims[nd++] = array_count(&child);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (nd == 0)
		dims[nd++] = 0;
	while (nd-- > 0) {
		struct type *t;

		if (elem->kind == TY_INT && elem->size == 1) {
			t = new_type(c->a, TY_STRING, dims[nd]);
		} else {
			t = new_type(c->a, TY_ARRAY, dims[nd] * elem->size);
			t->elem = elem;
			t->n = dims[nd];
			t->align = elem->align;
		}
		elem = t;
	}
	return elem;
}

static const struct type *convert(struct conv *c, Dwarf_Die *die, int depth)
{
	Dwarf_Off doff = dwarf_dieoffset(die);
	Dwarf_Die peeled, inner;
	struct type *t;
	const char *name;
	int tag, bytes;

	for (size_t i = 0; i < c->offs.n; i++)
		if ((Dwarf_Off)(uintptr_t)c->offs.v[i] == doff)
			return c->types.v[i];
	if (depth > 32 || dwarf_peel_type(die, &peeled) != 0)
		return new_type(c->a, TY_NONE, 0);
	if (dwarf_dieoffset(&peeled) != doff) {
		doff = dwarf_dieoffset(&peeled);
		for (size_t i = 0; i < c->offs.n; i++)
			if ((Dwarf_Off)(uintptr_t)c->offs.v[i] == doff)
				return c->types.v[i];
	}
	tag = dwarf_tag(&peeled);
	bytes = dwarf_bytesize(&peeled);
	switch (tag) {
	case DW_TAG_base_type:
		switch (udata_attr(&peeled, DW_AT_encoding, 0)) {
		case DW_ATE_boolean:
		case DW_ATE_unsigned:
		case DW_ATE_unsigned_char:
			t = new_type(c->a, TY_INT, bytes > 0 ? (uint32_t)bytes : 1);
			return t;
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			t = new_type(c->a, TY_INT, bytes > 0 ? (uint32_t)bytes : 1);
			t->is_signed = true;
			return t;
		default:
			return new_type(c->a, TY_NONE, 0);
		}
	case DW_TAG_enumeration_type:
		return new_type(c->a, TY_INT, bytes > 0 ? (uint32_t)bytes : 4);
	case DW_TAG_pointer_type:
		t = new_type(c->a, TY_POINTER, 8);
		t->as = AS_USER;
		/* register before converting the pointee: struct list { struct list *next; } */
		ptrvec_push(&c->offs, (void *)(uintptr_t)doff);
		ptrvec_push(&c->types, t);
		t->elem = type_of(&peeled, &inner) ? convert(c, &inner, depth + 1)
						   : new_type(c->a, TY_VOID, 0);
		if (t->elem->kind == TY_NONE)
			t->elem = new_type(c->a, TY_VOID, 0);
		return t;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		t = new_type(c->a, tag == DW_TAG_structure_type ? TY_STRUCT : TY_UNION,
			     bytes > 0 ? (uint32_t)bytes : 0);
		t->align = 8;
		name = dwarf_diename(&peeled);
		t->name = str_intern0(c->a, arena_printf(c->a, "%s %s",
					 tag == DW_TAG_structure_type ? "struct" : "union",
					 name ? name : "(anonymous)"));
		ptrvec_push(&c->offs, (void *)(uintptr_t)doff);
		ptrvec_push(&c->types, t);
		convert_fields(c, &peeled, t, depth);
		return t;
	case DW_TAG_array_type:
		return convert_array(c, &peeled, depth);
	default:
		return new_type(c->a, TY_NONE, 0);
	}
}

static void conv_fini(struct conv *c)
{
	ptrvec_fini(&c->offs);
	ptrvec_fini(&c->types);
}

/* ---- functions ---- */

static int index_cb(Dwarf_Die *die, void *arg)
{
	struct udwarf *u = arg;
	const char *name = dwarf_diename(die);

	if (!name || is_declaration(die))
		return DWARF_CB_OK;
	if (u->n_fns == u->cap_fns) {
		u->cap_fns = u->cap_fns ? u->cap_fns * 2 : 256;
		u->fns = xrealloc(u->fns, u->cap_fns * sizeof(*u->fns));
	}
	u->fns[u->n_fns] = (struct udwarf_fn){ name, u->n_fns, *die };
	u->n_fns++;
	return DWARF_CB_OK;
}

static bool index_cu(Dwarf_Die *cu, void *arg)
{
	dwarf_getfuncs(cu, index_cb, arg, 0);
	return false;
}

static int cmp_fn(const void *pa, const void *pb)
{
	const struct udwarf_fn *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The first defining DIE of @name in CU order, through the index. */
static bool find_func(struct udwarf *u, const char *name, Dwarf_Die *out)
{
	size_t lo = 0, hi;

	if (!u->is_indexed) {
		u->is_indexed = true;
		each_cu(u->dw, true, index_cu, u);
		if (u->n_fns)
			qsort(u->fns, u->n_fns, sizeof(*u->fns), cmp_fn);
	}
	hi = u->n_fns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(u->fns[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == u->n_fns || strcmp(u->fns[lo].name, name) != 0)
		return false;
	*out = u->fns[lo].die;
	return true;
}

int udwarf_func_params(struct udwarf *u, const char *func, struct arena *a,
		       struct udwarf_param **params, unsigned *n)
{
	Dwarf_Die fdie;
	struct conv c = { .a = a };
	struct udwarf_param *v = NULL;
	unsigned cnt = 0, cap = 0;
	Dwarf_Die child;

	*params = NULL;
	*n = 0;
	if (!find_func(u, func, &fdie))
		return -ENOENT;
	if (dwarf_child(&fdie, &child) == 0) {
		do {
			struct sbuf b = { 0 };
			Dwarf_Die t;
			const char *name;

			if (dwarf_tag(&child) != DW_TAG_formal_parameter)
				continue;
			if (cnt == cap) {
				struct udwarf_param *nv;

				cap = cap ? cap * 2 : 8;
				nv = arena_alloc(a, cap * sizeof(*nv));
				if (cnt)
					memcpy(nv, v, cnt * sizeof(*nv));
				v = nv;
			}
			name = dwarf_diename(&child);
			v[cnt].name = name ? arena_strdup(a, name) : NULL;
			if (type_of(&child, &t)) {
				type_name(&t, &b, 0);
				v[cnt].type = convert(&c, &t, 0);
			} else {
				sbuf_puts(&b, "<unknown type>");
				v[cnt].type = new_type(a, TY_NONE, 0);
			}
			v[cnt].type_name = arena_strdup(a, sbuf_str(&b));
			sbuf_fini(&b);
			cnt++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	conv_fini(&c);
	*params = v;
	*n = cnt;
	return 0;
}

int udwarf_args_record(struct udwarf *u, const char *func, struct arena *a,
		       const struct type **record)
{
	struct udwarf_param *p;
	struct type *rec;
	unsigned n, i;
	uint32_t off = 0;
	int err;

	*record = NULL;
	err = udwarf_func_params(u, func, a, &p, &n);
	if (err)
		return err;
	rec = new_type(a, TY_RECORD, 0);
	rec->fields = arena_alloc(a, (n ? n : 1) * sizeof(*rec->fields));
	rec->n_fields = n;
	rec->align = 8;
	for (i = 0; i < n; i++) {
		rec->fields[i].name = str_intern0(a, p[i].name ? p[i].name : "");
		rec->fields[i].type = p[i].type;
		rec->fields[i].offset = off;
		off += p[i].type->size;
	}
	rec->size = off;
	*record = rec;
	return 0;
}

/* ---- types by name ---- */

struct type_find {
	int tag;           /* DW_TAG_structure_type..., or 0 for typedef/base */
	const char *name;
	Dwarf_Die die;
	bool found;
};

static bool type_in_cu(Dwarf_Die *cu, void *arg)
{
	struct type_find *tf = arg;
	Dwarf_Die child;

	if (dwarf_child(cu, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		const char *name;

		if (tf->tag ? tag != tf->tag : (tag != DW_TAG_typedef && tag != DW_TAG_base_type))
			continue;
		name = dwarf_diename(&child);
		if (name && strcmp(name, tf->name) == 0 && !is_declaration(&child)) {
			tf->die = child;
			tf->found = true;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

const struct type *udwarf_type(struct udwarf *u, const char *name, struct arena *a)
{
	struct type_find tf = { 0 };
	struct conv c = { .a = a };
	const struct type *t;

	if (strncmp(name, "struct ", 7) == 0) {
		tf.tag = DW_TAG_structure_type;
		tf.name = name + 7;
	} else if (strncmp(name, "union ", 6) == 0) {
		tf.tag = DW_TAG_union_type;
		tf.name = name + 6;
	} else if (strncmp(name, "enum ", 5) == 0) {
		tf.tag = DW_TAG_enumeration_type;
		tf.name = name + 5;
	} else {
		tf.name = name;
	}
	if (!each_cu(u->dw, true, type_in_cu, &tf))
		return NULL;
	t = convert(&c, &tf.die, 0);
	conv_fini(&c);
	return t;
}

/* ---- lines ---- */

struct line_find {
	const char *file;
	unsigned line;
	uint64_t best;
	bool found;
};

static bool path_ends_with(const char *path, const char *suffix)
{
	size_t lp = strlen(path), ls = strlen(suffix);

	if (ls > lp || strcmp(path + lp - ls, suffix) != 0)
		return false;
	return lp == ls || suffix[0] == '/' || path[lp - ls - 1] == '/';
}

static bool line_in_cu(Dwarf_Die *cu, void *arg)
{
	struct line_find *lf = arg;
	Dwarf_Lines *lines;
	size_t n;

	if (dwarf_getsrclines(cu, &lines, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr addr;
		const char *src;
		bool is_stmt = true;
		int ln;

		if (!l || dwarf_lineno(l, &ln) != 0 || (unsigned)ln != lf->line)
			continue;
		dwarf_linebeginstatement(l, &is_stmt);
		src = dwarf_linesrc(l, NULL, NULL);
		if (!is_stmt || !src || !path_ends_with(src, lf->file) || dwarf_lineaddr(l, &addr))
			continue;
		if (!lf->found || addr < lf->best)
			lf->best = addr;
		lf->found = true;
	}
	return false; /* keep looking: the lowest address over all units */
}

int udwarf_line_addr(struct udwarf *u, const char *file, unsigned line, uint64_t *vaddr)
{
	struct line_find lf = { .file = file, .line = line };

	each_cu(u->dw, false, line_in_cu, &lf);
	if (!lf.found)
		return -ENOENT;
	*vaddr = lf.best;
	return 0;
}

#else /* no libdw */

int udwarf_open(const char *path, struct udwarf **out)
{
	(void)path;
	*out = NULL;
	return -ENOTSUP;
}

int udwarf_open_ex(const char *path, const char *const *debug_dirs, size_t n_dirs,
		   struct udwarf **out)
{
	(void)path, (void)debug_dirs, (void)n_dirs;
	*out = NULL;
	return -ENOTSUP;
}

void udwarf_free(struct udwarf *dw)
{
	(void)dw;
}

int udwarf_func_params(struct udwarf *dw, const char *func, struct arena *a,
		       struct udwarf_param **params, unsigned *n)
{
	(void)dw, (void)func, (void)a;
	*params = NULL;
	*n = 0;
	return -ENOTSUP;
}

const struct type *udwarf_type(struct udwarf *dw, const char *name, struct arena *a)
{
	(void)dw, (void)name, (void)a;
	return NULL;
}

int udwarf_args_record(struct udwarf *dw, const char *func, struct arena *a,
		       const struct type **record)
{
	(void)dw, (void)func, (void)a;
	*record = NULL;
	return -ENOTSUP;
}

int udwarf_line_addr(struct udwarf *dw, const char *file, unsigned line, uint64_t *vaddr)
{
	(void)dw, (void)file, (void)line, (void)vaddr;
	return -ENOTSUP;
}

#endif
