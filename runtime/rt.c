/* rt.c — the run of one compiled program: load, begin, attach, event loop,
 * end, maps at exit, teardown (see rt.h for the order and its reasons).
 *
 * Assumes the object was produced for @res: one BPF program per probe_info
 * (named prog_name), one map per map_info (named bpf_name), and the ring
 * buffer RT_EVENTS_MAP when the program sends events. begin/end programs are
 * BPF_PROG_TYPE_RAW_TRACEPOINT so that BPF_PROG_TEST_RUN can run them.
 *
 * Errors are printed here (stderr) as bpftrace words them; rt_run returns the
 * exit status. Every resource is released on every path: the links, the ring
 * buffer and the object (closing it unloads programs and maps). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/probe.h"
#include "runtime/rt_int.h"

/* The one piece of global state (STYLE 3.5): flags set by signal handlers,
 * which get no context pointer, and read by the event loop. rt_stop: SIGINT/
 * SIGTERM asked to stop; rt_in_shutdown: a SIGINT now ends the process at
 * once; rt_sigusr1: run the self:signal:SIGUSR1 programs. */
static volatile sig_atomic_t rt_stop;
static volatile sig_atomic_t rt_in_shutdown;
static volatile sig_atomic_t rt_sigusr1;

static void rt_on_sigusr1(int sig)
{
	rt_sigusr1 = 1;
}

static void rt_on_signal(int sig)
{
	if (rt_in_shutdown && sig == SIGINT) {
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
		return;
	}
	rt_stop = 1;
}

bool rt_stop_requested(void)
{
	return rt_stop != 0;
}

static bool rt_debug_libbpf;

/* The last libbpf warning that names what failed to be created ("map 'm0':
 * failed to create: ..."), shown when a load fails without a verifier log. */
static char rt_libbpf_err[256];

static int rt_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		char msg[256];
		va_list copy;

		va_copy(copy, ap);
		vsnprintf(msg, sizeof(msg), fmt, copy);
		va_end(copy);
		if (strstr(msg, "failed to create")) {
			size_t n;

			snprintf(rt_libbpf_err, sizeof(rt_libbpf_err), "%s",
				 strncmp(msg, "libbpf: ", 8) ? msg : msg + 8);
			n = strlen(rt_libbpf_err);
			while (n && rt_libbpf_err[n - 1] == '\n')
				rt_libbpf_err[--n] = '\0';
		}
	}
	if (!rt_debug_libbpf)
		return 0;
	/* bpftrace prints libbpf's messages on stdout */
	printf("[%s] ", level == LIBBPF_WARN ? "WARN" : level == LIBBPF_INFO ? "INFO" : "DEBUG");
	return vprintf(fmt, ap);
}

/* ---- ring buffer size ---- */

static uint64_t round_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static uint64_t avail_mem_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The largest event ring buffer: what one tracer may pin in kernel memory. */
#define RT_RINGBUF_MAX (1ull << 30)

/* Bytes for the events ring buffer: config perf_rb_pages pages (at least one
 * per CPU), or, when 0, bpftrace's automatic size from available memory
 * (256 KiB .. ~16 MiB). A ring buffer must be a power-of-two number of pages.
 * With the default perf_rb_pages, the size the object was compiled with
 * (@compiled) when larger: codegen's ring for programs that stream events. */
static uint64_t rt_ringbuf_size(const struct resources *res, unsigned ncpus, uint64_t compiled)
{
	long page = sysconf(_SC_PAGE_SIZE);
	uint64_t pages = res->cfg.perf_rb_pages;

	if (page <= 0)
		page = 4096;
	if (pages) {
		if (pages < ncpus)
			pages = ncpus;
	} else {
		uint64_t kb = avail_mem_kb();

		if (kb > 16544)
			kb = 16544;
		if (kb < 256)
			kb = 256;
		pages = kb * 1024 / (uint64_t)page;
	}
	if (res->cfg.perf_rb_pages == RES_DEFAULT_RB_PAGES && compiled > pages * (uint64_t)page &&
	    compiled <= RT_RINGBUF_MAX)
		pages = compiled / (uint64_t)page;
	return round_pow2(pages) * (uint64_t)page;
}

/* ---- load errors ---- */

static const char *probe_display_name(const struct probe_info *pi)
{
	if (pi && pi->target && pi->target->full)
		return pi->target->full;
	return pi ? pi->prog_name : "?";
}

static void report_load_error(const struct rt *rt, const struct probe_info *pi, const char *log,
			      int err, size_t log_size)
{
	struct sbuf reason = { 0 }, msg = { 0 };
	uint32_t line = 0;
	const struct src *src = rt->o->src;
	bool located = false;

	fflush(rt->out);
	if (err == -EPERM || err == -EACCES || (log && strstr(log, "bpf_probe_write_user")))
		rt_report_missing_caps(log, NULL);
	if ((!log || !*log) && rt_libbpf_err[0]) {
		const char *q = strstr(rt_libbpf_err, "map '"), *user = NULL, *rest = NULL;

		/* the BPF name of a user map (m0) is shown as the script's (@x) */
		for (size_t i = 0; q && i < rt->res->maps.n; i++) {
			const struct map_info *m = rt->res->maps.v[i];
			size_t n = m->bpf_name ? strlen(m->bpf_name) : 0;

			if (n && m->name && !strncmp(q + 5, m->bpf_name, n) && q[5 + n] == '\'') {
				user = m->name;
				rest = q + 6 + n;
			}
		}
		if (user)
			fprintf(stderr, "ERROR: map '%s'%s\n", user, rest);
		else
			fprintf(stderr, "ERROR: %s\n", rt_libbpf_err);
		if (err == -E2BIG || err == -ENOMEM || strstr(rt_libbpf_err, "map '"))
			fprintf(stderr, "HINT: maps are sized by config max_map_keys (or the "
					"size in a map declaration, e.g. `let @a = hash(5000)`); "
					"the kernel refused this one\n");
		return;
	}
	if (!log || !*log) {
		fprintf(stderr, "ERROR: Unknown BPF object load failure (%s). Try using the "
				"\"-d libbpf\" option to see the full loading log.\n",
			strerror(-err));
		return;
	}
	if (strstr(log, "stack size") && strstr(log, "Too large")) {
		fprintf(stderr, "ERROR: Stack size is too large. Trying moving some scratch variables "
				"into maps or try setting a lower on_stack_limit (e.g. `config = { "
				"on_stack_limit=16 }`)\n");
		goto out;
	}
	rt_verifier_reason(log, &reason, &line);
	if (rt_verifier_helper(log, &msg)) {
		sbuf_reset(&reason);
		sbuf_puts(&reason, sbuf_str(&msg));
	}
	/* the script line the verifier was at, from the BTF line info */
	if (line && src && reason.len) {
		size_t n;
		const char *text = src_line(src, line, &n);

		if (text) {
			size_t lead = 0;
			struct sbuf where = { 0 };
			struct loc loc;

			while (lead < n && (text[lead] == ' ' || text[lead] == '\t'))
				lead++;
			while (n > lead && (text[n - 1] == ' ' || text[n - 1] == '\t'))
				n--;
			loc = src_loc(src, (uint32_t)(text - src->text + lead),
				      (uint32_t)(n > lead ? n - lead : 0));
			diag_format_loc(&where, loc);
			fprintf(stderr, "%s: ERROR: %s\n", sbuf_str(&where), sbuf_str(&reason));
			diag_print_context(stderr, loc);
			sbuf_fini(&where);
			located = true;
		}
	}
	fprintf(stderr, "ERROR: Error loading BPF program for %s. Error code: %d.",
		pi ? pi->prog_name : "?", err);
	if (rt->o->verbose) {
		fprintf(stderr, "\nKernel error log: \n%s\n", log);
		if (!strstr(log, "processed ") || !strstr(log, " insns"))
			fprintf(stderr, "WARNING: Kernel log seems to be trimmed. This may be due to "
					"buffer not being big enough, try increasing the "
					"BPFTRACE_LOG_SIZE environment variable beyond the current "
					"value of %zu bytes\n",
				log_size);
	} else {
		fputs(" Use -v for full kernel error log.\n", stderr);
	}
	if (!located && reason.len)
		fprintf(stderr, "ERROR: %s (%s)\n", sbuf_str(&reason), probe_display_name(pi));
out:
	sbuf_fini(&reason);
	sbuf_fini(&msg);
}

/* ---- load ---- */

static const struct probe_info *probe_by_prog(const struct resources *res, const char *name)
{
	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];

		if (pi->prog_name && strcmp(pi->prog_name, name) == 0)
			return pi;
	}
	return NULL;
}

/* --probe-filter: marks in rt->skip the probes whose name does not match.
 * begin/end/self probes are always kept. 0, or -EINVAL for a bad regex. */
static int rt_filter_probes(struct rt *rt)
{
	const struct resources *res = rt->res;
	regex_t re;
	int rc;

	rt->skip = xcalloc(res->probes.n ? res->probes.n : 1, sizeof(*rt->skip));
	if (!rt->o->probe_filter)
		return 0;
	rc = regcomp(&re, rt->o->probe_filter, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[256];

		regerror(rc, &re, why, sizeof(why));
		fprintf(stderr, "ERROR: Invalid --probe-filter regex '%s': %s\n",
			rt->o->probe_filter, why);
		return -EINVAL;
	}
	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];
		const char *name = pi->target && pi->target->full ? pi->target->full : pi->prog_name;

		if (pi->is_begin || pi->is_end)
			continue;
		if (pi->target && pi->target->ops && pi->target->ops->name &&
		    !strcmp(pi->target->ops->name, "self"))
			continue;
		rt->skip[i] = regexec(&re, name, 0, NULL, 0) != 0;
	}
	regfree(&re);
	return 0;
}

/* debugf() writes to the kernel's trace buffer, which users (and bpftrace's
 * documentation) read at /sys/kernel/debug/tracing/trace_pipe: mount debugfs
 * there when the program uses it and it is not mounted (root only; a failure
 * changes nothing: the buffer is also at /sys/kernel/tracing). */
static void rt_debugfs_for_debugf(const struct resources *res)
{
	struct stat st;

	for (size_t i = 0; i < res->actions.n; i++) {
		const struct action *a = res->actions.v[i];

		if (a->kind != ACT_DEBUGF)
			continue;
		if (stat("/sys/kernel/debug/tracing", &st) != 0)
			(void)mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
		return;
	}
}

static int rt_load(struct rt *rt, const void *data, size_t size)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "scry");
	const struct rt_opts *o = rt->o;
	size_t log_size = o->log_size ? o->log_size : 1000000;
	struct bpf_program *prog;
	struct bpf_map *events;
	char **logs = NULL;
	size_t n_progs = 0, i;
	int err;

	rt_debugfs_for_debugf(rt->res);
	rt->obj = bpf_object__open_mem(data, size, &oo);
	if (!rt->obj) {
		err = -errno;
		fprintf(stderr, "ERROR: the compiled program is not a valid BPF object: %s\n",
			strerror(-err));
		return err;
	}
	events = bpf_object__find_map_by_name(rt->obj, RT_EVENTS_MAP);
	if (events) {
		uint64_t rb_size = rt_ringbuf_size(rt->res, rt->ncpus, bpf_map__max_entries(events));

		if (rb_size > RT_RINGBUF_MAX) {
			fprintf(stderr, "ERROR: config perf_rb_pages = %u asks for an event ring buffer "
					"of %llu MiB; the limit is %llu MiB\n",
				rt->res->cfg.perf_rb_pages, (unsigned long long)(rb_size >> 20),
				(unsigned long long)(RT_RINGBUF_MAX >> 20));
			return -E2BIG;
		}
		rt->rb_size = rb_size;
		err = bpf_map__set_max_entries(events, (uint32_t)rb_size);
		if (err) {
			fprintf(stderr, "ERROR: cannot size the event ring buffer: %s\n", strerror(-err));
			return err;
		}
	}
	for (i = 0; i < rt->res->probes.n; i++) {
		const struct probe_info *pi = rt->res->probes.v[i];

		if (rt->skip[i] && (prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name)))
			bpf_program__set_autoload(prog, false);
	}
	for (i = 0; i < rt->res->probes.n; i++) {
		const struct probe_info *pi = rt->res->probes.v[i];
		const struct probe_target *t = pi->target;

		if (!rt->skip[i] && t && t->ops && t->ops->prepare &&
		    (prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name)))
			t->ops->prepare(prog, t);
	}
	bpf_object__for_each_program(prog, rt->obj)
		n_progs++;
	/* One log buffer per program, so the one that failed is known (libbpf
	 * unloads every program after a failure, fds say nothing then). Logs are
	 * written only on failure (libbpf retries a failed load with log level 1
	 * into our buffer), so the untouched zeroed pages cost no memory; -d
	 * verifier asks for every program's log. */
	if (n_progs && log_size > ((size_t)256 << 20) / n_progs)
		log_size = ((size_t)256 << 20) / n_progs;
	logs = xcalloc(n_progs ? n_progs : 1, sizeof(*logs));
	i = 0;
	bpf_object__for_each_program(prog, rt->obj) {
		logs[i] = xcalloc(1, log_size);
		bpf_program__set_log_buf(prog, logs[i], log_size);
		/* -v logs every load (bpftrace: kernel_log_level 1); a failure then
		 * shows the whole log, and a too small BPFTRACE_LOG_SIZE fails */
		if (o->debug_verifier)
			bpf_program__set_log_level(prog, 1 | 4);
		else if (o->verbose)
			bpf_program__set_log_level(prog, 1);
		i++;
	}

	rt_libbpf_err[0] = '\0';
	err = bpf_object__load(rt->obj);

	if (o->debug_verifier) {
		i = 0;
		fflush(rt->out);
		bpf_object__for_each_program(prog, rt->obj) {
			printf("BPF verifier log for %s:\n", bpf_program__name(prog));
			printf("--------------------------------------\n");
			printf("%s\n", logs[i]);
			i++;
		}
		fflush(stdout);
	}
	if (err) {
		const char *failed_log = NULL;
		const struct probe_info *pi = NULL;
		struct probe_info unknown = { 0 };

		i = 0;
		bpf_object__for_each_program(prog, rt->obj) {
			const char *l = logs[i++];

			if (!l[0])
				continue;
			/* the last program with a log is the one that failed */
			failed_log = l;
			pi = probe_by_prog(rt->res, bpf_program__name(prog));
			if (!pi) {
				unknown.prog_name = bpf_program__name(prog);
				pi = &unknown;
			}
		}
		report_load_error(rt, pi, failed_log, err, log_size);
	}
	for (i = 0; i < n_progs; i++)
		free(logs[i]);
	free(logs);
	/* the buffers are gone: make sure libbpf does not keep pointers to them */
	bpf_object__for_each_program(prog, rt->obj)
		bpf_program__set_log_buf(prog, NULL, 0);
	return err;
}

/* ---- begin/end/self ---- */

/* self:signal probes are run by the runtime on SIGUSR1, never attached. */
static bool is_self(const struct probe_info *pi)
{
	return pi->target && pi->target->ops && pi->target->ops->name &&
	       strcmp(pi->target->ops->name, "self") == 0;
}

/* Test-runs every self:signal program (SIGUSR1 arrived). */
static void rt_run_self(struct rt *rt)
{
	for (size_t i = 0; i < rt->res->probes.n; i++) {
		const struct probe_info *pi = rt->res->probes.v[i];
		struct bpf_program *prog;
		LIBBPF_OPTS(bpf_test_run_opts, topts);

		if (!is_self(pi))
			continue;
		prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name);
		if (prog && bpf_program__fd(prog) >= 0 &&
		    bpf_prog_test_run_opts(bpf_program__fd(prog), &topts)) {
			fflush(rt->out);
			fprintf(stderr, "ERROR: Failed to run signal probe\n");
		}
	}
}

static int cmp_order(const void *a, const void *b)
{
	const struct probe_info *x = *(const struct probe_info *const *)a;
	const struct probe_info *y = *(const struct probe_info *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/* Runs the begin (@end false) or end programs in source order. 0 or -errno. */
static int rt_run_special(struct rt *rt, bool end, unsigned *count)
{
	const struct resources *res = rt->res;
	struct ptrvec v = { 0 };
	int err = 0;

	for (size_t i = 0; i < res->probes.n; i++) {
		struct probe_info *pi = res->probes.v[i];

		if (end ? pi->is_end : pi->is_begin)
			ptrvec_push(&v, pi);
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(v.v[0]), cmp_order);
	for (size_t i = 0; i < v.n; i++) {
		const struct probe_info *pi = v.v[i];
		struct bpf_program *prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name);
		LIBBPF_OPTS(bpf_test_run_opts, topts);

		if (!prog || bpf_program__fd(prog) < 0) {
			fprintf(stderr, "ERROR: no loaded program for %s\n", probe_display_name(pi));
			err = -ENOENT;
			break;
		}
		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &topts)) {
			err = -errno;
			fflush(rt->out);
			fprintf(stderr, "ERROR: failed to run %s: %s\n", probe_display_name(pi),
				strerror(-err));
			break;
		}
		(*count)++;
	}
	ptrvec_fini(&v);
	return err;
}

/* ---- attach ---- */

static void rt_detach_all(struct rt *rt)
{
	/* reverse order of attachment */
	for (size_t i = rt->links.n; i-- > 0;)
		probe_link_destroy(rt->links.v[i]);
	rt->links.n = 0;
}

/* Types whose programs the kernel runs in reverse attach order on one event:
 * bpftrace attaches them last and in reverse, so that two probes on the same
 * point fire in source order. */
static bool attach_reverse(const struct probe_info *pi)
{
	static const char *const rev[] = { "kprobe", "uprobe", "uretprobe", "usdt",
					   "fentry", "fexit", "iter" };
	const char *name = pi->target && pi->target->ops ? pi->target->ops->name : NULL;

	for (size_t i = 0; name && i < ARRAY_SIZE(rev); i++)
		if (strcmp(name, rev[i]) == 0)
			return true;
	return false;
}

/* Attaches one probe. 1 attached, 0 skipped (missing_probes warn/ignore),
 * or -errno after reporting. */
static int rt_attach_one(struct rt *rt, const struct probe_info *pi)
{
	int missing = rt->res->cfg.missing_probes;
	size_t before = rt->links.n;
	struct bpf_program *prog;
	int err;

	prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name);
	if (!prog || !pi->target || !pi->target->ops || !pi->target->ops->attach) {
		err = -ENOENT;
	} else {
		struct probe_target t = *pi->target;

		/* -c: as bpftrace, every probe gets the child's pid when it has
		 * none (-p); the types that filter by process use it (uprobes,
		 * usdt, profile, software, watchpoints), the others ignore it */
		if (rt->o->child && t.pid <= 0)
			t.pid = rt_child_pid(rt->o->child);
		err = t.ops->attach(prog, &t, &rt->links);
		/* test hook (tests/runtime/teardown.py): SCRY_TEST_FAIL_ATTACH=N
		 * makes the N-th probe attached fail after its links exist, so the
		 * unwinding of a half-attached list can be checked on any kernel */
		if (!err && rt->fail_attach && ++rt->n_attach_tries == rt->fail_attach)
			err = -EIO;
		if (!err && rt->links.n == before)
			err = -ENOENT; /* nothing attached: never succeed silently */
	}
	if (!err) /* a kprobe_multi/uprobe_multi link counts its functions, as bpftrace */
		return pi->target->n_syms ? (int)pi->target->n_syms : 1;
	/* a partial attach of this probe is undone */
	while (rt->links.n > before)
		probe_link_destroy(rt->links.v[--rt->links.n]);
	fflush(rt->out);
	if (err == -EPERM || err == -EACCES)
		rt_report_missing_caps(NULL, pi->target && pi->target->ops ? pi->target->ops->name
									   : NULL);
	if (missing == 0) {
		fprintf(stderr, "ERROR: attach %s: %s\n", probe_display_name(pi), strerror(-err));
		fprintf(stderr, "ERROR: Unable to attach probe: %s. If this is expected, set the "
				"'missing_probes' config variable to 'warn'.\n",
			probe_display_name(pi));
		return err;
	}
	if (missing == 1) {
		fprintf(stderr, "WARNING: attach %s: %s\n", probe_display_name(pi), strerror(-err));
		fprintf(stderr, "WARNING: Unable to attach probe: %s. Skipping.\n",
			probe_display_name(pi));
	}
	return 0;
}

/* Attaches every probe that is not begin/end: first, in source order, the
 * types the kernel fires in attach order, then the others in reverse (see
 * attach_reverse). Returns the number of probes attached, or -errno after
 * reporting (everything attached so far is then detached). */
static int rt_attach_all(struct rt *rt)
{
	const struct resources *res = rt->res;
	int n = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < res->probes.n; k++) {
			size_t i = pass == 0 ? k : res->probes.n - 1 - k;
			const struct probe_info *pi = res->probes.v[i];
			int r;

			if (pi->is_begin || pi->is_end || is_self(pi) || rt->skip[i] ||
			    rt_probe_is(pi, "bench") || rt_probe_is(pi, "test") ||
			    attach_reverse(pi) != (pass == 1))
				continue;
			if (rt_stop) {
				rt_detach_all(rt);
				return -EINTR;
			}
			r = rt_attach_one(rt, pi);
			if (r < 0) {
				rt_detach_all(rt);
				return r;
			}
			n += r;
		}
	}
	return n;
}

/* ---- event loop ---- */

/* -p: is the traced process still there? Through a pidfd (immune to pid
 * reuse) when the kernel has them, else kill(pid, 0). */
static bool pid_alive(struct rt *rt, pid_t pid)
{
	if (rt->pidfd >= 0) {
		struct pollfd pfd = { .fd = rt->pidfd, .events = POLLIN };

		return poll(&pfd, 1, 0) == 0;
	}
	return kill(pid, 0) == 0 || errno == EPERM;
}

static void rt_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Total of RT_LOST_MAP (all CPUs). */
static uint64_t lost_total(struct rt *rt)
{
	uint32_t key = 0;
	uint64_t sum = 0, *v;
	unsigned n = bpf_map__type(rt->lost) == BPF_MAP_TYPE_PERCPU_ARRAY ? rt->ncpus : 1;

	v = xcalloc(n, sizeof(*v));
	if (bpf_map_lookup_elem(bpf_map__fd(rt->lost), &key, v) == 0)
		for (unsigned i = 0; i < n; i++)
			sum += v[i];
	free(v);
	return sum;
}

/* Reports events lost since the last call: "Lost N events" (stderr), or a
 * lost_events object with -f json. */
static void rt_poll_lost(struct rt *rt)
{
	uint64_t now, d;

	if (!rt->lost || bpf_map__value_size(rt->lost) != 8)
		return;
	now = lost_total(rt);
	if (now <= rt->n_lost)
		return;
	d = now - rt->n_lost;
	rt->n_lost = now;
	if (rt->o->json) {
		fprintf(rt->out, "{\"type\": \"lost_events\", \"count\": %llu, \"data\": "
				 "{\"events\": %llu}}\n",
			(unsigned long long)d, (unsigned long long)d);
		fflush(rt->out);
	} else {
		fflush(rt->out);
		fprintf(stderr, "Lost %llu events\n", (unsigned long long)d);
	}
}

/* Records handled per ring_buffer__poll before the loop checks its stop
 * conditions again (see rt_event_cb). */
#define RT_POLL_BATCH 4096

/* After a poll that handled events, the next one waits at most this long:
 * programs wake the reader only now and then (see codegen's event_output),
 * so the tail of a burst is read by this timeout, not by a wake-up. */
#define RT_POLL_ACTIVE_MS 2

/* With line buffering (the default) the output stream is fully buffered
 * while a batch of events is handled and flushed once at its end: a flood
 * costs one write per batch instead of one per line, and what a batch
 * printed still shows as soon as the batch is done. */
static bool batch_buffers(const struct rt *rt)
{
	return rt->o->buffering != 'n' && rt->o->buffering != 'f';
}

static void batch_begin(struct rt *rt)
{
	rt->n_batch = 0;
	rt->batch_max = RT_POLL_BATCH;
	if (batch_buffers(rt))
		setvbuf(rt->out, NULL, _IOFBF, 0);
}

static void batch_end(struct rt *rt)
{
	rt->batch_max = 0;
	if (batch_buffers(rt)) {
		/* line mode first: the flush then leaves glibc's pointers
		 * set up for line buffering */
		setvbuf(rt->out, NULL, _IOLBF, 0);
		errno = 0;
		fflush(rt->out);
		rt_out_check(rt);
	}
}

/* The "state" map's flag: exit() was called (its programs then do nothing). */
static bool exit_flagged(struct rt *rt)
{
	uint32_t key = 0;
	uint64_t v = 0;

	if (!rt->state)
		return false;
	return bpf_map_lookup_elem(bpf_map__fd(rt->state), &key, &v) == 0 && v != 0;
}

static void rt_drain(struct rt *rt);

/* Polls events until a stop condition. @drain: stop as soon as the buffer is
 * empty (a program with only begin/end probes). */
static void rt_poll(struct rt *rt, bool drain)
{
	const struct rt_opts *o = rt->o;

	bool active = false;

	while (!rt_stop && !rt->finalize) {
		int n, wait_ms = 100;

		if (rt->metrics) {
			/* --metrics: wait for events and scrapes together */
			rt_metrics_serve(rt, wait_ms);
			wait_ms = 0;
		}
		rt_poll_lost(rt);
		rt_map_full_poll(rt, false);
		if (rt->rb) {
			batch_begin(rt);
			/* records sent without a wake-up (begin's output, the
			 * tail of a burst) first; then wait for a wake-up */
			n = ring_buffer__consume(rt->rb);
			if (n == 0)
				n = ring_buffer__poll(rt->rb, active && wait_ms > RT_POLL_ACTIVE_MS
							      ? RT_POLL_ACTIVE_MS : wait_ms);
			batch_end(rt);
			if (n == RT_EVENT_YIELD)
				n = (int)rt->n_batch;
			active = n > 0;
			if (n < 0 && n != -EINTR) {
				fprintf(stderr, "ERROR: polling the event ring buffer: %s\n",
					strerror(-n));
				break;
			}
		} else {
			if (drain)
				break;
			if (wait_ms)
				rt_sleep_ms(wait_ms);
			n = 0;
		}
		if (rt->finalize || rt_stop)
			break;
		if (exit_flagged(rt)) {
			/* exit() ran but its event did not fit in a full ring
			 * buffer: what is queued is read, then the run ends */
			rt_drain(rt);
			rt->finalize = true;
			break;
		}
		if (drain && n == 0)
			break;
		if (o->child && rt_child_exited(o->child))
			break;
		if (o->pid > 0 && !pid_alive(rt, o->pid))
			break;
		if (rt_sigusr1) {
			rt_sigusr1 = 0;
			rt_run_self(rt);
		}
	}
}

/* Drains what is in the buffer now (end programs' output, or the events that
 * arrived before a stop). */
static void rt_drain(struct rt *rt)
{
	/* At most as many records as the ring holds now (the smallest is 16
	 * bytes: header and action id): printing a record may itself make
	 * records (a probe on write() of scry's own output), and a drain
	 * must end. */
	uint64_t left = rt->rb_size / 16 + 1;

	if (!rt->rb)
		return;
	while (left) {
		int n;

		rt->n_batch = 0;
		rt->batch_max = left < RT_POLL_BATCH ? (unsigned)left : RT_POLL_BATCH;
		n = ring_buffer__consume(rt->rb);
		rt->batch_max = 0;
		if (n == RT_EVENT_YIELD)
			n = (int)rt->n_batch;
		if (n <= 0)
			break;
		left -= (uint64_t)n < left ? (uint64_t)n : left;
	}
}

/* ---- the run ---- */

static void rt_fini(struct rt *rt)
{
	rt_detach_all(rt);
	rt_metrics_close(rt);
	rt_map_full_fini(rt);
	ptrvec_fini(&rt->links);
	ring_buffer__free(rt->rb);
	rt->rb = NULL;
	bpf_object__close(rt->obj);
	rt->obj = NULL;
	free(rt->maps);
	free(rt->skip);
	rt->skip = NULL;
	rt_sym_fini(rt);
	sbuf_fini(&rt->buf);
	if (rt->pidfd >= 0)
		close(rt->pidfd);
	rt->pidfd = -1;
}

int rt_run(const struct rt_opts *o, const void *obj, size_t size, const struct resources *res)
{
	struct rt rt = { 0 };
	struct sigaction sa = { 0 }, old_int, old_term, old_usr1;
	unsigned n_begin = 0, n_end = 0, n_self = 0, n_bench = 0;
	int n_attached = 0, status = 1, err, ncpus, bench_rc = 0;
	bool has_attachable = false, has_bench = false, has_test = false;

	if (res->probes.n == 0) {
		if (!o->quiet)
			printf("No probes to attach\n");
		return 1;
	}
	{
		unsigned long max = (unsigned long)res->cfg.max_probes;

		if (max && res->probes.n > max) {
			fprintf(stderr, "ERROR: Can't attach to %zu probes because it exceeds the "
					"current limit of %lu probes.\nYou can increase the limit "
					"through the BPFTRACE_MAX_PROBES environment variable, but BE "
					"CAREFUL since a high number of probes attached can cause your "
					"system to crash.\n",
				res->probes.n, max);
			return 1;
		}
	}
	rt_stop = 0;
	rt_in_shutdown = 0;
	rt.o = o;
	rt.res = res;
	rt.pidfd = o->pid > 0 ? (int)syscall(SYS_pidfd_open, o->pid, 0) : -1;
	rt.out = o->out ? o->out : stdout;
	ncpus = libbpf_num_possible_cpus();
	rt.ncpus = ncpus > 0 ? (unsigned)ncpus : 1;
	{
		const char *fa = getenv("SCRY_TEST_FAIL_ATTACH");

		rt.fail_attach = fa ? (unsigned)strtoul(fa, NULL, 10) : 0;
	}
	rt_debug_libbpf = o->debug_libbpf;
	libbpf_set_print(rt_libbpf_print);
	rt_sym_init(&rt);

	{
		/* many probes (wildcards, one perf event per CPU) need many fds */
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	sa.sa_handler = rt_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: epoll_wait must return on a signal */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rt_sigusr1 = 0;
	sa.sa_handler = rt_on_sigusr1;
	sigaction(SIGUSR1, &sa, &old_usr1);
	sa.sa_handler = rt_on_signal;

	if (rt_filter_probes(&rt))
		goto out;
	{
		/* --probe-filter left nothing: as a program without probes */
		size_t kept = 0;

		for (size_t i = 0; i < res->probes.n; i++)
			kept += !rt.skip[i];
		if (!kept) {
			if (!o->quiet)
				printf("No probes to attach\n");
			goto out;
		}
	}
	/* --metrics binds before anything is loaded: a taken port attaches nothing */
	if (rt_metrics_open(&rt) || rt_load(&rt, obj, size))
		goto out;

	rt.maps = xcalloc(res->maps.n ? res->maps.n : 1, sizeof(*rt.maps));
	for (size_t i = 0; i < res->maps.n; i++) {
		const struct map_info *m = res->maps.v[i];

		if (m->bpf_name)
			rt.maps[i] = bpf_object__find_map_by_name(rt.obj, m->bpf_name);
	}
	rt.lost = bpf_object__find_map_by_name(rt.obj, RT_LOST_MAP);
	rt_map_full_init(&rt);
	rt.state = bpf_object__find_map_by_name(rt.obj, "state");
	if (rt.state && (bpf_map__value_size(rt.state) != 8 || bpf_map__key_size(rt.state) != 4))
		rt.state = NULL;
	{
		struct bpf_map *ev = bpf_object__find_map_by_name(rt.obj, RT_EVENTS_MAP);

		if (ev) {
			rt.rb = ring_buffer__new(bpf_map__fd(ev), rt_event_cb, &rt, NULL);
			if (!rt.rb) {
				fprintf(stderr, "ERROR: cannot open the event ring buffer: %s\n",
					strerror(errno));
				goto out;
			}
		}
	}

	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];

		if (pi->is_end)
			n_end++;
		else if (is_self(pi))
			n_self++;
		else if (rt_probe_is(pi, "bench"))
			has_bench = true;
		else if (rt_probe_is(pi, "test"))
			has_test = true;
		else if (!pi->is_begin && !rt.skip[i])
			has_attachable = true;
	}

	if (rt_run_special(&rt, false, &n_begin))
		goto out;
	if (o->bench || o->test) {
		/* begin's output first; nothing is attached, no "Attached" line */
		rt_drain(&rt);
		bench_rc = o->bench ? rt_run_benches(&rt, &n_bench) : rt_run_tests(&rt, &n_bench);
		if (bench_rc < 0)
			goto out;
		goto shutdown;
	}

	n_attached = rt_attach_all(&rt);
	if (n_attached < 0)
		goto out;

	if (o->dry_run) {
		status = 0;
		goto out;
	}

	if (n_attached + n_begin + n_end + n_self == 0) {
		if (has_test)
			fprintf(stderr, "ERROR: No probes attached; use --test to run test probes.\n");
		else if (has_bench)
			fprintf(stderr, "ERROR: No probes attached; use --bench to run benchmark "
					"probes.\n");
		else
			fprintf(stderr, "ERROR: Attachment failed for all probes.\n");
		goto out;
	}
	if (o->child && rt_child_start(o->child))
		goto out;
	rt_sym_preload(&rt, o->pid);

	if (!o->quiet) {
		unsigned total = (unsigned)n_attached + n_begin + n_end + n_self;

		if (o->json) {
			fprintf(rt.out, "{\"type\": \"attached_probes\", \"count\": %u, "
					"\"data\": {\"probes\": %u}}\n",
				total, total);
			fflush(rt.out);
		} else {
			fflush(rt.out);
			fprintf(stderr, "Attached %u probe%s\n", total, total == 1 ? "" : "s");
		}
	}
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {
		fflush(rt.out);
		fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stdout);
		fflush(stdout);
	}

	/* Attached: what is left needs only the fds held (runtime/caps.c). */
	err = rt_caps_drop(&rt);
	if (err) {
		fflush(rt.out);
		fprintf(stderr, "WARNING: could not drop capabilities after attach: %s\n",
			strerror(-err));
	}

	/* Only begin/end probes: the program ends once begin's events are out. */
	rt_poll(&rt, n_self == 0 && !rt.metrics && (!has_attachable || n_attached == 0));

	/* ---- shutdown ---- */
shutdown:
	rt_in_shutdown = 1;
	rt_detach_all(&rt);
	/* bpftrace ends a -c child still running before the end probes */
	rt_child_terminate(o->child);
	if (rt.finalize || rt_stop) {
		/* bpftrace drops what is still queued after exit() or a signal */
		rt.finalize = true;
		rt_drain(&rt);
	}
	rt.finalize = false;
	rt_stop = 0;
	err = rt_run_special(&rt, true, &n_end);
	rt_drain(&rt);
	rt_poll_lost(&rt);
	if (rt.n_lost) {
		fflush(rt.out);
		fprintf(stderr, "WARNING: Total lost event count: %llu\n",
			(unsigned long long)rt.n_lost);
	}
	rt_map_full_poll(&rt, true);
	/* bpftrace's text output ends the trace with two newlines, maps follow */
	if (!err && !o->json)
		rt_emit(&rt, "\n\n", 2);
	fflush(rt.out);
	if (!err && res->cfg.print_maps_on_exit)
		rt_maps_print_all(&rt);
	errno = 0;
	fflush(rt.out);
	rt_out_check(&rt);
	status = err || rt.out_err || bench_rc ? 1 : rt.exit_code;

out:
	rt_in_shutdown = 1;
	rt_fini(&rt);
	fflush(rt.out);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGUSR1, &old_usr1, NULL);
	return status;
}
