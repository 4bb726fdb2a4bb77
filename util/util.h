/* util.h — the small pieces every stage uses: arena, interned strings, vectors,
 * source buffers with locations, and the diagnostic printer.
 *
 * Everything here depends on libc only. */
#ifndef SCRY_UTIL_UTIL_H
#define SCRY_UTIL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCRY_BUG(...) scry_bug(__FILE__, __LINE__, __VA_ARGS__)
void scry_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Heap helpers that abort on out-of-memory. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where @addr of this process comes from, per /proc/self/maps: the offset in
 * the mapped file, and its path (into @path, when not NULL; "" for an
 * anonymous mapping). 0, or -1 when no mapping holds @addr. */
int self_file_offset(const void *addr, uint64_t *off, char *path, size_t path_size);

/* ---- arena: bump allocator; everything it hands out dies with arena_free() ---- */
struct arena_block;
struct arena {
	struct arena_block *head;
	/* interned strings: open-addressed hash of pointers into the arena */
	const char **strs;
	size_t n_strs, cap_strs;
};

void arena_init(struct arena *a);
void arena_fini(struct arena *a);
/* Zeroed memory, 16-byte aligned; never NULL. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Interned string: equal contents give the same pointer (compare with ==).
 * The string may contain NUL bytes only if len says so. */
const char *str_intern(struct arena *a, const char *s, size_t len);
const char *str_intern0(struct arena *a, const char *s);

/* ---- growable vector of pointers (heap) ---- */
struct ptrvec {
	void **v;
	size_t n, cap;
};
void ptrvec_push(struct ptrvec *pv, void *p);
void ptrvec_fini(struct ptrvec *pv);

/* ---- vector of owned strings (heap) ---- */
struct strvec {
	char **v;
	size_t n, cap;
};
/* Takes a copy of s. */
void strvec_push(struct strvec *sv, const char *s);
/* Takes ownership of s (must be malloc'd). */
void strvec_push_owned(struct strvec *sv, char *s);
void strvec_sort(struct strvec *sv);
void strvec_fini(struct strvec *sv);

/* ---- growable byte buffer (heap) ---- */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sbuf_putc(struct sbuf *b, char c);
void sbuf_put(struct sbuf *b, const void *p, size_t len);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);
/* Returns the NUL-terminated string (owned by the buffer). */
const char *sbuf_str(struct sbuf *b);
void sbuf_reset(struct sbuf *b);
void sbuf_fini(struct sbuf *b);

/* ---- source text and locations ---- */

/* A byte range in one source, with the 1-based line and column of its start.
 * end_line/end_col locate the last byte of the range (inclusive). len 0 means
 * "no useful range" (synthesized nodes copy the loc of what they replace). */
struct src;
struct loc {
	const struct src *src;
	uint32_t off, len;
	uint32_t line, col;
	uint32_t end_line, end_col;
};

struct src {
	const char *name; /* "stdin" for -e and stdin programs, else the path */
	const char *text; /* NUL-terminated, owned */
	size_t len;
};

/* Reads a whole file (or stdin for "-"). Returns NULL and sets errno on error. */
struct src *src_from_file(const char *path, const char *display_name);
struct src *src_from_string(const char *name, const char *text, size_t len);
void src_free(struct src *s);
/* Line @line (1-based) of @s without its newline; *len gets its length. */
const char *src_line(const struct src *s, uint32_t line, size_t *len);
/* Computes line/col/end_line/end_col of [off, off+len). */
struct loc src_loc(const struct src *s, uint32_t off, uint32_t len);
/* The smallest range covering both. */
struct loc loc_join(struct loc a, struct loc b);

/* ---- diagnostics ---- */

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE, DIAG_HINT };

#define DIAG_MAX_ERRORS 20

/* Collected diagnostics. Printed (to @out, usually stderr) as they come:
 *   file:line:col-endcol: ERROR: msg
 *   <source line>
 *   ^~~~~
 * a note prints like an error with level "NOTE"; a hint prints "HINT: msg".
 * After DIAG_MAX_ERRORS errors, further errors are counted but not printed. */
struct diag {
	FILE *out;
	unsigned n_errors, n_warnings;
	bool no_warnings;  /* --no-warnings */
	bool quiet_locs;   /* omit the source line + underline (tests) */
	bool no_caret;     /* underline with '~' only, as bpftrace does (run as "bpftrace") */
	bool last_printed; /* notes/hints attach to a printed diagnostic only */
};

void diag_init(struct diag *d, FILE *out);
void diag_error(struct diag *d, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_warning(struct diag *d, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_note(struct diag *d, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_hint(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_vmsg(struct diag *d, enum diag_level lvl, struct loc loc, const char *fmt, va_list ap);
/* An error with no source location: "ERROR: msg". */
void diag_plain_error(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "file:line:col-endcol" for @loc into @b (no trailing colon). */
void diag_format_loc(struct sbuf *b, struct loc loc);
/* Prints the source line(s) of @loc followed by the ^~~ underline. */
void diag_print_context(FILE *out, struct loc loc);
/* Same; with !@caret the underline is all '~' (bpftrace's style). */
void diag_print_context_style(FILE *out, struct loc loc, bool caret);

/* ---- "did you mean" (closest.c) ---- */

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1). */
size_t util_edit_distance(const char *a, const char *b);
/* The candidate closest to @name, or NULL when none is within
 * max(1, strlen(name) / 3) edits. Ties go to the earlier candidate; NULL or
 * empty candidates and @name itself are skipped. Returns one of @cands. */
const char *util_closest(const char *name, const char *const *cands, size_t n);

#endif
