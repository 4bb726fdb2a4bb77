/* cg_int.h — private to codegen/: the code generator's state and the helpers
 * shared by its files (codegen.c: module, maps, functions, emission; stmt.c;
 * expr.c; builtin_*.c by theme). */
#ifndef SCRY_CODEGEN_CG_INT_H
#define SCRY_CODEGEN_CG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "ast/ast.h"
#include "codegen/codegen.h"
#include "sema/resources.h"

/* BPF helper ids (include/uapi/linux/bpf.h) */
enum {
	BH_map_lookup_elem = 1,
	BH_map_update_elem = 2,
	BH_map_delete_elem = 3,
	BH_probe_read = 4,
	BH_ktime_get_ns = 5,
	BH_get_prandom_u32 = 7,
	BH_get_smp_processor_id = 8,
	BH_get_current_pid_tgid = 14,
	BH_get_current_uid_gid = 15,
	BH_get_current_comm = 16,
	BH_get_stackid = 27,
	BH_get_current_task = 35,
	BH_get_numa_node_id = 42,
	BH_probe_read_str = 45,
	BH_override_return = 58,
	BH_get_current_cgroup_id = 80,
	BH_send_signal = 109,
	BH_probe_read_user = 112,
	BH_probe_read_kernel = 113,
	BH_probe_read_user_str = 114,
	BH_probe_read_kernel_str = 115,
	BH_jiffies64 = 118,
	BH_ktime_get_boot_ns = 125,
	BH_ringbuf_output = 130,
	BH_trace_vprintk = 177,
	BH_for_each_map_elem = 164,
	BH_map_lookup_percpu_elem = 195,
	BH_ktime_get_tai_ns = 208,
};

/* The event ring buffer of a program whose attached probes send events,
 * with the default config (see RES_DEFAULT_RB_PAGES). */
#define CG_RINGBUF_STREAM (4u << 20)

/* Where an lvalue's bytes are. */
enum cg_mem { MEM_BPF, MEM_KERNEL, MEM_USER, MEM_ANY };

#define CG_MAX_VARS 4096

struct cg_loop {
	LLVMBasicBlockRef brk, cont;
};

struct cg {
	struct ast_ctx *cx;
	const struct resources *res;
	const struct cg_opts *o;
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMTypeRef i1, i8, i16, i32, i64, ptr, voidt;
	/* debug info */
	LLVMDIBuilderRef di;
	LLVMMetadataRef di_file, di_cu, di_int, di_u8, di_u32, di_u64, di_voidp;
	LLVMMetadataRef sp;  /* current DISubprogram */
	/* maps */
	LLVMValueRef *maps;  /* by map_info.id */
	LLVMValueRef events, scratch, stacks, stacks_bid, state; /* state[0]: exit() was called */
	LLVMValueRef lost;            /* RT_LOST_MAP: events that did not fit (per-CPU u64) */
	LLVMValueRef map_full;        /* RT_MAP_FULL_MAP: failed updates by map id (u64[] in .bss) */
	LLVMValueRef count_key, count_key_fn; /* key slot of the two above, on the stack of
					       * function count_key_fn (see cg_counter_inc) */
	bool has_exit;
	LLVMValueRef last_update;     /* result of the latest map update */
	uint32_t scratch_max;
	uint32_t n_cpus;
	/* current function */
	LLVMValueRef fn, ctxp, scratch_base;
	LLVMValueRef scratch_br;       /* the null check of scratch_base (dropped if unused) */
	LLVMBasicBlockRef entry, init_bb, start_bb;
	LLVMValueRef entry_pos;       /* allocas go before this */
	uint32_t scratch_off, stack_used;
	uint32_t event_off;           /* event buffer in scratch */
	const struct probe_info *probe;
	LLVMValueRef *vars;           /* by var_info.id, per function (CG_MAX_VARS) */
	int32_t *var_off;             /* by var_info.id: scratch offset, -1 stack/none */
	bool vars_in_scratch;         /* probe has a for-map loop */
	struct cg_loop loops[64];
	int n_loops;
	int unroll_depth;
	bool failed;
	uint32_t n_cbs;               /* for_each callbacks made */
	/* for-map callback: its ctx argument, a u64 flag "the body returned" */
	LLVMValueRef cb_ctx;
	bool in_callback;
	bool events_streaming;        /* an attached probe (not begin/end) sends events */
	/* -k: the check for the probe reads of the expression being generated */
	const struct action *read_err;
};

/* ---- helper_errors.c: -k ---- */
/* The ACT_RUNTIME_ERROR sema made for @helper ("map_lookup_elem",
 * "probe_read") at node @at, or NULL (no -k, or not a checked site). */
const struct action *cg_helper_error_for(struct cg *g, const char *helper, const struct ast_node *at);
/* The "probe_read" check for the reads that expression @n makes (field
 * access, dereference, array access), or NULL. */
const struct action *cg_read_error_for(struct cg *g, const struct ast_node *n);
/* After a helper call returning @ret (an error code, or the pointer of a map
 * lookup): when it failed, sends @a's event with the return code (0 for a
 * NULL pointer). Does nothing when @a is NULL. */
void cg_helper_error_check(struct cg *g, const struct action *a, LLVMValueRef ret);

/* ---- codegen.c ---- */
void cg_loc(struct cg *g, struct loc loc);
LLVMValueRef cg_helper(struct cg *g, unsigned id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n);
/* Memory for a temporary of @size bytes: stack (small) or the per-CPU scratch area. */
LLVMValueRef cg_tmp(struct cg *g, uint32_t size, const char *name);
LLVMValueRef cg_scratch(struct cg *g, uint32_t size, const char *name);
LLVMValueRef cg_alloca(struct cg *g, LLVMTypeRef t, const char *name);
LLVMValueRef cg_i64(struct cg *g, uint64_t v);
LLVMValueRef cg_i32(struct cg *g, uint64_t v);
void cg_memset0(struct cg *g, LLVMValueRef p, uint32_t size);
void cg_memcpy(struct cg *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
LLVMValueRef cg_gep(struct cg *g, LLVMValueRef p, uint64_t off);
LLVMBasicBlockRef cg_block(struct cg *g, const char *name);
void cg_error(struct cg *g, struct loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds 1 to slot @slot of @map (a per-CPU u64 array: lost events, failed
 * map updates), then branches to @done; the current block ends. Meant for
 * the failure path of a helper: it costs a look-up, the success path
 * nothing. */
void cg_counter_inc(struct cg *g, LLVMValueRef map, uint32_t slot, LLVMBasicBlockRef done);
/* Return from the probe function (0). */
void cg_return(struct cg *g);
bool cg_terminated(struct cg *g);

/* ---- expr.c ---- */
bool cg_is_scalar(const struct type *t);
LLVMTypeRef cg_ltype(struct cg *g, const struct type *t);
/* Scalars: an LLVM integer value (bool: i1, pointers: i64). Others: a pointer
 * to the value's bytes in BPF-readable memory (stack, scratch, map value). */
LLVMValueRef cg_expr(struct cg *g, struct ast_node *n);
/* Stores value @v of type @t at @p (storage layout). */
void cg_store(struct cg *g, const struct type *t, LLVMValueRef v, LLVMValueRef p);
LLVMValueRef cg_load(struct cg *g, const struct type *t, LLVMValueRef p);
/* Truth value (i1) of a scalar. */
LLVMValueRef cg_truth(struct cg *g, const struct type *t, LLVMValueRef v);
/* Converts @v from @from to @to (see AST_CAST). */
LLVMValueRef cg_convert(struct cg *g, LLVMValueRef v, const struct type *from, const struct type *to);
/* Writes expression @n (of type @t) into @dst. */
void cg_expr_into(struct cg *g, struct ast_node *n, LLVMValueRef dst);
/* Reads @size bytes at address @addr (i64) from @mem into @dst. */
void cg_probe_read(struct cg *g, LLVMValueRef dst, uint32_t size, LLVMValueRef addr, enum cg_mem mem);
LLVMValueRef cg_var_ptr(struct cg *g, const struct var_info *v);
/* String comparison: i1 true if equal (up to @limit bytes, 0 = whole). */
LLVMValueRef cg_str_eq(struct cg *g, LLVMValueRef a, uint32_t asz, LLVMValueRef b, uint32_t bsz,
		       uint32_t limit);

/* The ACT_RUNTIME_WARNING sema made for @n (matched by location), or NULL. */
const struct action *cg_warning_for(struct cg *g, const struct ast_node *n);
/* Sends the payload-less warning event @w when @cond (i1) holds. */
void cg_runtime_warning(struct cg *g, const struct action *w, LLVMValueRef cond);

/* ---- stmt.c ---- */
void cg_stmt(struct cg *g, struct ast_node *n);
void cg_block_stmts(struct cg *g, struct ast_node *b);

/* ---- builtin_agg.c: maps ---- */
/* Pointer to the stored key of @m (an AST_MAP), with @extra bytes after it. */
LLVMValueRef cg_map_key(struct cg *g, struct ast_node *m, uint32_t extra);
LLVMValueRef cg_map_read(struct cg *g, struct ast_node *m);
void cg_map_assign(struct cg *g, struct ast_node *m, struct ast_node *rhs);
void cg_map_store(struct cg *g, struct ast_node *m, LLVMValueRef key, LLVMValueRef v);
void cg_agg(struct cg *g, struct ast_node *m, struct ast_node *call);
LLVMValueRef cg_map_lookup(struct cg *g, const struct map_info *mi, LLVMValueRef key);
LLVMValueRef cg_bi_map(struct cg *g, struct ast_node *n);

/* ---- builtin_print.c: events ---- */
LLVMValueRef cg_bi_print(struct cg *g, struct ast_node *n);
/* bpf_ringbuf_output of @size bytes at @p to the events ring buffer; a failure
 * (buffer full) increments RT_LOST_MAP, which the runtime reports. */
void cg_event_output(struct cg *g, LLVMValueRef p, LLVMValueRef size);
/* ---- builtin_proc.c ---- */
LLVMValueRef cg_bi_proc(struct cg *g, struct ast_node *n);
/* ---- builtin_mem.c ---- */
LLVMValueRef cg_bi_mem(struct cg *g, struct ast_node *n);
/* builtin_stdlib.c: percpu_kaddr() */
LLVMValueRef cg_bi_stdlib(struct cg *g, struct ast_node *n);
/* ---- builtin_usdt.c: user-space probe arguments ---- */
/* argN of the current usdt probe (probe_ctx.usdt_sites), as an i64. */
LLVMValueRef cg_usdt_arg(struct cg *g, unsigned argn);
/* A uprobe's DWARF `args` record @rec filled from the argument registers;
 * a pointer to it. */
LLVMValueRef cg_uprobe_args(struct cg *g, const struct type *rec);
/* uaddr("sym"): its address in the traced process (see sema/builtin_usdt.c). */
LLVMValueRef cg_uaddr(struct cg *g, struct ast_node *n);
/* ---- builtin_kernel.c: fentry/fexit/raw tracepoint context slots ---- */
/* The u64 context slot at @off read as @t (aligned 8-byte load, truncated). */
LLVMValueRef cg_ctx_slot(struct cg *g, const struct type *t, uint32_t off);
/* True if field @f of record @rec is read as a whole context slot. */
bool cg_ctx_slot_field(const struct type *rec, const struct type_field *f);
/* fexit `retval`: the "retval" slot of the probe's args record. */
LLVMValueRef cg_kernel_retval(struct cg *g, struct ast_node *n);
/* fentry/fexit/raw tracepoint `args` as a value: the context slots of
 * record @rec copied to the stack (a pointer to the copy). */
LLVMValueRef cg_kernel_args(struct cg *g, const struct type *rec);
/* True if @e is that `args` (whose scalar fields cg_ctx_slot() reads). */
bool cg_is_ctx_args(struct cg *g, const struct ast_node *e);
/* `func` of a kprobe_multi program: bpf_get_func_ip(ctx), a ksym. */
LLVMValueRef cg_kernel_func_ip(struct cg *g);

/* ---- loops over maps (stmt.c) ---- */
void cg_for_map(struct cg *g, struct ast_node *n);
void cg_for_range_loop(struct cg *g, struct ast_node *n);

#endif
