/* resources.h — what a compiled program needs at run time, as sema computes it:
 * maps, probes (one BPF program each), and the actions the BPF programs ask user
 * space to perform through the event ring buffer.
 *
 * Data only: codegen and runtime include this header (codegen to emit maps and
 * events in these layouts, runtime to load, attach, decode and print).
 *
 * EVENT PROTOCOL. Every record in the ring buffer map "events" starts with
 *     struct rt_event_hdr { uint64_t action_id; }
 * where action_id indexes resources.actions. The payload follows at offset 8,
 * laid out as action->args describes (a TY_TUPLE whose fields carry offsets
 * relative to the start of the payload). */
#ifndef SCRY_SEMA_RESOURCES_H
#define SCRY_SEMA_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "ast/type.h"
#include "util/util.h"

struct probe_target;
struct probe_ctx;

struct rt_event_hdr {
	uint64_t action_id;
};

enum map_kind {
	MAPK_HASH,
	MAPK_PERCPU_HASH,
	MAPK_LRU_HASH,
	MAPK_PERCPU_LRU_HASH,
	MAPK_ARRAY,
	MAPK_PERCPU_ARRAY,
	MAPK_STACK_TRACE,
	MAPK_RINGBUF,
};

/* A user map (@name) or an internal map (names start with a '.' or are not
 * user-visible; is_internal). Storage:
 *   key: key_type laid out as a TY_TUPLE when several keys; scalar maps use a
 *        u64 zero key (key_type NULL).
 *   hist/lhist: the stored key is the user key followed by a u64 bucket index
 *        (key_size includes it); the value is a per-CPU u64 count.
 *   count/sum: per-CPU s64. min/max: per-CPU { s64 value; u64 is_set }.
 *   avg/stats: per-CPU { s64 total; u64 count }.
 *   other values: value_type as-is (non-per-CPU hash). */
struct map_info {
	const char *name;            /* "@x", "@" */
	const char *bpf_name;        /* object name in the BPF ELF ("m0", "m1", ...; <= 15 chars) */
	uint32_t id;                 /* index in resources.maps */
	enum map_kind kind;
	const struct type *key_type; /* NULL: scalar map */
	const struct type *value_type; /* TY_COUNT, TY_HIST, TY_INT, TY_STRING, ... */
	uint32_t key_size;           /* bytes as stored (incl. bucket for hist) */
	uint32_t value_size;         /* bytes as stored, per CPU for per-CPU maps */
	uint32_t max_entries;
	bool is_internal;
	bool is_declared;            /* let @m = hash(N) */
	struct loc first_use;
};

enum action_kind {
	ACT_PRINTF,      /* fmt + args */
	ACT_ERRORF,      /* like printf, printed as "<loc>: ERROR: ..." to stderr */
	ACT_WARNF,       /* "<loc>: WARNING: ..." */
	ACT_SYSTEM,      /* fmt + args, run through /bin/sh (needs --unsafe) */
	ACT_CAT,         /* fmt + args = file name */
	ACT_TIME,        /* fmt (strftime) or NULL for the default "%H:%M:%S\n" */
	ACT_EXIT,        /* payload: s64 exit code */
	ACT_PRINT_MAP,   /* map; payload: u64 top, u64 div */
	ACT_CLEAR_MAP,   /* map */
	ACT_ZERO_MAP,    /* map */
	ACT_PRINT_VALUE, /* payload: one value of args->fields[0].type */
	ACT_JOIN,        /* payload: n strings of elem size, separator in fmt */
	ACT_RUNTIME_ERROR, /* a helper failed (-k): fmt = helper name; payload s64 ret */
	ACT_DEBUGF,      /* fmt + args, written by the program itself to the kernel's
			  * trace buffer (bpf_trace_vprintk): never an event */
	ACT_RUNTIME_WARNING, /* a run-time check failed: fmt = the message (bpftrace's
			      * "Divide or modulo by 0 detected. This can lead to
			      * unexpected results. 1 is being used as the result.",
			      * "Array access out of bounds. This can lead to unexpected
			      * results."); no payload; printed as a WARNING at loc */
};

struct action {
	enum action_kind kind;
	uint32_t id;                 /* index in resources.actions */
	const char *fmt;             /* format string (NUL-terminated), or NULL */
	const struct type *args;     /* TY_TUPLE describing the payload, or NULL */
	const struct map_info *map;  /* print/clear/zero */
	struct loc loc;              /* the call in the script (errorf/warnf, errors) */
	/* errorf/warnf inside macros: the macro call sites, innermost first */
	const struct loc *expanded_from;
	uint32_t n_expanded_from;
	uint32_t size;               /* total event size including the header */
};

/* One BPF program: a probe body for one concrete attach point. */
struct probe_info {
	uint32_t index;              /* in resources.probes */
	const char *prog_name;       /* C identifier of the BPF function */
	const char *section;         /* libbpf SEC() name */
	const struct probe_target *target; /* see probes/probe.h */
	const struct probe_ctx *ctx;
	bool is_begin, is_end;       /* run by the runtime (BPF_PROG_TEST_RUN), not attached */
	uint32_t order;              /* source order, for begin/end ordering */
};

/* perf_rb_pages when neither the config nor the environment sets it. The
 * ring buffer of a program whose attached probes send events is then larger
 * (codegen's CG_RINGBUF_STREAM, kept by the runtime). */
#define RES_DEFAULT_RB_PAGES 64

/* Options that shape the program, from config = {} / environment / flags. */
struct res_config {
	uint32_t max_strlen;         /* default 1024 */
	uint32_t max_map_keys;       /* default 4096 */
	uint32_t perf_rb_pages;      /* ring buffer size in pages, default RES_DEFAULT_RB_PAGES */
	uint32_t max_cat_bytes;
	enum stack_mode stack_mode;
	bool print_maps_on_exit;     /* default true */
	uint32_t on_stack_limit;
	uint64_t max_probes;         /* attach points at most (0: no limit), default 1024 */
	int missing_probes;          /* 0 error, 1 warn, 2 ignore */
	const char *license;         /* "GPL" */
	const char *str_trunc_trailer; /* ".." */
	bool unsafe;
	bool hide_debug_info;        /* config show_debug_info=0: no @file:line in user stacks */
};

enum builtin_fn {
#define X(id, name) id,
#include "ast/builtins.def"
#undef X
	BI__COUNT
};

/* AST_VAR annotation: one per declared variable (after scope resolution, two
 * uses of the same variable share one var_info; shadowed/sibling-scope
 * variables of the same name get distinct ones). */
struct var_info {
	const char *name;            /* "$x" */
	uint32_t id;                 /* unique in the program */
	const struct type *type;
};

/* AST_CALL annotation. */
struct call_info {
	enum builtin_fn fn;
	uint32_t n;                  /* BI_ARG: the N of argN; BI_KSTACK/USTACK: limit */
	const struct action *action; /* output and async calls */
	const struct map_info *map;  /* aggregation target, clear/zero/delete/len/has_key */
	/* BI_UADDR: the symbol's ELF address; with n == 1 (PIE or library) the
	 * program adds bpf_get_func_ip() - uaddr_at (the attach point's ELF
	 * address), the load bias. */
	uint64_t uaddr, uaddr_at;
};

/* The event ring buffer map is named RT_EVENTS_MAP in the BPF object. */
#define RT_EVENTS_MAP "events"
/* Optional: a one-entry u64 array (per-CPU or not), key 0, that programs
 * increment when an event does not fit in the ring buffer (bpf_ringbuf_output
 * failed). The runtime reports the losses as bpftrace does ("Lost N events"). */
#define RT_LOST_MAP "lost_events"
/* Optional: a u64 array with one slot per map (index map_info.id), the only
 * variable of the object's .bss, that programs increment atomically when
 * bpf_map_update_elem fails because the map is full (-E2BIG, or -ENOMEM when no
 * element can be allocated). The runtime reports the counts by map name at
 * exit, and with -v as they grow. */
#define RT_MAP_FULL_MAP "map_full"

struct resources {
	struct ptrvec maps;          /* struct map_info * */
	struct ptrvec actions;       /* struct action * */
	struct ptrvec probes;        /* struct probe_info * */
	struct res_config cfg;
	bool needs_events;           /* the program uses the event ring buffer */
	bool has_end;
	uint32_t event_max_size;
};

#endif
