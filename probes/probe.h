/* probe.h — the probe-type interface. One file per probe type (tracepoint.c,
 * interval.c, ...) exports one `const struct probe_ops <type>_probe`; probe.c
 * holds the registry. sema calls expand/section/context, runtime calls attach,
 * the driver calls list. */
#ifndef SCRY_PROBES_PROBE_H
#define SCRY_PROBES_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "ast/type.h"
#include "util/util.h"

struct ast_node;
struct bpf_program;
struct bpf_link;
struct btf;

/* Where kernel facts come from; tests point these at fixtures under tests/data. */
struct probe_env {
	const char *tracefs;        /* "/sys/kernel/tracing" */
	const char *btf_path;       /* "/sys/kernel/btf/vmlinux" */
	const char *kallsyms;       /* "/proc/kallsyms" */
	struct btf *(*get_btf)(void *cookie); /* lazily loaded vmlinux BTF, or NULL */
	void *btf_cookie;
	pid_t pid;                  /* -p, 0 = system-wide */
	/* -c: the child's pid (forked before sema, execs after attach);
	 * uprobe/usdt attach to it when pid is 0 (as bpftrace does). 0 = none. */
	pid_t child_pid;
	bool unsafe;                /* --unsafe: uprobes at unchecked addresses */
	/* --emit-elf: the program is built, never attached; sema skips the
	 * available() checks so kernel probes compile on any kernel. */
	bool compile_only;
	/* --debuginfo: directories searched for separate DWARF files of user
	 * binaries (udwarf_open_ex()); an entry may hold several separated by ':'. */
	const char *const *debug_dirs;
	size_t n_debug_dirs;
	/* Set by sema while it expands a probe that uses the `probe` builtin:
	 * every match must be its own program, so kprobe wildcards do not
	 * become one kprobe_multi target. */
	bool no_multi;
	bool no_kprobe_multi;       /* --no-feature kprobe_multi */
	/* The missing_probes config, set by sema before expanding: 0 error,
	 * 1 warn, 2 ignore (then expand prints no "not traceable" warning). */
	int missing_probes;
};

/* Program context as the BPF program sees it. */
enum probe_ctx_kind {
	PCTX_NONE,        /* begin/end: no useful context */
	PCTX_TRACEPOINT,  /* ctx points at the tracepoint record; args.* are fields of it */
	PCTX_RAW_TP,      /* ctx is u64 args[]; argN = args[N] */
	PCTX_PT_REGS,     /* kprobe/uprobe: ctx is struct pt_regs; argN from registers */
	PCTX_PERF_EVENT,  /* profile/interval/software/hardware: bpf_perf_event_data */
	PCTX_TRAMPOLINE,  /* fentry/fexit: ctx is u64 args[] with BTF types */
	PCTX_ITER,        /* iter: ctx points at struct bpf_iter__<name>; args is that
	                   * struct (fields meta, task, ...), `ctx` builtin */
};

/* One concrete attach point, produced by expand. */
struct probe_target {
	const struct probe_ops *ops;
	const char *target;   /* "syscalls:sys_enter_openat", "vfs_read", "s:1", "" for begin */
	const char *path;     /* binary for uprobe/usdt; module ("vmlinux") for kprobe (when given),
	                       * rawtracepoint/fentry/fexit; pin path for iter; else NULL */
	const char *func;     /* function/event name part, for `func` and `probe` */
	const char *full;     /* canonical full name as `probe` prints it:
	                       * "tracepoint:syscalls:sys_enter_openat" */
	pid_t pid;            /* 0 = system-wide */
	uint64_t period;      /* profile/interval/software/hardware: count or period */
	bool is_freq;         /* period is a frequency (hz) */
	uint32_t event_type;  /* perf event type/config for software/hardware */
	uint64_t event_config;
	uint64_t offset;      /* func+off / raw address */
	bool is_ret;          /* kretprobe/uretprobe/fexit */
	const void *priv;     /* the probe type's own data, set by expand (tracepoint:
	                       * the record type, computed once for all targets) */
	/* kprobe_multi: one program attached to all these functions (target
	 * and func are then the pattern as written; `func` is read at run
	 * time); uprobe_multi: the functions of one file (`func` and `args`
	 * then make sema ask for single targets). 0 = a single function. */
	const char *const *syms;
	uint32_t n_syms;
};

/* What args/argN/retval mean for one target. */
struct probe_ctx {
	enum probe_ctx_kind kind;
	/* PCTX_TRACEPOINT: the record layout (TY_STRUCT, fields at record offsets,
	 * including the common_* fields); args is this struct. PCTX_TRAMPOLINE /
	 * PCTX_RAW_TP: a TY_RECORD of the typed arguments in order (+ "retval"),
	 * each at offset 8 * index. Struct/union types inside come shallow:
	 * name ("struct task_struct") and btf_id set, n_fields 0; sema resolves
	 * their members from BTF. Tracepoint pointer fields are AS_USER in the
	 * syscalls category, else AS_KERNEL; char[N] fields are TY_STRING. */
	const struct type *args;
	bool has_args;        /* `args` is meaningful */
	uint32_t max_argn;    /* argN limit (6 for pt_regs on x86-64) */
	/* PCTX_PT_REGS uprobe with DWARF: args is a TY_RECORD whose field i is
	 * argument register i, fields packed (udwarf_args_record()). */
	/* usdt: the probe's sites (struct usdt_note *, probes/usdt_notes.h);
	 * the program is attached at each site with the site index as BPF
	 * cookie, and argN reads the argument spec of that site. */
	const void *const *usdt_sites;
	uint32_t n_usdt_sites;
};

struct probe_ops {
	const char *name;                 /* canonical: "tracepoint" */
	const char *const *aliases;       /* { "t", NULL } */
	/* Number of parts after the provider this type accepts (min..max). */
	uint32_t min_parts, max_parts;
	/* Appends the concrete targets matching @ap to @out (struct probe_target *,
	 * allocated in @a); 0 or -errno. Reports user errors through @d at ap->loc. */
	int (*expand)(const struct probe_env *env, const struct ast_node *ap,
		      struct ptrvec *out, struct arena *a, struct diag *d);
	/* libbpf SEC() name for one target, e.g. "tracepoint/syscalls/sys_enter_openat". */
	const char *(*section)(const struct probe_target *t, struct arena *a);
	/* Fills @out for @t; types are allocated in @a. */
	int (*context)(const struct probe_env *env, const struct probe_target *t,
		       struct probe_ctx *out, struct arena *a, struct diag *d);
	/* Attaches a loaded program; the caller owns *link (and must destroy it).
	 * Perf-event based types may create several links (one per CPU): they go
	 * to @links. 0 or -errno. */
	int (*attach)(struct bpf_program *prog, const struct probe_target *t,
		      struct ptrvec *links);
	/* -l: prints the points matching @glob (NULL = all), one per line, sorted;
	 * with @verbose, their arguments too. */
	int (*list)(const struct probe_env *env, const char *glob, bool verbose, FILE *out);
	/* Optional: a kernel feature check; 0 if usable here, else -errno with a
	 * one-line reason in *why ("this kernel has no kprobe support ..."), a
	 * static string; the caller prints "<attach point>: <why>". expand does
	 * not call it: sema calls it once per probe type in use. */
	int (*available)(const struct probe_env *env, const char **why);
	/* Optional, for a "did you mean" hint after "No matches for ...": the
	 * existing point closest to @ap, spelled as probe_spec() spells it
	 * ("syscalls:sys_enter_openat"), allocated in @a; NULL if none is close. */
	const char *(*suggest)(const struct probe_env *env, const struct ast_node *ap,
			       struct arena *a);
	/* Optional: settings the program of @t needs before the object is
	 * loaded (an expected attach type libbpf cannot infer from the section). */
	void (*prepare)(struct bpf_program *prog, const struct probe_target *t);
};

/* The entries attach pushes to its @links: a struct bpf_link *, or a link
 * fd libbpf cannot create (wrapped by probe_link_fd()). probe_link_destroy()
 * detaches either. */
void *probe_link_fd(int fd);
void probe_link_destroy(void *link);

/* True if this kernel attaches uprobe_multi links (checked once, by
 * attaching one to a function of this process): a uprobe wildcard is then
 * one program and one link per file. */
bool probe_uprobe_has_multi(void);

/* uaddr("name") for a uprobe/uretprobe/usdt target: the symbol's ELF address
 * and size in the target's binary; *is_biased when the file is not ET_EXEC
 * (PIE or library: the runtime address is addr + load bias), then
 * *probe_vaddr is the ELF address of the attach point (usdt: its first
 * site), so that bias = bpf_get_func_ip() - *probe_vaddr. 0, -ENOENT (no
 * such symbol), -EINVAL (not a user-space target) or uelf_open()'s error. */
int probe_uaddr(const struct probe_target *t, const char *name, uint64_t *addr, uint64_t *size,
		bool *is_biased, uint64_t *probe_vaddr);

/* A C type named @name ("struct Foo", "Foo_t") from the DWARF of the binary
 * of a uprobe/uretprobe/usdt target (casts to types the kernel BTF lacks);
 * allocated in @a, NULL if none. */
const struct type *probe_user_type(const struct probe_env *env, const struct probe_target *t,
				   const char *name, struct arena *a);

/* Exact name or alias (case-insensitive for begin/end/BEGIN/END); NULL if unknown. */
const struct probe_ops *probe_lookup(const char *name);
/* NULL-terminated registry, in `-l` order. */
extern const struct probe_ops *const probe_registry[];

/* The default environment of this machine: tracefs (debugfs's copy when
 * present), vmlinux BTF path, kallsyms; get_btf stays NULL (callers that hold
 * the vmlinux BTF should set it, or probe types parse btf_path themselves).
 * When no tracefs is mounted it mounts one at /sys/kernel/tracing (root only). */
void probe_env_default(struct probe_env *env);

/* Shell-style glob match ('*', '?', '[...]'); '*' also matches ':'. */
bool probe_glob_match(const char *pattern, const char *s);
/* True if @s contains a wildcard as bpftrace sees one ('*', or '[' with ']'). */
bool probe_has_wildcard(const char *s);

/* Parses an unsigned number as bpftrace's attach points accept it: decimal,
 * 0x hex, 0b binary, 0 octal, '_' separators, 1eN exponents, and the suffixes
 * ns/us/ms/s/m/h/d (scaled to ns) and u/l/ul/ll/ull. 0 or -EINVAL/-ERANGE;
 * *why gets a short reason ("invalid integer", "invalid trailing bytes"). */
int probe_parse_uint(const char *s, uint64_t *out, const char **why);

/* "did you mean" over the sorted "<module>:<name>" entries @all (kernel
 * functions, raw tracepoints, tracepoint categories and events): with @mod,
 * the closest name within that module ("mod:name"), or when the module has
 * none, the closest module that has @name ("mod2:name"); without @mod, the
 * closest name of any module ("name"). In @a; NULL if nothing is close or
 * a part has a wildcard. */
const char *probe_suggest_in(const struct strvec *all, const char *mod, const char *name,
			     struct arena *a);

/* -l [PATTERN]: prints every probe matching a full pattern across probe types,
 * as bpftrace -l does: "tracepoint:syscalls:sys_enter_*", "*open*" (no ':'
 * means "*:PATTERN"), "software:*", NULL or "*" for everything; several
 * patterns may be separated by ','. Output is grouped by probe type in name
 * order, sorted within a type. With @verbose, tracepoints, raw tracepoints
 * (and later fentry/kprobe) print their arguments as "    <type> <name>"
 * lines. Returns 0 (even when nothing matched) or -errno. */
int probe_list_all(const struct probe_env *env, const char *pattern, bool verbose, FILE *out);

/* The text that follows the provider in the "No matches for ..." message for
 * @ap: "syscalls:nonsense" for t:syscalls:nonsense. expand appends nothing
 * (and returns 0) when nothing matches; the caller reports
 *   "No matches for <ops->name> <probe_spec(ap)>."  (missing_probes=error) or
 *   "No matches for ... Skipping."                  (warn)
 * for an attach point without wildcards, as bpftrace does. */
const char *probe_spec(const struct ast_node *ap, struct arena *a);
/* True when bpftrace expands @ap as a wildcard: a part has '*' (or [..]), or
 * the form implies one (`rawtracepoint:name` searches every module). Such an
 * attach point that matches nothing is dropped silently; a probe left with no
 * attach point gets "Probe has no valid attach points." (missing_probes=error). */
bool probe_expands_wildcard(const struct probe_ops *ops, const struct ast_node *ap);

#endif
