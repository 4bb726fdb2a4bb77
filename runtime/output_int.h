/* output_int.h — private helpers shared by runtime/output*.c.
 *
 * bpftrace formats values through C++ iostreams, and its printf applies flags by
 * setting stream state (width, fill, base, showbase, showpos) before streaming the
 * value. struct out_os models exactly the part of that state the output relies
 * on, so printf("%05s", ...) or printf("%+s", (1, 2)) come out as bpftrace prints
 * them. Nothing outside runtime/ includes this header. */
#ifndef SCRY_RUNTIME_OUTPUT_INT_H
#define SCRY_RUNTIME_OUTPUT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf;
struct type;
struct type_field;
struct out_sym;

struct out_os {
	int width;      /* applies to the next inserted token only, then 0 */
	bool left;      /* pad on the right instead of the left */
	char fill;      /* ' ' unless the 0 flag was given */
	int base;       /* 10, 8 or 16 */
	bool upper;     /* hex digits and the 0X prefix in upper case */
	bool showbase;  /* 0x / 0 prefixes for non-zero hex / octal values */
	bool showpos;   /* '+' before non-negative signed decimal values */
	int precision;  /* floating point only; -1 = default (6) */
	int floatfield; /* 0 general, 1 fixed, 2 scientific */
};

/* A fresh stream state (right-aligned, ' ' fill, decimal). */
void out_os_init(struct out_os *os);
/* Inserts @len bytes as one token (padded to os->width, which is then reset). */
void out_os_str(struct sbuf *b, struct out_os *os, const char *s, size_t len);
/* Inserts an integer. @v holds the bits; @is_signed says whether it is a signed
 * (two's complement) 64-bit value. */
void out_os_int(struct sbuf *b, struct out_os *os, uint64_t v, bool is_signed);
/* Inserts a double the way an ostream does with the current float state. */
void out_os_double(struct sbuf *b, struct out_os *os, double d);

/* Streams one value (bpftrace's TextEmitter<Primitive>) with the state in @os;
 * integers, sums, counts, averages... are divided by @div (0 means 1). */
void out_emit(struct sbuf *b, struct out_os *os, const struct type *t, const void *data,
	      const struct out_sym *sym, uint32_t div);

/* The bytes of field @f of the aggregate at @base (@base_size bytes): a pointer
 * into @base, or for a bitfield its value extracted (shifted and masked, as
 * bpftrace does, without sign extension) into @tmp. */
const void *out_field_bits(const struct type_field *f, const void *base, uint32_t base_size,
			   uint8_t tmp[8]);

/* What a value is to printf's integer conversions. */
enum out_prim {
	OUT_PRIM_OTHER,  /* strings, tuples...: not a number */
	OUT_PRIM_INT,    /* signed integer */
	OUT_PRIM_UINT,   /* unsigned integer */
	OUT_PRIM_BOOL,
	OUT_PRIM_SYM,    /* enum, pointer: printed symbolically by %s */
	OUT_PRIM_BUFFER, /* buf(): handled by %r */
};
/* Classifies @t and, for numbers, stores their 64-bit value in *v. */
enum out_prim out_numeric(const struct type *t, const void *data, uint64_t *v);

/* Bytes as %r (keep_ascii, escape_hex), %rx (escape_hex) or %rh (neither:
 * "de ad be ef"). */
void out_hexbuf(struct sbuf *b, const void *data, size_t len, bool keep_ascii, bool escape_hex);

/* The average of an avg/stats value { s64 total; u64 count } (0 when empty),
 * signed per @t. */
uint64_t out_avg(const struct type *t, const void *data);

/* tseries: merges per-CPU { val, meta, epoch } slots (@stride apart) into @out,
 * and prints a whole tseries map (output_tseries.c). */
void out_tseries_merge(const struct type *vt, const void *percpu, unsigned ncpus,
		       uint32_t stride, void *out);
struct map_info;
struct out_entry;
struct out_point {
	uint64_t epoch;  /* time = epoch * interval */
	uint64_t v;      /* bits; signed per the value type */
	bool has;        /* false: no value in this interval */
};
struct out_series {
	const void *key; /* user key bytes */
	struct out_point *pts;
	size_t n;
};
/* The series of a tseries map, one per key in key byte order (at most one for
 * a scalar map); free with out_series_free(). */
size_t out_tseries_select(const struct map_info *m, const struct out_entry *entries, size_t n,
			  struct out_series **out);
void out_series_free(struct out_series *s, size_t n);
void out_tseries_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries,
		     size_t n, const struct out_sym *sym);

/* ---- map selection, shared by the text and JSON printers (output_map.c) ---- */

/* The entries of a non-histogram map in print order, after top: copied to @out
 * (room for @n), returns how many. A scalar map yields at most one. */
size_t out_map_select(const struct map_info *m, const struct out_entry *entries, size_t n,
		      uint32_t top, struct out_entry *out);

/* A histogram bucket bound: an integer (adjacent integers collapse to "[n]") or
 * a symbolic text ("1K"). */
struct out_label {
	bool is_int;
	int64_t v;     /* the value; for symbolic labels too */
	char sym[40];
};

/* bpftrace's histogram: counts[i] is the bucket ending at labels[i] (exclusive);
 * the first bucket starts at lower (if has_lower), the last one is unbounded
 * when there are more counts than labels. */
struct out_hist {
	bool has_lower;
	struct out_label lower;
	struct out_label *labels;
	size_t n_labels;
	uint64_t *counts;
	size_t n_counts;
};

struct out_hgroup {
	const void *key;  /* user key bytes (no bucket) */
	struct out_hist h;
};

/* Groups a hist/lhist map's (key + bucket, count) entries per key, orders the
 * keys by total count, applies top and div, and builds the histograms.
 * *out is heap memory: free it with out_hgroups_free(). */
size_t out_hist_select(const struct map_info *m, const struct out_entry *entries, size_t n,
		       uint32_t top, uint32_t div, struct out_hgroup **out);
void out_hgroups_free(struct out_hgroup *g, size_t n);
void out_hist_fini(struct out_hist *h);
void out_put_label(struct sbuf *b, const struct out_label *l);

/* Little-endian loads of 1, 2, 4 or 8 bytes. */
uint64_t out_load_u(const void *p, uint32_t size);
int64_t out_load_s(const void *p, uint32_t size);

#endif
