/* syms.h — symbolization for the runtime: kernel addresses through
 * /proc/kallsyms, user addresses of a process through /proc/PID/maps and the
 * ELF symbol tables of the mapped files (with their load bias), optional
 * file:line (and inlined frames) from DWARF, and the stack text bpftrace
 * prints for kstack/ustack in its bpftrace, perf and raw modes.
 *
 * The sym_cb_* functions have the signatures of struct out_sym's callbacks
 * (runtime/output.h); their cookie is a struct sym_ctx *. */
#ifndef SCRY_RUNTIME_SYMS_H
#define SCRY_RUNTIME_SYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "ast/type.h"

struct sbuf;
struct sym_ctx;
struct bpf_stack_build_id;

/* @kallsyms: NULL = "/proc/kallsyms"; @proc_root: NULL = "/proc" (tests point
 * both at fixtures). Nothing is read until the first lookup. Never NULL. */
struct sym_ctx *sym_ctx_new(const char *kallsyms, const char *proc_root);
void sym_ctx_free(struct sym_ctx *ctx);

/* Append "@file:line" (and "[inlined] ..." frames) to user frames in
 * bpftrace stack mode, as bpftrace's show_debug_info does (default on when
 * built with libdw). */
void sym_ctx_set_debug_info(struct sym_ctx *ctx, bool on);
/* Binary to symbolize against when a pid's mappings cannot be read (the
 * process exited): bpftrace falls back to the probe's binary. NULL = none. */
void sym_ctx_set_fallback_exe(struct sym_ctx *ctx, const char *path);

/* ---- kernel ---- */

/* Nearest kallsyms symbol at or below @addr. 0 and *name (owned by ctx),
 * *off; -ENOENT if none (or kallsyms unreadable). */
int sym_kernel_lookup(struct sym_ctx *ctx, uint64_t addr, const char **name, uint64_t *off);
/* Appends "name", "name+off" (@with_offset) or "0x<hex>" if unresolved. */
void sym_kernel_format(struct sym_ctx *ctx, struct sbuf *b, uint64_t addr, bool with_offset);

/* ---- user ---- */

/* One resolved user frame. Strings are owned by ctx and live until
 * sym_ctx_free(). */
struct sym_user_info {
	const char *name;    /* function, NULL if the address is in no symbol */
	uint64_t off;        /* addr - symbol start */
	const char *module;  /* path of the mapped file as the process sees it */
	uint64_t vaddr;      /* the address in the file's own address space */
};

/* Resolves @addr in process @pid. 0, -ENOENT (no mapping or no symbol: info
 * fields that are known are still set; module may be NULL). */
int sym_user_lookup(struct sym_ctx *ctx, uint32_t pid, uint64_t addr, struct sym_user_info *out);
/* Appends "name", "name+off", or "0x<hex>" if unresolved. */
void sym_user_format(struct sym_ctx *ctx, struct sbuf *b, uint32_t pid, uint64_t addr,
		     bool with_offset);
/* Reads and caches @pid's mappings now (at attach time), so that addresses
 * can still be resolved after it exits. 0 or -errno. */
int sym_preload_pid(struct sym_ctx *ctx, uint32_t pid);

/* Source location of a user address: file and line of the innermost code
 * at @vaddr of @path (DWARF). 0 or -ENOENT/-ENOTSUP (no libdw). *file is
 * owned by ctx. */
int sym_user_line(struct sym_ctx *ctx, const char *path, uint64_t vaddr, const char **file,
		  unsigned *line);

/* ---- out_sym callbacks (cookie = struct sym_ctx *) ---- */

void sym_cb_ksym(void *cookie, struct sbuf *b, uint64_t addr, bool with_offset);
void sym_cb_usym(void *cookie, struct sbuf *b, uint32_t pid, uint64_t addr, bool with_offset);
/* User name of @uid from /etc/passwd; "" if unknown, as bpftrace prints. */
void sym_cb_username(void *cookie, struct sbuf *b, uint32_t uid);

/* ---- stacks ---- */

/* Appends a stack as bpftrace prints a kstack/ustack value: a newline, then
 * one line per frame (leaf first):
 *   STACK_BPFTRACE: @indent spaces + "sym+off" (user frames with debug info:
 *                   "sym+off@file:line", inlined callees first as
 *                   "[inlined] name@file:line")
 *   STACK_PERF:     "\t<hex addr> sym+off" (user: + " (module)", unresolved:
 *                   "\t<hex> 0x<hex> ([unknown])"; with debug info, inlined
 *                   callees first as "\t<hex addr> name (inlined)")
 *   STACK_RAW:      "<hex addr>"
 * A frame of (uint64_t)-1 prints @indent spaces + "<unwind failure>" and
 * ends the stack. bpftrace uses @indent 8. STACK_BUILD_ID: use
 * sym_format_build_id_stack(). @ctx may be NULL for STACK_RAW. */
void sym_format_stack(struct sym_ctx *ctx, struct sbuf *b, const uint64_t *ips, unsigned n,
		      enum stack_mode mode, bool is_user, uint32_t pid, unsigned indent);

/* ustack(build_id): a newline, then per frame "<build id hex> 0x<offset hex>"
 * (offset at least 2 digits) when the kernel found the build id, else
 * "<hex ip>". */
void sym_format_build_id_stack(struct sbuf *b, const struct bpf_stack_build_id *frames,
			       unsigned n);

#endif
