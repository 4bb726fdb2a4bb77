/* type.h — the types of scry values, as sema assigns them and runtime prints them.
 *
 * Data only (no functions that need the AST), so runtime/ can include it. Types are
 * allocated from the compile arena and shared; compare with type_equal(), not ==.
 *
 * Storage conventions (what the BPF program writes and the runtime reads):
 *   TY_INT/TY_BOOL/TY_ENUM  little-endian integer of @size bytes (bool: 1 byte 0/1)
 *   TY_STRING    @size bytes, NUL-padded; the string ends at the first NUL
 *   TY_BUFFER    u32 length, then @size - 4 data bytes   (buf(), printed like %r)
 *   TY_TUPLE/TY_RECORD/TY_STRUCT/TY_UNION  fields at field.offset, @size total
 *   TY_ARRAY     @n elements of @elem, packed at elem->size stride
 *   TY_POINTER   8-byte address; @elem is the pointee (TY_VOID for void *)
 *   TY_KSTACK/TY_USTACK  u64 stack id (+ u32 pid for ustack), see runtime
 *   TY_KSYM/TY_USYM/TY_KADDR...  u64 address (+ pid for usym), symbolized by the runtime
 *   TY_INET      u64 family, then 16 address bytes (ntop)
 *   TY_USERNAME  u64 uid, printed as the user name
 *   TY_TIMESTAMP u64 ns (strftime): @n is the clock (see enum ts_clock), @name the format
 *   TY_STRERROR  s64 number printed by name: @n is the table (see enum type_name_table)
 *   aggregation value types (TY_COUNT...) describe per-CPU map values, see map_info.
 */
#ifndef SCRY_AST_TYPE_H
#define SCRY_AST_TYPE_H

#include <stdbool.h>
#include <stdint.h>

#define SCRY_TYPE_KINDS(X)                                                                 \
	X(TY_NONE, "none")           /* statements, void calls */                          \
	X(TY_VOID, "void")           /* only as a pointee */                              \
	X(TY_INT, "int")             /* int8..uint64 */                                   \
	X(TY_BOOL, "bool")                                                               \
	X(TY_ENUM, "enum")           /* integer with enum name: prints symbolically in %s */ \
	X(TY_STRING, "string")                                                           \
	X(TY_BUFFER, "buffer")                                                           \
	X(TY_POINTER, "pointer")                                                         \
	X(TY_ARRAY, "array")                                                             \
	X(TY_STRUCT, "struct")                                                           \
	X(TY_UNION, "union")                                                             \
	X(TY_TUPLE, "tuple")                                                             \
	X(TY_RECORD, "record")                                                           \
	X(TY_COUNT, "count_t")                                                           \
	X(TY_SUM, "sum_t")                                                               \
	X(TY_MIN, "min_t")                                                               \
	X(TY_MAX, "max_t")                                                               \
	X(TY_AVG, "avg_t")                                                               \
	X(TY_STATS, "stats_t")                                                           \
	X(TY_HIST, "hist_t")                                                             \
	X(TY_LHIST, "lhist_t")                                                           \
	X(TY_TSERIES, "tseries_t")                                                       \
	X(TY_KSTACK, "kstack")                                                           \
	X(TY_USTACK, "ustack")                                                           \
	X(TY_KSYM, "ksym_t")                                                             \
	X(TY_USYM, "usym_t")                                                             \
	X(TY_INET, "inet")                                                               \
	X(TY_USERNAME, "username")                                                       \
	X(TY_TIMESTAMP, "timestamp")                                                     \
	X(TY_MAC, "mac_address")                                                         \
	X(TY_CGROUP_PATH, "cgroup_path_t")                                               \
	X(TY_STRERROR, "strerror_t")                                                     \
	X(TY_MAP, "map")             /* a bare @map passed to a function */

enum type_kind {
#define X(k, s) k,
	SCRY_TYPE_KINDS(X)
#undef X
	TY__COUNT
};

enum addrspace { AS_NONE, AS_KERNEL, AS_USER };

enum stack_mode { STACK_BPFTRACE, STACK_PERF, STACK_RAW, STACK_BUILD_ID };

/* TY_TIMESTAMP: the clock its nanoseconds count on (type.n). Only boot-clock
 * values are shifted by the boot time to become wall-clock times (as bpftrace
 * does); the others are taken as nanoseconds since the epoch. type.name holds the
 * strftime format (with bpftrace's %f, %k, %l extensions). */
enum ts_clock { TS_CLOCK_BOOT, TS_CLOCK_MONOTONIC, TS_CLOCK_TAI, TS_CLOCK_SW_TAI };

/* TY_STRERROR: which name the number is printed as (type.n): the errno
 * message (strerror), the x86-64 syscall name (syscall_name) or the signal's
 * description (signal_name). 0 is the errno table, so older producers that
 * leave type.n zero keep their meaning. */
enum type_name_table { TNT_ERRNO, TNT_SYSCALL, TNT_SIGNAL };

struct type;

struct type_field {
	const char *name;         /* interned; NULL for tuple elements */
	const struct type *type;
	uint32_t offset;          /* bytes from the start of the aggregate */
	uint16_t bit_offset;      /* bitfields: bit offset inside the storage unit */
	uint16_t bit_size;        /* bitfields: width in bits, 0 = not a bitfield */
	/* tracepoint __data_loc field (set by probes/tracepoint.c): the record
	 * holds a u32 (len << 16 | offset from the record start); the field reads
	 * as the int64 kernel address ctx + offset, as bpftrace does. */
	bool is_data_loc;
};

struct type {
	enum type_kind kind;
	uint32_t size;            /* bytes in storage */
	uint32_t align;
	bool is_signed;           /* TY_INT, TY_ENUM, aggregation values (sum/min/max/avg) */
	bool is_ctx;              /* pointer into the probe context (args of a tracepoint) */
	enum addrspace as;        /* pointers, strings read from memory */
	const char *name;         /* "struct task_struct", "enum Foo", tuple/record: NULL */
	const struct type *elem;  /* pointer target, array element, aggregation input */
	uint32_t n;               /* array length; hist bits (k); stack limit; ts clock */
	enum stack_mode stack_mode; /* TY_KSTACK/TY_USTACK */
	struct type_field *fields; /* struct/union/tuple/record fields */
	uint32_t n_fields;
	int64_t lmin, lmax, lstep; /* TY_LHIST parameters; TY_TSERIES: interval ns, n buckets */
	int agg_fn;               /* TY_TSERIES: 0 none, 1 avg, 2 min, 3 max, 4 sum */
	/* TY_ENUM: the enumerators, for symbolic printing */
	const char *const *enum_names;
	const int64_t *enum_values;
	uint32_t n_enums;
	int32_t btf_id;           /* kernel BTF type id when it came from BTF, else 0 */
};

extern const char *const type_kind_names[TY__COUNT];

#endif
