/* util.c — heap helpers, the arena with string interning, vectors and byte buffers.
 *
 * The arena is a list of blocks; big requests get a block of their own. Interned
 * strings live in the arena and are found through an open-addressed table of
 * pointers (FNV-1a hash), so equal strings compare equal with ==. */
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void scry_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scry: internal error at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void *oom(size_t size)
{
	fprintf(stderr, "scry: out of memory (%zu bytes)\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	return p ? p : oom(size);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	return p ? p : oom(size);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	return p ? p : oom(strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	return s;
}

/* ---- arena ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 65536

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

void arena_fini(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a->strs);
	memset(a, 0, sizeof(*a));
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
		struct arena_block *nb = xmalloc(sizeof(*nb) + cap);

		nb->used = 0;
		nb->cap = cap;
		if (b && cap != ARENA_BLOCK) {
			/* keep the current block as the head: it still has room */
			nb->next = b->next;
			b->next = nb;
			nb->used = size;
			memset(nb->data, 0, size);
			return nb->data;
		}
		nb->next = b;
		a->head = b = nb;
	}
	p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *tmp, *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	p = arena_strndup(a, tmp, n);
	free(tmp);
	return p;
}

/* Interned strings are stored as [u32 len][bytes][NUL]. */
static uint32_t istr_len(const char *s)
{
	uint32_t n;

	memcpy(&n, s - 4, 4);
	return n;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void intern_grow(struct arena *a)
{
	size_t ncap = a->cap_strs ? a->cap_strs * 2 : 256;
	const char **nt = xcalloc(ncap, sizeof(*nt));

	for (size_t i = 0; i < a->cap_strs; i++) {
		const char *s = a->strs[i];
		size_t j;

		if (!s)
			continue;
		j = hash_bytes(s, istr_len(s)) & (ncap - 1);
		while (nt[j])
			j = (j + 1) & (ncap - 1);
		nt[j] = s;
	}
	free(a->strs);
	a->strs = nt;
	a->cap_strs = ncap;
}

const char *str_intern(struct arena *a, const char *s, size_t len)
{
	size_t j;
	char *p;
	uint32_t n32 = (uint32_t)len;

	if ((a->n_strs + 1) * 2 > a->cap_strs)
		intern_grow(a);
	j = hash_bytes(s, len) & (a->cap_strs - 1);
	while (a->strs[j]) {
		const char *t = a->strs[j];

		if (istr_len(t) == len && memcmp(t, s, len) == 0)
			return t;
		j = (j + 1) & (a->cap_strs - 1);
	}
	p = arena_alloc(a, len + 5);
	memcpy(p, &n32, 4);
	memcpy(p + 4, s, len);
	p[4 + len] = 0;
	a->strs[j] = p + 4;
	a->n_strs++;
	return p + 4;
}

const char *str_intern0(struct arena *a, const char *s)
{
	return str_intern(a, s, strlen(s));
}

/* ---- vectors ---- */

void ptrvec_push(struct ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 8;
		pv->v = xrealloc(pv->v, pv->cap * sizeof(*pv->v));
	}
	pv->v[pv->n++] = p;
}

void ptrvec_fini(struct ptrvec *pv)
{
	free(pv->v);
	memset(pv, 0, sizeof(*pv));
}

void strvec_push_owned(struct strvec *sv, char *s)
{
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
}

void strvec_push(struct strvec *sv, const char *s)
{
	strvec_push_owned(sv, xstrdup(s));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strvec_sort(struct strvec *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

void strvec_fini(struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* ---- sbuf ---- */

static void sbuf_reserve(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 64;

		while (ncap < b->len + extra + 1)
			ncap *= 2;
		b->s = xrealloc(b->s, ncap);
		b->cap = ncap;
	}
}

void sbuf_put(struct sbuf *b, const void *p, size_t len)
{
	sbuf_reserve(b, len);
	memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = 0;
}

void sbuf_putc(struct sbuf *b, char c)
{
	sbuf_put(b, &c, 1);
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_put(b, s, strlen(s));
}

void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sbuf_reserve(b, n);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	b->len += n;
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *sbuf_str(struct sbuf *b)
{
	if (!b->s)
		sbuf_reserve(b, 0);
	b->s[b->len] = 0;
	return b->s;
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

void sbuf_fini(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

int self_file_offset(const void *addr, uint64_t *off, char *path, size_t path_size)
{
	uintptr_t a = (uintptr_t)addr;
	char line[4352];
	int found = -1;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && found && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, pgoff;
		int pos = 0;

		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n", &lo, &hi, &pgoff, &pos) < 3 ||
		    a < lo || a >= hi)
			continue;
		*off = a - lo + pgoff;
		if (path && path_size) {
			line[strcspn(line, "\n")] = 0;
			snprintf(path, path_size, "%s", pos ? line + pos : "");
		}
		found = 0;
	}
	if (f)
		fclose(f);
	return found;
}
