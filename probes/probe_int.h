/* probe_int.h — helpers shared by the probe-type files; nothing outside probes/
 * includes this header. */
#ifndef SCRY_PROBES_PROBE_INT_H
#define SCRY_PROBES_PROBE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast/ast.h"
#include "probes/probe.h"

/* The registered probe types (one per file). */
extern const struct probe_ops begin_probe;
extern const struct probe_ops end_probe;
extern const struct probe_ops self_probe;
extern const struct probe_ops kprobe_probe;
extern const struct probe_ops kretprobe_probe;
extern const struct probe_ops uprobe_probe;
extern const struct probe_ops uretprobe_probe;
extern const struct probe_ops usdt_probe;
extern const struct probe_ops tracepoint_probe;
extern const struct probe_ops profile_probe;
extern const struct probe_ops interval_probe;
extern const struct probe_ops software_probe;
extern const struct probe_ops hardware_probe;
extern const struct probe_ops watchpoint_probe;
extern const struct probe_ops fentry_probe;
extern const struct probe_ops fexit_probe;
extern const struct probe_ops iter_probe;
extern const struct probe_ops rawtracepoint_probe;
extern const struct probe_ops bench_probe;
extern const struct probe_ops test_probe;

/* A new target in @a for @ops with the common fields filled. */
struct probe_target *probe_target_new(struct arena *a, const struct probe_ops *ops,
				      const char *target, const char *func, const char *full);

/* Reports "<provider> probe type requires N [or M] arguments, found K" at @ap. */
void probe_arg_count_error(struct diag *d, const struct ast_node *ap, const struct probe_ops *ops,
			   uint32_t want, uint32_t want2);

/* The sorted names of the subdirectories (dirs_only) or entries of @path that
 * match @glob (NULL = all); 0 or -errno. Skips "." and "..". */
int probe_dir_names(const char *path, const char *glob, bool dirs_only, struct strvec *out);

/* Online CPU numbers from /sys/devices/system/cpu/online (falls back to
 * 0..nprocs-1); returns the count, fills @cpus (heap, caller frees). */
int probe_online_cpus(int **cpus);

/* Opens a perf event (type/config, period or frequency) on @cpu for @pid (-1 =
 * all) and attaches @prog to it; the link goes to @links. 0 or -errno. */
int probe_perf_attach_one(struct bpf_program *prog, uint32_t type, uint64_t config,
			  uint64_t period, bool is_freq, pid_t pid, int cpu,
			  struct ptrvec *links);
/* The same on every online CPU; on failure, destroys the links it made. */
int probe_perf_attach_all(struct bpf_program *prog, uint32_t type, uint64_t config,
			  uint64_t period, bool is_freq, pid_t pid, struct ptrvec *links);

/* perf_event_open for a quick feature probe; fd or -errno (the fd is closed). */
int probe_perf_try(uint32_t type, uint64_t config);

/* Types allocated in @a. */
struct type *probe_type_new(struct arena *a, enum type_kind kind, uint32_t size);
struct type *probe_type_int(struct arena *a, uint32_t size, bool is_signed);
struct type *probe_type_ptr(struct arena *a, const struct type *elem, enum addrspace as);
/* A C type from vmlinux BTF (@btf may be NULL: then only base C names are
 * known), shallowly: structs/unions come without fields but with btf_id and
 * name set; sema resolves their members. */
const struct type *probe_type_from_btf(struct arena *a, const struct btf *btf, int32_t id);
/* A C type spelled like a tracepoint format or BTF dump writes it
 * ("unsigned long", "const char *", "struct file *", "pid_t"). */
const struct type *probe_type_from_c(struct arena *a, const struct btf *btf, const char *spelling,
				     enum addrspace ptr_as);

/* The vmlinux BTF of @env, or NULL. */
const struct btf *probe_env_btf(const struct probe_env *env);
/* The vmlinux BTF of @env, or else parsed from env->btf_path: then *owned is
 * set and the caller frees it (btf__free). NULL if neither is there. */
struct btf *probe_env_btf_load(const struct probe_env *env, bool *owned);

/* begin/end/self: bare "raw_tp" programs the runtime test-runs. */
int probe_expand_special(const struct probe_ops *ops, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d);
const char *probe_section_special(const struct probe_target *t, struct arena *a);
int probe_context_special(const struct probe_env *env, const struct probe_target *t,
			  struct probe_ctx *out, struct arena *a, struct diag *d);
int probe_attach_special(struct bpf_program *prog, const struct probe_target *t,
			 struct ptrvec *links);

/* bench/test: one name part (the target); "xdp" programs the runtime
 * test-runs (bench.c). */
int probe_expand_named(const struct probe_ops *ops, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d);
const char *probe_section_named(const struct probe_target *t, struct arena *a);

/* Shared list/section callbacks. */
const char *probe_section_perf(const struct probe_target *t, struct arena *a);
int probe_context_perf(const struct probe_env *env, const struct probe_target *t,
		       struct probe_ctx *out, struct arena *a, struct diag *d);

/* Time-based probes (interval, profile): parse [unit:]count. */
int probe_expand_timed(const struct probe_ops *ops, const struct ast_node *ap,
		       struct ptrvec *out, struct arena *a, struct diag *d);
int probe_list_timed(const struct probe_ops *ops, const char *glob, FILE *out);

/* perf counter tables (software, hardware). */
struct probe_perf_event {
	const char *name;
	const char *alias;    /* or NULL */
	uint64_t config;
	uint64_t default_period;
};
int probe_expand_perf(const struct probe_ops *ops, const struct probe_perf_event *tab, size_t n,
		      uint32_t perf_type, const struct ast_node *ap, struct ptrvec *out,
		      struct arena *a, struct diag *d);
/* Attaches @t's perf event on every online CPU (software, hardware). */
int probe_attach_perf(struct bpf_program *prog, const struct probe_target *t, struct ptrvec *links);
int probe_list_perf(const struct probe_ops *ops, const struct probe_perf_event *tab, size_t n,
		    const char *glob, FILE *out);


/* kprobe/kretprobe (kprobe.c). */
int probe_kprobe_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d);
const char *probe_kprobe_section(const struct probe_target *t, struct arena *a);
int probe_kprobe_context(const struct probe_env *env, const struct probe_target *t,
			 struct probe_ctx *out, struct arena *a, struct diag *d);
int probe_kprobe_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links);
int probe_kprobe_list(const struct probe_ops *ops, const struct probe_env *env, const char *glob,
		      bool verbose, FILE *out);
int probe_kprobe_available(const struct probe_env *env, const char **why);
/* "did you mean" for kprobe/kretprobe: traceable functions (kallsyms when
 * ftrace's list is unreadable). */
const char *probe_kprobe_suggest(const struct probe_env *env, const struct ast_node *ap,
				 struct arena *a);
/* A program of type kprobe that returns 0, loaded with @expected_attach_type,
 * for feature probes: its fd, or -errno. */
int probe_nop_kprobe_prog(uint32_t expected_attach_type);
/* True if this kernel attaches kprobe_multi links (checked once). */
bool probe_kprobe_has_multi(void);
/* True for kernel functions that must not be traced although ftrace lists
 * them: bpftrace's list (arch_cpu_idle, rcu_*, ...) and @blacklist, the sorted
 * "module:func" entries of kprobes/blacklist (probe_kernel_blacklist()). */
bool probe_kernel_func_blocked(const char *mod, const char *func, const struct strvec *blacklist);
void probe_kernel_blacklist(const struct probe_env *env, struct strvec *out);

/* fentry/fexit (fentry.c). */
int probe_fentry_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d);
const char *probe_fentry_section(const struct probe_target *t, struct arena *a);
int probe_fentry_context(const struct probe_env *env, const struct probe_target *t,
			 struct probe_ctx *out, struct arena *a, struct diag *d);
int probe_fentry_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links);
int probe_fentry_list(const struct probe_ops *ops, const struct probe_env *env, const char *glob,
		      bool verbose, FILE *out);
int probe_fentry_available(const struct probe_env *env, const char **why);
/* fentry:bpf targets: the running program to attach to (before load). */
void probe_fentry_prepare(struct bpf_program *prog, const struct probe_target *t);
/* "did you mean" for fentry/fexit: traceable BTF functions. */
const char *probe_fentry_suggest(const struct probe_env *env, const struct ast_node *ap,
				 struct arena *a);

/* uprobe/uretprobe/usdt (uprobe.c). */
int probe_uprobe_available(const struct probe_env *env, const char **why);
/* "did you mean" for uprobe/uretprobe: the functions of the one named file. */
const char *probe_uprobe_suggest(const struct probe_env *env, const struct ast_node *ap,
				 struct arena *a);
int probe_uprobe_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d);
const char *probe_uprobe_section(const struct probe_target *t, struct arena *a);
int probe_uprobe_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links);
/* A uprobe_multi target (n_syms > 0) loads as BPF_TRACE_UPROBE_MULTI. */
void probe_uprobe_prepare(struct bpf_program *prog, const struct probe_target *t);
/* PCTX_PT_REGS, argN up to 6, `args` from DWARF when expand found it. */
int probe_uprobe_context(const struct probe_env *env, const struct probe_target *t,
			 struct probe_ctx *out, struct arena *a, struct diag *d);
/* Attaches @prog at @offset of @path (pid: t->pid, or every process),
 * with a USDT semaphore (@ref_ctr_offset, 0 = none) and a BPF cookie. */
int probe_uprobe_attach_at(struct bpf_program *prog, const struct probe_target *t,
			   const char *path, uint64_t offset, uint64_t ref_ctr_offset,
			   uint64_t cookie, struct ptrvec *links);
/* -l: "<type>:<file>:<func>" for "<file glob>:<func glob>" (with -p, every
 * mapped file for "*"), with -v the DWARF parameters. */
int probe_uprobe_list(const struct probe_ops *ops, const struct probe_env *env, const char *glob,
		      bool verbose, FILE *out);

/* bpftrace -lv argument lines ("    <type> <name>", then "    <type> retval")
 * for the FUNC_PROTO @proto_id, skipping its first @skip parameters. */
void probe_print_btf_params(FILE *out, const struct btf *btf, int32_t proto_id, uint16_t skip,
			    bool with_retval);

/* Prints "<type>:<item>" for each item of @items matching @glob. */
void probe_print_matches(FILE *out, const char *type, const struct strvec *items, const char *glob);

#endif
