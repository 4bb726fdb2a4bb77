/* rt_int.h — private to runtime/: the run state shared by rt.c (load, attach,
 * loop), events.c (action dispatch), maps.c (reading and printing maps) and
 * sym.c (symbolization). */
#ifndef SCRY_RUNTIME_RT_INT_H
#define SCRY_RUNTIME_RT_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "runtime/output.h"
#include "runtime/rt.h"
#include "sema/resources.h"
#include "util/util.h"

struct bpf_object;
struct bpf_map;
struct ring_buffer;

struct sym_ctx;

struct rt {
	const struct rt_opts *o;
	const struct resources *res;
	struct bpf_object *obj;
	struct ring_buffer *rb;
	uint64_t rb_size;             /* bytes of the "events" ring buffer */
	struct ptrvec links;          /* struct bpf_link *, every attached link */
	struct bpf_map **maps;        /* resources.maps[i] -> its bpf_map (or NULL) */
	unsigned ncpus;               /* libbpf_num_possible_cpus() */
	FILE *out;
	struct out_sym sym;
	struct sym_ctx *symctx;       /* runtime/syms.h: symbols, loaded lazily */
	int pidfd;                    /* -p: pidfd of the traced process, or -1 */
	bool *skip;                   /* by probe index: left out by --probe-filter */
	struct bpf_map *lost;         /* RT_LOST_MAP, or NULL */
	struct bpf_map *state;        /* codegen's "state" array: [0] != 0 once exit() ran */
	uint64_t n_lost;              /* losses reported so far */
	struct bpf_map *map_full;     /* RT_MAP_FULL_MAP, or NULL (map_full.c) */
	uint64_t *n_full;             /* by map index: failed updates reported so far */
	bool caps_dropped;            /* rt_caps_drop() ran (caps.c) */
	double full_polled;           /* -v: when map_full was last read (monotonic s) */
	unsigned fail_attach;         /* SCRY_TEST_FAIL_ATTACH: fail this attach (1-based) */
	unsigned n_attach_tries;
	unsigned n_batch, batch_max;  /* events handled in this poll; 0 = no limit */
	bool finalize;                /* exit() seen: ignore further events */
	int out_err;                  /* errno of a failed write to the output (-o on a
				       * full disk), reported once; the run stops */
	bool has_exit;
	int exit_code;
	struct sbuf buf;              /* scratch for formatting */
	struct metrics_server *metrics; /* --metrics (runtime/metrics.h), or NULL */
};

/* bench.c: whether @pi is a probe of @type ("bench", "test", "self"). */
bool rt_probe_is(const struct probe_info *pi, const char *type);
/* bench.c: --bench: runs every bench: probe and prints its result; counts
 * them in *count. 0, 1 when a benchmark failed, or -errno. */
int rt_run_benches(struct rt *rt, unsigned *count);
/* bench.c: --test: runs every test: probe, prints the results; 0 when all
 * passed, 1 when one failed, or -errno. */
int rt_run_tests(struct rt *rt, unsigned *count);

/* rt.c: true once SIGINT/SIGTERM asked the run to stop. */
bool rt_stop_requested(void);

/* events.c: ring buffer callback (ctx = struct rt *). Returns RT_EVENT_YIELD
 * (the record was handled) once batch_max records were handled. */
#define RT_EVENT_YIELD (-ECANCELED)
int rt_event_cb(void *ctx, void *data, size_t size);
/* Writes @len bytes of text to the output and flushes per rt->o->buffering.
 * A write error is reported once and stops the run (rt->out_err). */
void rt_emit(struct rt *rt, const char *s, size_t len);
/* Checks the output stream for a write error (see rt_emit). true if failed. */
bool rt_out_check(struct rt *rt);

/* maps.c */
/* Prints map @m (top/div as print() takes them; 0 = all / 1). 0 or -errno. */
int rt_map_print(struct rt *rt, const struct map_info *m, uint32_t top, uint32_t div);
/* Deletes every element (hash) or zeroes every element (array). */
int rt_map_clear(struct rt *rt, const struct map_info *m);
/* Sets every element's value to zero. */
int rt_map_zero(struct rt *rt, const struct map_info *m);
/* Prints every non-empty user map, sorted by name, as at exit. */
void rt_maps_print_all(struct rt *rt);

/* Reads map @m and calls @fn once with all its entries (per-CPU values
 * merged; hist/lhist: one entry per key and bucket). 0 or -errno. */
typedef void rt_map_visit_fn(void *arg, const struct map_info *m, const struct out_entry *e,
			     size_t n);
int rt_map_visit(struct rt *rt, const struct map_info *m, rt_map_visit_fn *fn, void *arg);

/* caps.c: after an EPERM/EACCES (or a verifier @log, may be NULL, rejecting
 * bpf_probe_write_user; or the attach of a probe of type @probe_type, may be
 * NULL): names on stderr the capabilities the effective set lacks. */
void rt_report_missing_caps(const char *log, const char *probe_type);
/* After attach: drops every capability the rest of the run does not need
 * (none when the program uses system(), or SCRY_KEEP_CAPS is set). 0 or
 * -errno. */
int rt_caps_drop(struct rt *rt);

/* map_full.c: failed updates of full maps (RT_MAP_FULL_MAP). init: finds the
 * map after load; poll: with -v, prints the maps whose count grew (at most
 * once a second); @at_exit: names every map with failures, with a hint. */
void rt_map_full_init(struct rt *rt);
void rt_map_full_poll(struct rt *rt, bool at_exit);
void rt_map_full_fini(struct rt *rt);

/* metrics_rt.c: --metrics. open: binds (error printed, -errno); serve: waits
 * up to @timeout_ms for events or scrapes and answers the scrapes. */
int rt_metrics_open(struct rt *rt);
void rt_metrics_serve(struct rt *rt, int timeout_ms);
void rt_metrics_close(struct rt *rt);

/* sym.c */
void rt_sym_init(struct rt *rt);
/* Reads @pid's mappings now, so its addresses resolve after it exits. */
void rt_sym_preload(struct rt *rt, pid_t pid);
void rt_sym_fini(struct rt *rt);

/* cgroup.c: out_sym.cgroup_path */
void rt_cgroup_path(void *cookie, struct sbuf *b, const struct type *t, uint64_t id);

#endif
