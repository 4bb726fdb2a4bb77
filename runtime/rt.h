/* rt.h — the runtime: load a compiled BPF object, attach its probes, stream the
 * events its programs send to user space, and print maps at exit, the way
 * bpftrace does.
 *
 * Order of a run (rt_run):
 *   open the object, size the "events" ring buffer, load (verifier errors are
 *   mapped back to the script; --probe-filter leaves probes out), run begin
 *   programs (BPF_PROG_TEST_RUN), attach every other probe (an attach failure
 *   undoes everything unless config missing_probes says otherwise), print
 *   "Attached N probes", start the -c child, poll events (and lost-event
 *   counts; SIGUSR1 runs self:signal probes) until exit()/SIGINT/SIGTERM/the
 *   child or -p process exits -- or at once when only begin/end probes exist --
 *   then detach, end the child, run end programs, drain, print the non-empty
 *   user maps sorted by name, and close (nothing stays loaded).
 *
 * The runtime includes only data headers from the compile stages (ast/type.h,
 * sema/resources.h); the object comes in as bytes. */
#ifndef SCRY_RUNTIME_RT_H
#define SCRY_RUNTIME_RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct resources;
struct sbuf;
struct src;
struct rt_child;

struct rt_opts {
	FILE *out;                /* printf/print/map output: stdout or the -o file */
	const struct src *src;    /* the script (load errors point into it); may be NULL */
	bool quiet;               /* -q: no "Attached N probes" */
	bool verbose;             /* -v: verifier log for every load, shown on failure */
	bool dry_run;             /* --dry-run: load, run begin, attach, then stop */
	bool json;                /* -f json: NDJSON output (bpftrace's JsonOutput) */
	bool unsafe;              /* --unsafe: system() allowed */
	bool no_warnings;         /* --no-warnings: warnf() is silent */
	bool debug_verifier;      /* -d verifier: print every program's verifier log */
	bool debug_libbpf;        /* -d libbpf: libbpf's own messages (stdout) */
	char buffering;           /* -B: 'n'one, 'l'ine, 'f'ull, 0 = line */
	pid_t pid;                /* -p: stop when this process exits; 0 = none */
	struct rt_child *child;   /* -c: started after attach, killed at exit; or NULL */
	uint32_t log_size;        /* verifier log buffer per program; 0 = 1000000 */
	const char *probe_filter; /* --probe-filter: extended regex; probes (not begin/end)
				   * whose full name does not match are neither loaded
				   * nor attached; NULL = all */
	const char *metrics_addr; /* --metrics ADDR:PORT: serve maps at /metrics; or NULL */
	bool bench;               /* --bench: after begin, run the bench: probes instead of
				   * attaching anything, then end (runtime/bench.c) */
	bool test;                /* --test: the same with the test: probes */
};

/* Runs @obj (a BPF ELF of @size bytes, compiled for @res) to completion.
 * Returns the process exit status: 0, the exit() code, or 1 after an error
 * (reported on stderr). Nothing stays loaded or attached when it returns.
 * Installs SIGINT/SIGTERM handlers for its duration: the first signal stops
 * tracing gracefully (end probes run, maps print); a SIGINT while shutting
 * down kills the process (default action). */
int rt_run(const struct rt_opts *o, const void *obj, size_t size, const struct resources *res);

/* ---- privileges (caps.c) ---- */

/* The check before anything is loaded: true when the effective capabilities
 * allow loading and attaching (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN for
 * both; CAP_DAC_READ_SEARCH too when not euid 0, to read tracefs). Otherwise
 * prints to @err (when not NULL) one error for each missing capability,
 * naming it and what it is for, and returns false. @prog_name is how the user
 * called the tool ("scry", "bpftrace"). Probe types that need more
 * (uprobes: CAP_SYS_ADMIN) are named when their attach fails. */
bool rt_check_privileges(FILE *err, const char *prog_name);

/* Drops every capability no stage up to attach uses (see runtime/caps.c);
 * the run drops most of the rest after attach. For a program that cannot
 * call system() (no --unsafe), after the -c child is forked. Nothing when
 * SCRY_KEEP_CAPS is set. 0 or -errno. */
int rt_caps_drop_unused(void);

/* ---- verifier log (after a failed load) ---- */

/* Appends to @reason the verifier's reason (the last line that is not a
 * statistics trailer or a line-info comment) and sets *src_line to the script
 * line of the last "; ... @ file:line" comment before it (0 if none). */
void rt_verifier_reason(const char *log, struct sbuf *reason, uint32_t *src_line);
/* A helper the program type may not call: appends "helper <name> not allowed
 * in probe" to @msg and returns true. */
bool rt_verifier_helper(const char *log, struct sbuf *msg);

/* ---- -c CMD: the traced child ----
 * bpftrace semantics: CMD is split on spaces (no shell), the program is looked
 * up in PATH; the child is forked at once but execs only on rt_child_start(),
 * so its pid is known while the program is compiled (cpid) and no event of it
 * is missed. */

/* Forks the child, stopped before exec. NULL (with a message on stderr) on error. */
struct rt_child *rt_child_spawn(const char *cmd);
pid_t rt_child_pid(const struct rt_child *c);
/* Lets the child exec. 0, or -errno (exec failure is reported on stderr). */
int rt_child_start(struct rt_child *c);
/* true once the child has exited (reaps it; non-blocking). */
bool rt_child_exited(struct rt_child *c);
/* Terminates a child that is still running (SIGTERM, then SIGKILL after a
 * second) and reaps it. Accepts NULL. */
void rt_child_terminate(struct rt_child *c);
/* rt_child_terminate(), then frees @c. Accepts NULL. */
void rt_child_free(struct rt_child *c);

#endif
