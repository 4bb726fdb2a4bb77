/* usdt_notes.h — USDT (SystemTap SDT) probe notes of an ELF file and their
 * argument specifications, the layer under usdt expand/context/attach.
 *
 * Each STAP_PROBEn() site leaves an NT_STAPSDT note in .note.stapsdt holding
 * the probe address, the link-time address of .stapsdt.base, an optional
 * semaphore address, "provider\0name\0args\0". The argument string is
 * assembler operands with a size prefix, e.g. "-4@%edi 8@-8(%rbp) 4@$5"
 * ("-" = signed). Only the x86-64 operand syntax is decoded. */
#ifndef SCRY_PROBES_USDT_NOTES_H
#define SCRY_PROBES_USDT_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ptrvec;
struct strvec;

#define USDT_MAX_ARGS 12

enum usdt_arg_kind {
	USDT_ARG_CONST, /* "4@$5": the value is val */
	USDT_ARG_REG,   /* "-4@%edi": the low `size` bytes of a register */
	USDT_ARG_MEM,   /* "8@-8(%rbp)", "-8@16(%rax,%rdx,8)", "4@sym(%rip)":
			 * read `size` bytes at base + index * scale + val (+ sym) */
};

/* One decoded argument. Register offsets are byte offsets into the kernel's
 * struct pt_regs (what a uprobe program gets as its context), already
 * adjusted for the high-byte registers (%ah: +1), so reading
 * reg_size bytes there yields the register's value. */
struct usdt_arg {
	enum usdt_arg_kind kind;
	uint8_t size;        /* 1, 2, 4 or 8: bytes of the value */
	bool is_signed;      /* the size was written negative */
	int64_t val;         /* CONST: the value; MEM: displacement */
	/* REG: the register; MEM: the base register (-1: none, absolute address) */
	char base_name[8];   /* "edi", "rbp", "rip" (without '%') */
	int base_off;        /* pt_regs offset of the base register, -1 if none */
	uint8_t base_size;   /* bytes of the register as named (4 for %edi) */
	/* MEM only: the index register (-1: none) and its scale (1, 2, 4, 8) */
	char index_name[8];
	int index_off;
	uint8_t scale;
	/* MEM only: "sym(%rip)" / "sym+8(%rip)": the operand is the symbol's
	 * address plus val; NULL if none. usdt_notes_read() resolves it against
	 * the file's symbols: val becomes sym - pc + the written offset, so that
	 * the address is regs->ip + val at the probe (a uprobe's ip is the probe
	 * address), and is_ip_relative is set. */
	const char *sym;     /* owned by the note set / caller's buffer */
	int64_t sym_disp;    /* the offset written after sym ("sym+8": 8) */
	bool is_ip_relative; /* MEM with base rip resolved as above */
};

/* How a consumer (codegen) reads an argument from struct pt_regs *regs:
 *   CONST: usdt_arg_const_value(a)
 *   REG:   `size` bytes at (char *)regs + base_off, then sign- or
 *          zero-extended per is_signed
 *   MEM:   addr = (base_off >= 0 ? *(u64 *)((char *)regs + base_off) : 0)
 *                 + (index_off >= 0 ? *(u64 *)((char *)regs + index_off) * scale : 0)
 *                 + val;
 *          then `size` bytes read from user memory at addr, extended alike. */

/* One probe site. */
struct usdt_note {
	const char *provider;  /* owned by the struct usdt_notes */
	const char *name;
	const char *args_str;  /* the raw argument string, "" if none */
	uint64_t pc;           /* probe address, adjusted for .stapsdt.base */
	uint64_t base;         /* .stapsdt.base address as recorded in the note */
	uint64_t sema;         /* semaphore virtual address, 0 if none */
	uint64_t pc_offset;    /* file offset of pc: the uprobe attach offset */
	uint64_t sema_offset;  /* file offset of the semaphore (the kernel's
				* ref_ctr_offset), 0 if none */
	unsigned n_args;
	struct usdt_arg args[USDT_MAX_ARGS];
	int args_err;          /* 0, or -EINVAL if args_str did not decode */
};

struct usdt_notes {
	char *path;
	struct usdt_note *v;   /* in note order */
	size_t n;
	char *strpool;
};

/* Reads the notes of @path (an ELF file without notes gives n == 0).
 * 0 and *out (free with usdt_notes_free()), else -errno: -ENOEXEC if the file
 * is not ELF, -EINVAL if malformed, or open()'s error. */
int usdt_notes_read(const char *path, struct usdt_notes **out);
void usdt_notes_free(struct usdt_notes *ns);

/* Pushes onto @out (const struct usdt_note *) every note whose provider
 * matches @provider_glob and name matches @name_glob (NULL = any), in note
 * order; a probe with several sites gives several notes. Returns the count. */
size_t usdt_notes_match(const struct usdt_notes *ns, const char *provider_glob,
			const char *name_glob, struct ptrvec *out);

/* Appends "provider:name" of the matching probes to @out, sorted, each once.
 * Returns how many were appended. */
size_t usdt_notes_names(const struct usdt_notes *ns, const char *provider_glob,
			const char *name_glob, struct strvec *out);

/* Decodes one argument ("-4@%edi"). A spec without "N@" is taken as 8 bytes
 * unsigned. A "sym(%rip)" symbol name is copied into @symbuf (@symbuf_size
 * bytes) and out->sym points there. 0 or -EINVAL. */
int usdt_arg_parse(const char *spec, struct usdt_arg *out, char *symbuf, size_t symbuf_size);

/* Decodes a whitespace-separated argument string into @args (at most @max).
 * rip-relative symbol names are stored in @pool (@pool_size bytes, may be
 * NULL/0 when none occur). 0 and *n, or -EINVAL (-E2BIG if more than @max). */
int usdt_args_parse(const char *str, struct usdt_arg *args, unsigned max, unsigned *n,
		    char *pool, size_t pool_size);

/* pt_regs byte offset of an x86-64 register named without '%' ("rdi", "edi",
 * "di", "dil", "ah", "r8d", "rip"); *size gets its width in bytes. The offset
 * of a high-byte register (ah, bh, ch, dh) points at that byte. -ENOENT if
 * unknown. */
int usdt_reg_offset(const char *name, uint8_t *size);

/* The value of a CONST argument as a 64-bit value: truncated to a->size bytes,
 * then sign- or zero-extended ("4@$-202182160" -> 4092785136). */
int64_t usdt_arg_const_value(const struct usdt_arg *a);

/* Formats @a back into the note syntax ("-4@%edi"); for tests and -v output.
 * Returns snprintf's result. */
int usdt_arg_format(const struct usdt_arg *a, char *buf, size_t size);

#endif
