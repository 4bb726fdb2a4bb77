/* uelf.h — symbols and address translation for user-space ELF files
 * (executables and shared libraries), the layer under uprobe/usdt attach,
 * `-l uprobe:...` listing and user-space symbolization.
 *
 * A struct uelf is a snapshot: uelf_open() reads the symbol tables and the
 * program headers and closes the file, so the result stays valid if the file
 * is replaced or deleted. All addresses are ELF virtual addresses (st_value,
 * p_vaddr) unless a name says "offset", which means a byte offset in the file
 * (what the kernel's uprobe interface and libbpf's
 * bpf_program__attach_uprobe_opts() take).
 *
 * bpftrace's rules the callers apply on top: a function with size 0 may only
 * be probed at offset 0, and only with --unsafe ("Could not determine
 * boundary for _init (symbol has size 0)"); func+off needs off < size
 * ("Offset outside the function bounds ('f' size is N)"); a raw address
 * outside every function fails in safe mode ("Could not resolve address:
 * /bin/bash:0xa"); a file that is not ELF (-ENOEXEC) can still be probed at
 * a raw address with --unsafe, the address then being the file offset. */
#ifndef SCRY_PROBES_UELF_H
#define SCRY_PROBES_UELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strvec;

/* One defined symbol (from .symtab or .dynsym, deduplicated). */
struct uelf_sym {
	const char *name;  /* owned by the struct uelf */
	uint64_t addr;     /* st_value */
	uint64_t size;     /* st_size (0 for some assembler symbols) */
	uint8_t type;      /* STT_FUNC, STT_GNU_IFUNC, STT_OBJECT, STT_NOTYPE */
	uint8_t bind;      /* STB_GLOBAL, STB_WEAK, STB_LOCAL */
	bool is_hidden;    /* a non-default version (name@VER, not name@@VER) */
};

/* One PT_LOAD program header. */
struct uelf_seg {
	uint64_t vaddr, memsz;
	uint64_t offset, filesz;
	uint32_t flags;    /* PF_X | PF_W | PF_R */
};

struct uelf {
	char *path;               /* as passed to uelf_open() */
	/* The file a uprobe attaches to: path itself, or the archive for
	 * "dir/app.zip!/lib/libfoo.so" (an ELF file stored uncompressed in a ZIP
	 * archive, as bpftrace and Android APKs do); file offsets returned by this
	 * module are offsets in that file (segment offsets include archive_offset). */
	char *attach_path;
	uint64_t archive_offset;  /* where the ELF file starts in attach_path */
	uint16_t e_type;          /* ET_EXEC, ET_DYN (PIE or shared object), ... */
	uint16_t e_machine;
	bool has_symtab;          /* .symtab present (not stripped) */
	bool has_dynsym;
	/* Sorted by address; among symbols at one address the preferred name
	 * for symbolization comes first (function, global, then by name). */
	struct uelf_sym *syms;
	size_t n_syms;
	/* The same symbols sorted by name (pointers into syms). */
	struct uelf_sym **by_name;
	struct uelf_seg *segs;    /* in program header order */
	size_t n_segs;
	uint8_t build_id[64];     /* NT_GNU_BUILD_ID, if any */
	size_t build_id_len;
	char *debuglink;          /* .gnu_debuglink file name, or NULL */
	char *strpool;            /* names */
};

/* Reads @path ("archive.zip!/inner/path" reads a stored ZIP entry). 0 and
 * *out on success (free with uelf_free()), else -errno: -ENOENT/-EACCES/...
 * from open() (-ENOENT also for a missing archive entry), -ENOEXEC if the file
 * is not an ELF file (or the entry is compressed), -EINVAL if libelf cannot
 * parse it. uelf_strerror() turns the code into a message. */
int uelf_open(const char *path, struct uelf **out);
void uelf_free(struct uelf *e);

/* Message for a code returned by this module ("not an ELF file", or strerror). */
const char *uelf_strerror(int err);

/* Cheap check: does @path start with the ELF magic? */
bool uelf_is_elf(const char *path);

/* Finds the entry @name of the ZIP archive @archive: *off gets the offset of
 * its data in the archive and *size its size. 0, -ENOENT (no such entry),
 * -ENOEXEC (not a ZIP archive, or the entry is compressed: only stored
 * entries can be mapped and probed), or open()'s error. */
int uelf_zip_entry(const char *archive, const char *name, uint64_t *off, uint64_t *size);

/* The defined symbol named @name, preferring a function (STT_FUNC or
 * STT_GNU_IFUNC), then the default symbol version, then a global binding;
 * NULL if none. */
const struct uelf_sym *uelf_sym_by_name(const struct uelf *e, const char *name);

/* The symbol containing @vaddr (addr <= vaddr < addr + size, or vaddr == addr
 * for a size-0 symbol); NULL if none. */
const struct uelf_sym *uelf_sym_by_addr(const struct uelf *e, uint64_t vaddr);

/* Shell-style glob: '*', '?', '[abc]', '[a-z]', '[!x]' / '[^x]', '\\' escapes. */
bool uelf_glob_match(const char *pattern, const char *s);

/* Appends to @out the names of the functions (STT_FUNC/STT_GNU_IFUNC, defined,
 * nonzero address) matching @glob (NULL = all), sorted and without
 * duplicates. Returns how many were appended. */
size_t uelf_match_funcs(const struct uelf *e, const char *glob, struct strvec *out);

/* Virtual address -> file offset through the PT_LOAD segment that maps it
 * (offset = vaddr - p_vaddr + p_offset). 0 or -ENOENT if no segment's file
 * image covers @vaddr. */
int uelf_vaddr_to_offset(const struct uelf *e, uint64_t vaddr, uint64_t *off);

/* File offset -> virtual address (inverse of the above). 0 or -ENOENT. */
int uelf_offset_to_vaddr(const struct uelf *e, uint64_t off, uint64_t *vaddr);

/* Resolves `func` / `func+off` to the file offset a uprobe attaches at.
 * Errors: -ENOENT (no such symbol), -ERANGE (@func_off >= the function size;
 * a size-0 symbol only allows offset 0), -EFAULT (symbol address not mapped
 * from the file). *sym (optional) gets the symbol. */
int uelf_resolve_func(const struct uelf *e, const char *func, uint64_t func_off,
		      uint64_t *file_off, const struct uelf_sym **sym);

/* Resolves a raw virtual address (`uprobe:/bin/x:0x401126`) to a file offset;
 * *sym (optional) gets the containing function or NULL (stripped binary:
 * attach is still possible but unchecked). -EFAULT if not mapped from the file. */
int uelf_resolve_addr(const struct uelf *e, uint64_t vaddr, uint64_t *file_off,
		      const struct uelf_sym **sym);

/* Splits a uprobe function part: "func" -> name, off 0; "func+16" / "func+0x10"
 * -> name, off; "0x401126" or "4198694" (all digits) -> *is_addr, *addr.
 * @name gets a NUL-terminated copy of at most @name_size - 1 bytes.
 * 0 or -EINVAL (empty name, bad number, name too long). */
int uelf_parse_func(const char *spec, char *name, size_t name_size, uint64_t *off,
		    bool *is_addr, uint64_t *addr);

#endif
