/* syms.c — kernel and user symbolization and stack text (see syms.h).
 *
 * Kernel: /proc/kallsyms is read on the first lookup into an array sorted by
 * address; a lookup takes the nearest symbol at or below the address (kallsyms
 * has no sizes), as bcc and blazesym do.
 *
 * User: a pid's file-backed mappings come from /proc/PID/maps (cached; read
 * again when an address falls outside all of them, e.g. after dlopen). An
 * address in a mapping of file F at file offset pgoff maps to file offset
 * addr - start + pgoff, and through F's PT_LOAD headers to F's own virtual
 * address, which is what the symbol tables and DWARF use; this covers PIE
 * executables and shared objects (load bias) and non-PIE executables (bias 0)
 * alike. Parsed files (struct uelf) are cached per path for the life of the
 * context. Files of a process in another mount namespace are opened through
 * /proc/PID/root.
 *
 * DWARF line info uses libdw when its header is available at build time. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<elfutils/libdw.h>)
#include <dwarf.h>
#include <elfutils/libdw.h>
#define SYMS_HAVE_LIBDW 1
#endif

#include "probes/libpath.h"
#include "probes/uelf.h"
#include "runtime/syms.h"
#include "util/util.h"

struct ksym {
	uint64_t addr;
	uint32_t name;   /* offset in ksym_names */
	uint32_t order;  /* file order, to keep the first of equal addresses */
};

struct map_ent {
	uint64_t start, end, pgoff;
	const char *path; /* as in maps; owned by ctx->strs */
};

struct proc_maps {
	uint32_t pid;
	struct map_ent *v;
	size_t n;
	bool loaded;     /* read at least once */
	uint64_t read_at; /* CLOCK_MONOTONIC ms of the last read */
	bool is_other_ns; /* in another mount namespace: open via /proc/PID/root */
};

struct elf_ent {
	char *path;      /* path used to open */
	struct uelf *e;  /* NULL if it could not be read */
#ifdef SYMS_HAVE_LIBDW
	int dw_fd;
	Dwarf *dw;
	bool dw_tried;
#endif
};

struct sym_ctx {
	char *kallsyms_path;
	char *proc_root;
	bool show_debug_info;
	char *fallback_exe;

	bool k_loaded;
	struct ksym *ksyms;
	size_t n_ksyms;
	struct sbuf ksym_names;

	struct proc_maps *procs;
	size_t n_procs;
	struct elf_ent *elfs;
	size_t n_elfs;
	struct strvec strs; /* strings handed out (file names) */
};

struct sym_ctx *sym_ctx_new(const char *kallsyms, const char *proc_root)
{
	struct sym_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->kallsyms_path = xstrdup(kallsyms ? kallsyms : "/proc/kallsyms");
	ctx->proc_root = xstrdup(proc_root ? proc_root : "/proc");
#ifdef SYMS_HAVE_LIBDW
	ctx->show_debug_info = true;
#endif
	return ctx;
}

void sym_ctx_free(struct sym_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	free(ctx->kallsyms_path);
	free(ctx->proc_root);
	free(ctx->fallback_exe);
	free(ctx->ksyms);
	sbuf_fini(&ctx->ksym_names);
	for (i = 0; i < ctx->n_procs; i++) {
		free(ctx->procs[i].v);
	}
	free(ctx->procs);
	for (i = 0; i < ctx->n_elfs; i++) {
		free(ctx->elfs[i].path);
		uelf_free(ctx->elfs[i].e);
#ifdef SYMS_HAVE_LIBDW
		if (ctx->elfs[i].dw)
			dwarf_end(ctx->elfs[i].dw);
		if (ctx->elfs[i].dw_fd >= 0)
			close(ctx->elfs[i].dw_fd);
#endif
	}
	free(ctx->elfs);
	strvec_fini(&ctx->strs);
	free(ctx);
}

void sym_ctx_set_debug_info(struct sym_ctx *ctx, bool on)
{
	ctx->show_debug_info = on;
}

void sym_ctx_set_fallback_exe(struct sym_ctx *ctx, const char *path)
{
	free(ctx->fallback_exe);
	ctx->fallback_exe = path ? xstrdup(path) : NULL;
}

static void put_hex_addr(struct sbuf *b, uint64_t addr)
{
	/* what printing a void * gives: "0x1f", and "0" for NULL */
	if (addr)
		sbuf_printf(b, "0x%llx", (unsigned long long)addr);
	else
		sbuf_puts(b, "0");
}

/* ---- kernel ---- */

static int cmp_ksym(const void *pa, const void *pb)
{
	const struct ksym *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void ksyms_load(struct sym_ctx *ctx)
{
	FILE *f = fopen(ctx->kallsyms_path, "re");
	size_t cap = 0;
	char line[1024];

	ctx->k_loaded = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[512];

		if (sscanf(line, "%llx %c %511s", &addr, &type, name) != 3 || addr == 0)
			continue;
		if (ctx->n_ksyms == cap) {
			cap = cap ? cap * 2 : 4096;
			ctx->ksyms = xrealloc(ctx->ksyms, cap * sizeof(*ctx->ksyms));
		}
		ctx->ksyms[ctx->n_ksyms] = (struct ksym){
			.addr = addr, .name = (uint32_t)ctx->ksym_names.len,
			.order = (uint32_t)ctx->n_ksyms,
		};
		ctx->n_ksyms++;
		sbuf_put(&ctx->ksym_names, name, strlen(name) + 1);
	}
	fclose(f);
	if (ctx->n_ksyms)
		qsort(ctx->ksyms, ctx->n_ksyms, sizeof(*ctx->ksyms), cmp_ksym);
}

int sym_kernel_lookup(struct sym_ctx *ctx, uint64_t addr, const char **name, uint64_t *off)
{
	size_t lo = 0, hi;

	if (!ctx->k_loaded)
		ksyms_load(ctx);
	hi = ctx->n_ksyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -ENOENT;
	lo--;
	/* first of the symbols sharing this address */
	while (lo > 0 && ctx->ksyms[lo - 1].addr == ctx->ksyms[lo].addr)
		lo--;
	*name = ctx->ksym_names.s + ctx->ksyms[lo].name;
	*off = addr - ctx->ksyms[lo].addr;
	return 0;
}

void sym_kernel_format(struct sym_ctx *ctx, struct sbuf *b, uint64_t addr, bool with_offset)
{
	const char *name;
	uint64_t off;

	if (sym_kernel_lookup(ctx, addr, &name, &off)) {
		put_hex_addr(b, addr);
		return;
	}
	sbuf_puts(b, name);
	if (with_offset)
		sbuf_printf(b, "+%llu", (unsigned long long)off);
}

/* ---- user: mappings and files ---- */

/* A copy of @s that lives as long as ctx (paths and file names handed out). */
static const char *keep_str(struct sym_ctx *ctx, const char *s)
{
	for (size_t i = ctx->strs.n; i-- > 0;)
		if (strcmp(ctx->strs.v[i], s) == 0)
			return ctx->strs.v[i];
	strvec_push(&ctx->strs, s);
	return ctx->strs.v[ctx->strs.n - 1];
}


static void maps_clear(struct proc_maps *pm)
{
	free(pm->v);
	pm->v = NULL;
	pm->n = 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Reads /proc/PID/maps; keeps the old contents if the file is gone. */
static int maps_read(struct sym_ctx *ctx, struct proc_maps *pm)
{
	char *p = xasprintf("%s/%u/maps", ctx->proc_root, pm->pid);
	FILE *f = fopen(p, "re");
	size_t cap = 0;
	char line[4096];

	free(p);
	if (!f)
		return -errno;
	maps_clear(pm);
	pm->loaded = true;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff;
		char *path = strchr(line, '/'), *nl;
		struct map_ent *m;

		if (sscanf(line, "%llx-%llx %*s %llx", &start, &end, &pgoff) != 3)
			continue;
		/* anonymous mappings ([heap], JIT code) are kept with no path so
		 * that addresses in them do not count as unknown */
		if (path) {
			nl = strchr(path, '\n');
			if (nl)
				*nl = '\0';
		}
		if (pm->n == cap) {
			cap = cap ? cap * 2 : 64;
			pm->v = xrealloc(pm->v, cap * sizeof(*pm->v));
		}
		m = &pm->v[pm->n++];
		m->start = start;
		m->end = end;
		m->pgoff = pgoff;
		m->path = path ? keep_str(ctx, path) : NULL;
	}
	fclose(f);
	pm->read_at = now_ms();
	pm->is_other_ns = strcmp(ctx->proc_root, "/proc") == 0 &&
			  libpath_other_mntns((pid_t)pm->pid);
	return 0;
}

static struct proc_maps *maps_get(struct sym_ctx *ctx, uint32_t pid)
{
	size_t i;

	for (i = 0; i < ctx->n_procs; i++)
		if (ctx->procs[i].pid == pid)
			return &ctx->procs[i];
	ctx->procs = xrealloc(ctx->procs, (ctx->n_procs + 1) * sizeof(*ctx->procs));
	ctx->procs[ctx->n_procs] = (struct proc_maps){ .pid = pid };
	return &ctx->procs[ctx->n_procs++];
}

int sym_preload_pid(struct sym_ctx *ctx, uint32_t pid)
{
	return maps_read(ctx, maps_get(ctx, pid));
}

static const struct map_ent *maps_find(const struct proc_maps *pm, uint64_t addr)
{
	for (size_t i = 0; i < pm->n; i++)
		if (addr >= pm->v[i].start && addr < pm->v[i].end)
			return &pm->v[i];
	return NULL;
}

static struct elf_ent *elf_get(struct sym_ctx *ctx, const char *path)
{
	struct elf_ent *ee;
	size_t i;

	for (i = 0; i < ctx->n_elfs; i++)
		if (strcmp(ctx->elfs[i].path, path) == 0)
			return &ctx->elfs[i];
	ctx->elfs = xrealloc(ctx->elfs, (ctx->n_elfs + 1) * sizeof(*ctx->elfs));
	ee = &ctx->elfs[ctx->n_elfs++];
	memset(ee, 0, sizeof(*ee));
	ee->path = xstrdup(path);
#ifdef SYMS_HAVE_LIBDW
	ee->dw_fd = -1;
#endif
	if (uelf_open(path, &ee->e))
		ee->e = NULL;
	return ee;
}

/* The path to open for a mapping of @pid. */
static char *open_path(struct sym_ctx *ctx, const struct proc_maps *pm, const struct map_ent *m)
{
	uint32_t pid = pm->pid;
	static const char deleted[] = " (deleted)";
	size_t len = strlen(m->path), dlen = sizeof(deleted) - 1;

	if (len > dlen && strcmp(m->path + len - dlen, deleted) == 0)
		return xasprintf("%s/%u/map_files/%llx-%llx", ctx->proc_root, pid,
				 (unsigned long long)m->start, (unsigned long long)m->end);
	if (pm->is_other_ns)
		return xasprintf("/proc/%u/root%s", pid, m->path);
	return xstrdup(m->path);
}

/* Fallback when the process is gone: the probe's binary, at its link-time
 * addresses (non-PIE) or at the base the kernel uses for PIE with ASLR off. */
static int lookup_fallback(struct sym_ctx *ctx, uint64_t addr, struct sym_user_info *out,
			   struct elf_ent **eep)
{
	const uint64_t no_aslr_pie_base = 0x555555554000ULL;
	struct elf_ent *ee;
	const struct uelf_sym *s;
	uint64_t vaddr = addr;

	if (!ctx->fallback_exe)
		return -ENOENT;
	ee = elf_get(ctx, ctx->fallback_exe);
	if (!ee->e)
		return -ENOENT;
	if (ee->e->e_type == ET_DYN && addr >= no_aslr_pie_base)
		vaddr = addr - no_aslr_pie_base;
	s = uelf_sym_by_addr(ee->e, vaddr);
	if (!s)
		return -ENOENT;
	out->name = s->name;
	out->off = vaddr - s->addr;
	out->module = ee->path;
	out->vaddr = vaddr;
	*eep = ee;
	return 0;
}

static int user_lookup_ent(struct sym_ctx *ctx, uint32_t pid, uint64_t addr,
			   struct sym_user_info *out, struct elf_ent **eep)
{
	struct proc_maps *pm = maps_get(ctx, pid);
	const struct map_ent *m = maps_find(pm, addr);
	const struct uelf_sym *s;
	struct elf_ent *ee;
	uint64_t file_off, vaddr;
	char *path;

	memset(out, 0, sizeof(*out));
	*eep = NULL;
	/* an unknown address may be in a library loaded since the last read;
	 * read again, but not more than once a second */
	if (!m && (!pm->loaded || now_ms() - pm->read_at >= 1000)) {
		maps_read(ctx, pm);
		m = maps_find(pm, addr);
	}
	if (!m)
		return lookup_fallback(ctx, addr, out, eep);
	if (!m->path)
		return -ENOENT;
	out->module = m->path;
	path = open_path(ctx, pm, m);
	ee = elf_get(ctx, path);
	free(path);
	if (!ee->e)
		return -ENOENT;
	*eep = ee;
	file_off = addr - m->start + m->pgoff;
	if (uelf_offset_to_vaddr(ee->e, file_off, &vaddr))
		vaddr = ee->e->e_type == ET_EXEC ? addr : file_off;
	out->vaddr = vaddr;
	s = uelf_sym_by_addr(ee->e, vaddr);
	if (!s)
		return -ENOENT;
	out->name = s->name;
	out->off = vaddr - s->addr;
	return 0;
}

int sym_user_lookup(struct sym_ctx *ctx, uint32_t pid, uint64_t addr, struct sym_user_info *out)
{
	struct elf_ent *ee;

	return user_lookup_ent(ctx, pid, addr, out, &ee);
}

void sym_user_format(struct sym_ctx *ctx, struct sbuf *b, uint32_t pid, uint64_t addr,
		     bool with_offset)
{
	struct sym_user_info ui;

	if (sym_user_lookup(ctx, pid, addr, &ui)) {
		put_hex_addr(b, addr);
		return;
	}
	sbuf_puts(b, ui.name);
	if (with_offset)
		sbuf_printf(b, "+%llu", (unsigned long long)ui.off);
}

/* ---- DWARF ---- */

#ifdef SYMS_HAVE_LIBDW
static Dwarf *elf_dwarf(struct elf_ent *ee)
{
	if (!ee->dw_tried) {
		ee->dw_tried = true;
		ee->dw_fd = open(ee->path, O_RDONLY | O_CLOEXEC);
		if (ee->dw_fd >= 0) {
			ee->dw = dwarf_begin(ee->dw_fd, DWARF_C_READ);
			if (!ee->dw) {
				close(ee->dw_fd);
				ee->dw_fd = -1;
			}
		}
	}
	return ee->dw;
}

static bool cu_of(Dwarf *dw, uint64_t vaddr, Dwarf_Die *cu)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (dwarf_addrdie(dw, vaddr, cu))
		return true;
	/* no usable .debug_aranges: walk the CUs */
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		if (dwarf_offdie(dw, off + hsize, cu) && dwarf_haspc(cu, vaddr) > 0)
			return true;
		off = next;
	}
	return false;
}

/* "/a/b/../c/./d" -> "/a/c/d", in place (lexically, as printed paths go). */
static void normalize_path(char *p)
{
	char *out = p, *seg = p;
	bool abs = *p == '/';

	if (abs)
		seg = ++out;
	while (*seg) {
		char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		/* taken before writing: out may catch up with the separator */
		char *next = end ? end + 1 : seg + len;

		if (len == 0 || (len == 1 && seg[0] == '.')) {
			/* skip */
		} else if (len == 2 && seg[0] == '.' && seg[1] == '.' && out > p + abs &&
			   !(out - (p + abs) >= 3 && strncmp(out - 3, "../", 3) == 0 &&
			     (out - 3 == p + abs || out[-4] == '/'))) {
			/* drop the previous segment */
			out--;
			while (out > p + abs && out[-1] != '/')
				out--;
		} else {
			memmove(out, seg, len);
			out += len;
			if (end)
				*out++ = '/';
		}
		seg = next;
	}
	if (out > p + abs && out[-1] == '/')
		out--;
	*out = '\0';
}

/* A DWARF file name as printed: joined with the CU's directory if relative. */
static const char *src_path(struct sym_ctx *ctx, Dwarf_Die *cu, const char *f)
{
	Dwarf_Attribute attr;
	const char *dir = NULL, *r;
	char *full;

	if (f[0] != '/' && dwarf_attr(cu, DW_AT_comp_dir, &attr))
		dir = dwarf_formstring(&attr);
	full = dir ? xasprintf("%s/%s", dir, f) : xstrdup(f);
	normalize_path(full);
	r = keep_str(ctx, full);
	free(full);
	return r;
}

static bool line_at(struct sym_ctx *ctx, Dwarf_Die *cu, uint64_t vaddr, const char **file,
		    unsigned *line)
{
	Dwarf_Line *l = dwarf_getsrc_die(cu, vaddr);
	const char *src;
	int ln;

	if (!l || !(src = dwarf_linesrc(l, NULL, NULL)) || dwarf_lineno(l, &ln) != 0)
		return false;
	*file = src_path(ctx, cu, src);
	*line = (unsigned)ln;
	return true;
}

/* Name of an inlined instance (through its abstract origin). */
static const char *inline_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = NULL;

	if (dwarf_attr_integrate(die, DW_AT_name, &attr))
		name = dwarf_formstring(&attr);
	return name ? name : "??";
}

static const char *call_file(struct sym_ctx *ctx, Dwarf_Die *cu, Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Word idx;
	Dwarf_Files *files;
	size_t nfiles;
	const char *f;

	if (!dwarf_attr(die, DW_AT_call_file, &attr) || dwarf_formudata(&attr, &idx) != 0 ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles)
		return NULL;
	f = dwarf_filesrc(files, idx, NULL, NULL);
	return f ? src_path(ctx, cu, f) : NULL;
}
#endif

int sym_user_line(struct sym_ctx *ctx, const char *path, uint64_t vaddr, const char **file,
		  unsigned *line)
{
#ifdef SYMS_HAVE_LIBDW
	struct elf_ent *ee = elf_get(ctx, path);
	Dwarf *dw = elf_dwarf(ee);
	Dwarf_Die cu;

	if (!dw || !cu_of(dw, vaddr, &cu) || !line_at(ctx, &cu, vaddr, file, line))
		return -ENOENT;
	return 0;
#else
	(void)ctx, (void)path, (void)vaddr, (void)file, (void)line;
	return -ENOTSUP;
#endif
}

#ifdef SYMS_HAVE_LIBDW
/* Prints the chain of inlined instances starting at the innermost @inl, each
 * at the current location *file:*line, which then moves to its call site;
 * the next instance out is found among the concrete scopes containing the
 * current one (dwarf_getscopes() follows the abstract definition instead). */
static void inline_chain(struct sym_ctx *ctx, struct sbuf *b, Dwarf_Die *cu, Dwarf_Die inl,
			 const char **file, unsigned *line, const char *pad, bool is_perf,
			 uint64_t ip)
{
	for (int guard = 0; guard < 64; guard++) {
		Dwarf_Attribute attr;
		Dwarf_Word cl;
		Dwarf_Die *outer = NULL;
		int no, k;

		if (is_perf) {
			sbuf_printf(b, "\t%llx %s (inlined)\n", (unsigned long long)ip,
				    inline_name(&inl));
		} else {
			sbuf_printf(b, "%s[inlined] %s", pad, inline_name(&inl));
			if (*file)
				sbuf_printf(b, "@%s:%u", *file, *line);
			sbuf_putc(b, '\n');
		}
		*file = call_file(ctx, cu, &inl);
		*line = 0;
		if (dwarf_attr(&inl, DW_AT_call_line, &attr) && dwarf_formudata(&attr, &cl) == 0)
			*line = (unsigned)cl;
		no = dwarf_getscopes_die(&inl, &outer);
		for (k = 1; k < no; k++) {
			int tag = dwarf_tag(&outer[k]);

			if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
				break;
		}
		if (k < no && dwarf_tag(&outer[k]) == DW_TAG_inlined_subroutine) {
			inl = outer[k];
			free(outer);
			continue;
		}
		free(outer);
		break;
	}
}
#endif

/* Lines of one resolved user frame with debug info, inlined callees first.
 * bpftrace mode: "[inlined] name@file:line" ... "sym+off@file:line";
 * perf mode (@is_perf): "\t<ip> name (inlined)" ... "\t<ip> sym+off (module)". */
static void user_frame_debug(struct sym_ctx *ctx, struct sbuf *b, struct elf_ent *ee,
			     const struct sym_user_info *ui, const char *pad, bool is_perf,
			     uint64_t ip)
{
	const char *file = NULL;
	unsigned line = 0;
#ifdef SYMS_HAVE_LIBDW
	Dwarf *dw = ee ? elf_dwarf(ee) : NULL;
	Dwarf_Die cu, *scopes = NULL;
	int n = 0, i;

	if (dw && cu_of(dw, ui->vaddr, &cu)) {
		line_at(ctx, &cu, ui->vaddr, &file, &line);
		n = dwarf_getscopes(&cu, ui->vaddr, &scopes);
		/* the innermost inlined instance at vaddr, if any, before the
		 * enclosing function */
		for (i = 0; i < n; i++) {
			int tag = dwarf_tag(&scopes[i]);

			if (tag == DW_TAG_inlined_subroutine) {
				inline_chain(ctx, b, &cu, scopes[i], &file, &line, pad, is_perf,
					     ip);
				break;
			}
			if (tag == DW_TAG_subprogram)
				break;
		}
		free(scopes);
	}
#else
	(void)ee;
#endif
	if (is_perf) {
		sbuf_printf(b, "\t%llx %s+%llu (%s)\n", (unsigned long long)ip, ui->name,
			    (unsigned long long)ui->off, ui->module ? ui->module : "[unknown]");
		return;
	}
	sbuf_printf(b, "%s%s+%llu", pad, ui->name, (unsigned long long)ui->off);
	if (file)
		sbuf_printf(b, "@%s:%u", file, line);
	sbuf_putc(b, '\n');
}

/* ---- callbacks ---- */

void sym_cb_ksym(void *cookie, struct sbuf *b, uint64_t addr, bool with_offset)
{
	sym_kernel_format(cookie, b, addr, with_offset);
}

void sym_cb_usym(void *cookie, struct sbuf *b, uint32_t pid, uint64_t addr, bool with_offset)
{
	sym_user_format(cookie, b, pid, addr, with_offset);
}

void sym_cb_username(void *cookie, struct sbuf *b, uint32_t uid)
{
	FILE *f = fopen("/etc/passwd", "re");
	char line[1024];

	(void)cookie;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2, *c3;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')) || !(c3 = strchr(c2 + 1, ':')))
			continue;
		*c3 = '\0';
		if (c2[1] != '\0' && strtoul(c2 + 1, NULL, 10) == uid) {
			sbuf_put(b, line, (size_t)(c1 - line));
			break;
		}
	}
	fclose(f);
}

/* ---- stacks ---- */

void sym_format_stack(struct sym_ctx *ctx, struct sbuf *b, const uint64_t *ips, unsigned n,
		      enum stack_mode mode, bool is_user, uint32_t pid, unsigned indent)
{
	char pad[64];
	unsigned i;

	if (indent >= sizeof(pad))
		indent = sizeof(pad) - 1;
	memset(pad, ' ', indent);
	pad[indent] = '\0';
	sbuf_putc(b, '\n');
	for (i = 0; i < n; i++) {
		uint64_t ip = ips[i];

		if (ip == UINT64_MAX) {
			sbuf_printf(b, "%s<unwind failure>\n", pad);
			break;
		}
		if (mode == STACK_RAW || mode == STACK_BUILD_ID || !ctx) {
			sbuf_printf(b, "%llx\n", (unsigned long long)ip);
			continue;
		}
		if (!is_user) {
			if (mode == STACK_PERF)
				sbuf_printf(b, "\t%llx ", (unsigned long long)ip);
			else
				sbuf_puts(b, pad);
			sym_kernel_format(ctx, b, ip, true);
			sbuf_putc(b, '\n');
			continue;
		}

		struct sym_user_info ui;
		struct elf_ent *ee;
		int err = user_lookup_ent(ctx, pid, ip, &ui, &ee);

		if (mode == STACK_PERF) {
			if (err) {
				sbuf_printf(b, "\t%llx ", (unsigned long long)ip);
				put_hex_addr(b, ip);
				sbuf_puts(b, " ([unknown])\n");
			} else {
				user_frame_debug(ctx, b, ctx->show_debug_info ? ee : NULL, &ui, pad,
						 true, ip);
			}
			continue;
		}
		if (err) {
			sbuf_puts(b, pad);
			put_hex_addr(b, ip);
			sbuf_putc(b, '\n');
		} else if (ctx->show_debug_info) {
			user_frame_debug(ctx, b, ee, &ui, pad, false, ip);
		} else {
			sbuf_printf(b, "%s%s+%llu\n", pad, ui.name, (unsigned long long)ui.off);
		}
	}
}

void sym_format_build_id_stack(struct sbuf *b, const struct bpf_stack_build_id *frames,
			       unsigned n)
{
	unsigned i, k;

	sbuf_putc(b, '\n');
	for (i = 0; i < n; i++) {
		const struct bpf_stack_build_id *f = &frames[i];

		if (f->status == BPF_STACK_BUILD_ID_VALID) {
			for (k = 0; k < BPF_BUILD_ID_SIZE; k++)
				sbuf_printf(b, "%02x", f->build_id[k]);
			sbuf_printf(b, " 0x%02llx\n", (unsigned long long)f->offset);
		} else {
			sbuf_printf(b, "%llx\n", (unsigned long long)f->ip);
		}
	}
}
