/* output.h — turning raw BPF bytes into the text (and JSON) bpftrace v0.26.1
 * prints.
 *
 * Pure functions over (type, bytes): no libbpf, no syscalls, so they are unit-tested
 * with fixtures. Symbolization (ksym, usym, stacks, user names) goes through the
 * callbacks in struct out_sym, which the runtime provides. */
#ifndef SCRY_RUNTIME_OUTPUT_H
#define SCRY_RUNTIME_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast/type.h"
#include "sema/resources.h"
#include "util/util.h"

/* Resolvers for values that need the running system. Any may be NULL: the
 * value is then printed as a number. Each appends to @b. */
struct out_sym {
	void *cookie;
	void (*ksym)(void *cookie, struct sbuf *b, uint64_t addr, bool with_offset);
	void (*usym)(void *cookie, struct sbuf *b, uint32_t pid, uint64_t addr, bool with_offset);
	/* stack: bpftrace's whole text for stack @id: "\n", then one line per frame
	 * formatted per @t->stack_mode, each ending in "\n" */
	void (*kstack)(void *cookie, struct sbuf *b, const struct type *t, int64_t id);
	void (*ustack)(void *cookie, struct sbuf *b, const struct type *t, int64_t id, uint32_t pid);
	void (*username)(void *cookie, struct sbuf *b, uint32_t uid);
	uint32_t max_strlen;         /* for string truncation markers */
	const char *str_trunc_trailer; /* ".."; NULL means ".." */
	/* cgroup_path(): the paths of cgroup @cgroup_id ("unified:/a/b,..."); NULL:
	 * the id is printed as a number. */
	void (*cgroup_path)(void *cookie, struct sbuf *b, const struct type *t, uint64_t cgroup_id);
	/* wall-clock time of boot in ns (CLOCK_REALTIME - CLOCK_BOOTTIME), added to
	 * TS_CLOCK_BOOT timestamps before strftime */
	uint64_t boottime_ns;
};

/* Appends one value as print()/map printing shows it ("1", "abc", "(1, abc)",
 * "{ .a = 1 }", "0xffff..." ...), without a trailing newline (print() adds one). */
void out_value(struct sbuf *b, const struct type *t, const void *data, const struct out_sym *sym);

/* bpftrace printf: @fmt with its conversions (%d %u %x %s %c %p %lu %llx %r %rx
 * %rh, widths, flags) applied to the payload fields of @args (a TY_TUPLE).
 * Appends the result to @b. The exact rules (C++ stream semantics: %d casts to
 * int, '0' pads before the sign...) are listed in output_format.c. */
void out_format(struct sbuf *b, const char *fmt, const struct type *args, const void *payload,
		const struct out_sym *sym);

/* One map entry after the per-CPU merge: the key bytes as stored (hist, lhist
 * and tseries maps: the user key followed by the u64 bucket) and the merged
 * value. */
struct out_entry {
	const void *key;
	const void *value;
};

/* tseries maps (TY_TSERIES value type: lmin = interval in ns, lmax = number of
 * intervals, agg_fn = 0 none, 1 avg, 2 min, 3 max, 4 sum, is_signed = signedness
 * of the values): the stored key is the user key followed by a u64 bucket
 * (epoch % intervals), the value per CPU is { u64 val; u64 meta; u64 epoch } with
 * epoch = time_ns / interval (0 = never written) and meta the write time (none),
 * the count (avg, val is then the sum) or 1 (min/max, once set). Epoch times
 * print as local wall-clock times (epoch * interval ns since 1970). */

/* Merges @ncpus per-CPU values (each m->value_size bytes, stride rounded up to
 * 8) into @out (m->value_size bytes) per the aggregation of m->value_type. */
void out_merge_percpu(const struct map_info *m, const void *percpu, unsigned ncpus, void *out);

/* Prints a whole map the way bpftrace prints it at exit and for print(@m[, top[, div]]):
 * sorted, "@name[key]: value" lines, hist/lhist blocks, stats. As in bpftrace
 * v0.26.1, only hist/lhist/tseries values are followed by a blank line; an empty
 * map prints nothing.
 * For hist/lhist maps the entries are per (key, bucket): @entries hold the stored
 * key (user key + u64 bucket) and the merged u64 count; the function groups them.
 * top == 0 means all; div == 0 means 1. */
void out_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries, size_t n,
	     uint32_t top, uint32_t div, const struct out_sym *sym);

/* ---- JSON output (-f json), one object per line as bpftrace v0.26.1 ---- */

/* A JSON string literal for @len bytes of @s. */
void out_json_str(struct sbuf *b, const char *s, size_t len);
/* One value as JSON (5, "abc", [1,2], {"a": 1}), no newline. */
void out_json_value(struct sbuf *b, const struct type *t, const void *data,
		    const struct out_sym *sym);
/* {"type": "<type>", "data": "<text>"} and a newline: printf ("printf"),
 * time(), cat(), join(), system() ("syscall"). */
void out_json_text(struct sbuf *b, const char *type, const char *s, size_t len);
/* print(value): {"type": "value", "data": <value>} and a newline. */
void out_json_print_value(struct sbuf *b, const struct type *t, const void *data,
			  const struct out_sym *sym);
/* A whole map, like out_map: {"type": "map"|"hist"|"stats"|"tseries", "data":
 * {"@name": ...}} and a newline. An empty map prints nothing (an empty avg or
 * stats map prints {"@name": {}}). */
void out_json_map(struct sbuf *b, const struct map_info *m, const struct out_entry *entries,
		  size_t n, uint32_t top, uint32_t div, const struct out_sym *sym);

#endif
