/* tracepoint.c — `tracepoint:<category>:<event>` (t): static kernel tracepoints.
 *
 * Targets come from <tracefs>/available_events (one "cat:event" a line; the
 * events/ directories when that file is missing), so listing every tracepoint
 * reads one file. The program context is the tracepoint record, laid out as
 * <tracefs>/events/<cat>/<event>/format describes it: `args` is a TY_STRUCT
 * with one field per "field:" line at its record offset, including common_*.
 * Following bpftrace: integer sizes and signedness come from the format's
 * size/signed, char[N] arrays are strings, other arrays TY_ARRAY, pointers keep
 * their C type (user pointers for the syscalls category), and __data_loc
 * fields are int64 values marked is_data_loc (the runtime address ctx + off).
 * Type names resolve through env->get_btf; without it, the BTF at env->btf_path
 * is parsed only for formats with enum fields (their names print symbolically)
 * or struct/union fields (their btf_id lets sema find the members). */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* All "cat:event" names of @env, sorted and unique; 0 or -errno. */
static int tp_all_events(const struct probe_env *env, const char *cat_only, struct strvec *out)
{
	char *path = xasprintf("%s/available_events", env->tracefs);
	FILE *f = fopen(path, "r");
	struct strvec raw = { 0 };
	int err = 0;

	free(path);
	if (f) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		size_t cat_len = cat_only ? strlen(cat_only) : 0;

		while ((n = getline(&line, &cap, f)) > 0) {
			while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
				line[--n] = 0;
			if (!strchr(line, ':'))
				continue;
			if (cat_only && (strncmp(line, cat_only, cat_len) || line[cat_len] != ':'))
				continue;
			strvec_push(&raw, line);
		}
		free(line);
		fclose(f);
	} else {
		struct strvec cats = { 0 };
		char *evdir = xasprintf("%s/events", env->tracefs);

		err = probe_dir_names(evdir, NULL, true, &cats);
		for (size_t i = 0; !err && i < cats.n; i++) {
			struct strvec evs = { 0 };
			char *cdir = xasprintf("%s/%s", evdir, cats.v[i]);

			if (cat_only && strcmp(cat_only, cats.v[i]))
				goto next;
			probe_dir_names(cdir, NULL, true, &evs);
			for (size_t j = 0; j < evs.n; j++)
				strvec_push_owned(&raw, xasprintf("%s:%s", cats.v[i], evs.v[j]));
next:
			strvec_fini(&evs);
			free(cdir);
		}
		strvec_fini(&cats);
		free(evdir);
	}
	strvec_sort(&raw);
	for (size_t i = 0; i < raw.n; i++) {
		if (out->n && strcmp(out->v[out->n - 1], raw.v[i]) == 0) {
			free(raw.v[i]);
			continue;
		}
		strvec_push_owned(out, raw.v[i]);
	}
	free(raw.v);
	return err;
}

static bool tp_exists(const struct probe_env *env, const char *cat, const char *ev)
{
	char *p = xasprintf("%s/events/%s/%s/format", env->tracefs, cat, ev);
	struct stat st;
	bool ok = stat(p, &st) == 0;

	free(p);
	return ok;
}

static void tp_push(struct ptrvec *out, struct arena *a, const char *cat, const char *ev)
{
	ptrvec_push(out, probe_target_new(a, &tracepoint_probe, arena_printf(a, "%s:%s", cat, ev), ev,
					  arena_printf(a, "tracepoint:%s:%s", cat, ev)));
}

/* A BTF parsed from env->btf_path on first need, shared by the formats of one
 * expansion (the caller frees it). */
struct tp_lazy_btf {
	struct btf *btf;
	bool tried;
};

static int tp_expand_targets(const struct probe_env *env, const struct ast_node *ap,
			     struct ptrvec *out, struct arena *a, struct diag *d);
static const struct type *tp_record(const struct probe_env *env, const struct probe_target *t,
				    struct arena *a, struct tp_lazy_btf *lazy);

/* Expands, then reads every target's format once, sharing one BTF parse when
 * the caller has no BTF to offer (big wildcards would parse it per target). */
static int tp_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		     struct arena *a, struct diag *d)
{
	size_t first = out->n;
	struct tp_lazy_btf lazy = { 0 };
	int err = tp_expand_targets(env, ap, out, a, d);

	for (size_t i = first; !err && i < out->n; i++) {
		struct probe_target *t = out->v[i];

		t->priv = tp_record(env, t, a, &lazy);
	}
	btf__free(lazy.btf);
	return err;
}

static int tp_expand_targets(const struct probe_env *env, const struct ast_node *ap,
			     struct ptrvec *out, struct arena *a, struct diag *d)
{
	const char *cat, *ev;
	struct strvec all = { 0 };

	if (ap->attach.n_parts == 1 && probe_has_wildcard(ap->attach.parts[0])) {
		cat = "*";
		ev = ap->attach.parts[0];
	} else if (ap->attach.n_parts != 2) {
		probe_arg_count_error(d, ap, &tracepoint_probe, 2, 2);
		return -EINVAL;
	} else {
		cat = ap->attach.parts[0];
		ev = ap->attach.parts[1];
	}
	if (!*cat || !*ev) {
		diag_error(d, ap->loc, "tracepoint probe must have a target");
		return -EINVAL;
	}
	if (!probe_has_wildcard(cat) && !probe_has_wildcard(ev)) {
		if (tp_exists(env, cat, ev))
			tp_push(out, a, cat, ev);
		return 0;
	}
	tp_all_events(env, probe_has_wildcard(cat) ? NULL : cat, &all);
	for (size_t i = 0; i < all.n; i++) {
		char *c = all.v[i], *colon = strchr(c, ':');

		*colon = 0;
		if (probe_glob_match(cat, c) && probe_glob_match(ev, colon + 1))
			tp_push(out, a, c, colon + 1);
		*colon = ':';
	}
	strvec_fini(&all);
	return 0;
}

static const char *tp_section(const struct probe_target *t, struct arena *a)
{
	const char *colon = strchr(t->target, ':');

	return arena_printf(a, "tracepoint/%.*s/%s", (int)(colon - t->target), t->target, colon + 1);
}

/* One "field:" line of a format file. */
struct tp_field {
	char decl[256];
	uint32_t offset, size;
	bool is_signed;
};

static bool tp_parse_line(const char *line, struct tp_field *f)
{
	const char *p = strstr(line, "field:"), *semi, *q;
	size_t len;

	if (!p)
		return false;
	p += 6;
	semi = strchr(p, ';');
	if (!semi)
		return false;
	len = (size_t)(semi - p);
	if (len >= sizeof(f->decl))
		len = sizeof(f->decl) - 1;
	memcpy(f->decl, p, len);
	f->decl[len] = 0;
	q = strstr(semi, "offset:");
	f->offset = q ? (uint32_t)strtoul(q + 7, NULL, 10) : 0;
	q = strstr(semi, "size:");
	f->size = q ? (uint32_t)strtoul(q + 5, NULL, 10) : 0;
	q = strstr(semi, "signed:");
	f->is_signed = q && q[7] == '1';
	return true;
}

static const struct type *tp_field_type(struct arena *a, const struct btf *btf,
					const struct tp_field *f, char *type, const char *arr,
					enum addrspace as, bool *is_data_loc)
{
	const struct type *base;
	struct type *t;

	*is_data_loc = strstr(type, "__data_loc") != NULL;
	if (*is_data_loc) {
		t = probe_type_int(a, 8, true);
		t->as = AS_KERNEL;
		return t;
	}
	base = probe_type_from_c(a, btf, type, as);
	if (arr) {
		uint32_t n = (uint32_t)strtoul(arr, NULL, 10);
		char *clean = type;

		if (strncmp(clean, "const ", 6) == 0)
			clean += 6;
		if (strcmp(clean, "char") == 0 || strcmp(clean, "signed char") == 0 ||
		    strcmp(clean, "unsigned char") == 0) {
			t = probe_type_new(a, TY_STRING, n ? n : f->size);
			return t;
		}
		if (base->kind == TY_VOID || base->size == 0)
			base = probe_type_int(a, n ? f->size / n : 1, f->is_signed);
		t = probe_type_new(a, TY_ARRAY, f->size);
		t->elem = base;
		t->n = n;
		t->align = base->align;
		return t;
	}
	switch (base->kind) {
	case TY_INT:
	case TY_BOOL:
		return probe_type_int(a, f->size, f->is_signed);
	case TY_ENUM:
		t = arena_alloc(a, sizeof(*t));
		*t = *base;
		t->size = f->size;
		t->is_signed = f->is_signed;
		return t;
	case TY_POINTER:
		return base;
	default:
		if (base->size == 0 || base->kind == TY_VOID)
			return probe_type_int(a, f->size, f->is_signed);
		return base;
	}
}

/* Parses the format of cat:ev into a TY_STRUCT; NULL if unreadable. */
static const struct type *tp_format_struct(const struct probe_env *env, const char *cat,
					   const char *ev, const char *full, struct arena *a,
					   struct tp_lazy_btf *lazy)
{
	char *path = xasprintf("%s/events/%s/%s/format", env->tracefs, cat, ev);
	FILE *f = fopen(path, "r");
	const struct btf *btf = probe_env_btf(env);
	enum addrspace as = strcmp(cat, "syscalls") == 0 ? AS_USER : AS_KERNEL;
	struct type *st;
	struct type_field *fields = NULL;
	uint32_t n = 0, cap = 0, end = 0;
	char *line = NULL;
	size_t lcap = 0;

	free(path);
	if (!f)
		return NULL;
	while (getline(&line, &lcap, f) > 0) {
		struct tp_field tf;
		char *name, *arr, *sp;
		bool is_data_loc;

		if (!tp_parse_line(line, &tf))
			continue;
		/* split "<type> <name>[N]" at the last blank */
		sp = tf.decl + strlen(tf.decl);
		while (sp > tf.decl && sp[-1] == ' ')
			*--sp = 0;
		sp = strrchr(tf.decl, ' ');
		if (!sp || strrchr(tf.decl, '\t') > sp)
			sp = strrchr(tf.decl, '\t');
		if (!sp)
			continue;
		*sp = 0;
		name = sp + 1;
		arr = strchr(name, '[');
		if (arr)
			*arr++ = 0; /* arr: the count text "16]" ("]" for []) */
		if (n == cap) {
			struct type_field *nf;

			cap = cap ? cap * 2 : 16;
			nf = arena_alloc(a, cap * sizeof(*nf));
			if (n)
				memcpy(nf, fields, n * sizeof(*nf));
			fields = nf;
		}
		if (!btf && !lazy->tried && env->btf_path &&
		    (strstr(tf.decl, "enum ") || strstr(tf.decl, "struct ") ||
		     strstr(tf.decl, "union "))) {
			lazy->tried = true;
			lazy->btf = btf__parse(env->btf_path, NULL);
			if (lazy->btf && libbpf_get_error(lazy->btf))
				lazy->btf = NULL;
		}
		if (!btf)
			btf = lazy->btf;
		fields[n].type = tp_field_type(a, btf, &tf, tf.decl, arr, as, &is_data_loc);
		fields[n].name = str_intern0(a, name);
		fields[n].offset = tf.offset;
		fields[n].is_data_loc = is_data_loc;
		if (tf.offset + tf.size > end)
			end = tf.offset + tf.size;
		n++;
	}
	free(line);
	fclose(f);
	st = probe_type_new(a, TY_STRUCT, end);
	st->align = 8;
	st->name = arena_printf(a, "struct %s_args", full);
	st->fields = fields;
	st->n_fields = n;
	st->is_ctx = true;
	st->as = as;
	return st;
}

/* The record type of @t (t->target is "cat:event"); NULL if unreadable. */
static const struct type *tp_record(const struct probe_env *env, const struct probe_target *t,
				    struct arena *a, struct tp_lazy_btf *lazy)
{
	const char *colon = strchr(t->target, ':');
	char *cat;

	if (!colon)
		return NULL;
	cat = arena_strndup(a, t->target, (size_t)(colon - t->target));
	return tp_format_struct(env, cat, colon + 1, t->full, a, lazy);
}

static int tp_context(const struct probe_env *env, const struct probe_target *t,
		      struct probe_ctx *out, struct arena *a, struct diag *d)
{
	const struct type *st = t->priv;

	memset(out, 0, sizeof(*out));
	out->kind = PCTX_TRACEPOINT;
	if (!st) {
		struct tp_lazy_btf lazy = { 0 };

		st = tp_record(env, t, a, &lazy);
		btf__free(lazy.btf);
	}
	if (!st) {
		diag_plain_error(d, "Tracepoint not found: %s", t->target);
		return -ENOENT;
	}
	out->args = st;
	out->has_args = true;
	return 0;
}

static int tp_attach(struct bpf_program *prog, const struct probe_target *t, struct ptrvec *links)
{
	const char *colon = strchr(t->target, ':');
	char cat[256];
	struct bpf_link *link;
	size_t n;

	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - t->target);
	if (n >= sizeof(cat))
		return -ENAMETOOLONG;
	memcpy(cat, t->target, n);
	cat[n] = 0;
	link = bpf_program__attach_tracepoint(prog, cat, colon + 1);
	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

/* "    <decl>" for each non-common field of cat:ev, as bpftrace -lv prints. */
static void tp_print_args(const struct probe_env *env, const char *catev, FILE *out)
{
	const char *colon = strchr(catev, ':');
	char *path = xasprintf("%s/events/%.*s/%s/format", env->tracefs, (int)(colon - catev),
			       catev, colon + 1);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool past_common = false;

	free(path);
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *p, *semi;

		if (!past_common) {
			if (n == 1 && line[0] == '\n')
				past_common = true;
			continue;
		}
		if (strncmp(line, "\tfield:", 7) != 0)
			continue;
		p = line + 7;
		semi = strchr(p, ';');
		if (!semi)
			continue;
		fprintf(out, "    %.*s\n", (int)(semi - p), p);
	}
	free(line);
	fclose(f);
}

static int tp_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	struct strvec all = { 0 };
	char *g, *colon, *cat_only = NULL;
	int err;

	if (!glob)
		glob = "*";
	g = strchr(glob, ':') ? xstrdup(glob) : xasprintf("*:%s", glob);
	colon = strchr(g, ':');
	*colon = 0;
	if (!probe_has_wildcard(g) && !strchr(g, '?'))
		cat_only = g;
	err = tp_all_events(env, cat_only, &all);
	*colon = ':';
	for (size_t i = 0; i < all.n; i++) {
		if (!probe_glob_match(g, all.v[i]))
			continue;
		fprintf(out, "tracepoint:%s\n", all.v[i]);
		if (verbose)
			tp_print_args(env, all.v[i], out);
	}
	strvec_fini(&all);
	free(g);
	return err;
}

static int tp_available(const struct probe_env *env, const char **why)
{
	char *p = xasprintf("%s/events", env->tracefs);
	struct stat st;
	int err = stat(p, &st) == 0 ? 0 : -errno;

	free(p);
	if (err)
		*why = "tracefs is not available (mount it with: mount -t tracefs nodev "
		       "/sys/kernel/tracing)";
	return err;
}

/* "did you mean": within the category when it exists (closest event name),
 * else the closest category that has this event. */
static const char *tp_suggest(const struct probe_env *env, const struct ast_node *ap,
			      struct arena *a)
{
	struct strvec all = { 0 };
	const char *res;

	if (ap->attach.n_parts != 2)
		return NULL;
	tp_all_events(env, NULL, &all);
	res = probe_suggest_in(&all, ap->attach.parts[0], ap->attach.parts[1], a);
	strvec_fini(&all);
	return res;
}

const struct probe_ops tracepoint_probe = {
	.name = "tracepoint",
	.aliases = (const char *const[]){ "t", NULL },
	.min_parts = 1,
	.max_parts = 2,
	.expand = tp_expand,
	.section = tp_section,
	.context = tp_context,
	.attach = tp_attach,
	.list = tp_list,
	.available = tp_available,
	.suggest = tp_suggest,
};
