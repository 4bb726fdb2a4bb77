/* uprobe.c — `uprobe:<binary>:[<lang>:]<function>[+<offset>]` (u): user-space
 * function entry probes. The helpers here serve uretprobe.c.
 *
 * Expansion goes through utargets (which files: a path, a name found in
 * $PATH or the linker cache, a glob, or with -p what the process maps; which
 * functions: a name or a glob over the ELF symbols) and resolves every target
 * to a file offset up front, so that attach needs no symbol lookups and the
 * errors bpftrace reports at attach time (offset outside the function, an
 * address in no function, a size-0 symbol) are reported here, once:
 *   uprobe:/bin/bash:readline        function entry
 *   uprobe:/bin/bash:readline+16     an offset inside it (< its size)
 *   uprobe:/bin/bash:0x4f6a0         a virtual address (in some function,
 *                                    unless --unsafe)
 *   uprobe:libc:malloc*, u:./a*:f*   wildcards over symbols and files
 *   uprobe:./prog@prog.c:22          the first address of a source line (DWARF)
 *   uprobe:/bin/x:cpp:ns::f          C++ names (matched as written: no demangler)
 * When the binary has DWARF, `args` is the record of the function's
 * parameters (udwarf_args_record()). The pid to attach to is -p's, or -c's
 * child. */
#include "probes/probe_int.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/libpath.h"
#include "probes/udwarf.h"
#include "probes/uelf.h"
#include "probes/utargets.h"
#include "probes/x86_insn.h"

/* What expand computed for one uprobe target (probe_target.priv). */
struct uprobe_priv {
	const char *attach_path; /* file the offset is in */
	const struct type *args; /* DWARF parameter record, or NULL */
	/* uprobe_multi (probe_target.n_syms > 0): the file offset of each
	 * function in probe_target.syms, all in attach_path */
	const uint64_t *offsets;
};

/* At most this many functions of one file get a DWARF `args` record (each
 * costs a DIE search); wildcards over whole libraries go without. */
#define UPROBE_MAX_DWARF_TARGETS 256

int probe_uprobe_available(const struct probe_env *env, const char **why)
{
	struct stat st;

	if (stat("/sys/bus/event_source/devices/uprobe", &st) == 0)
		return 0;
	*why = "this kernel has no uprobe support (CONFIG_UPROBE_EVENTS is not set)";
	return -EOPNOTSUPP;
}

static pid_t uprobe_pid(const struct probe_env *env)
{
	return env->pid > 0 ? env->pid : env->child_pid > 0 ? env->child_pid : 0;
}

static struct probe_target *up_new(const struct probe_ops *ops, const struct probe_env *env,
				   struct arena *a, const char *path, const char *attach,
				   const char *func, const char *spec, uint64_t off)
{
	struct probe_target *t;
	struct uprobe_priv *pv = arena_alloc(a, sizeof(*pv));

	t = probe_target_new(a, ops, arena_printf(a, "%s:%s", path, spec), func,
			     arena_printf(a, "%s:%s:%s", ops->name, path, spec));
	t->path = str_intern0(a, path);
	t->offset = off;
	t->is_ret = strcmp(ops->name, "uretprobe") == 0;
	t->pid = uprobe_pid(env);
	pv->attach_path = arena_strdup(a, attach);
	t->priv = pv;
	return t;
}

/* udwarf_open() with --debuginfo's directories (each entry may hold several,
 * separated by ':'). A relative directory is taken, as elfutils' standard
 * debuginfo search does, relative to the binary's directory (and then to the
 * working directory). */
static int up_dwarf_open(const struct probe_env *env, const char *path, struct udwarf **dw)
{
	struct strvec dirs = { 0 };
	const char *slash = strrchr(path, '/');
	int err;

	for (size_t i = 0; env && i < env->n_debug_dirs; i++) {
		char *copy = xstrdup(env->debug_dirs[i]), *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			if (*d != '/' && slash)
				strvec_push_owned(&dirs, xasprintf("%.*s/%s", (int)(slash - path),
								   path, d));
			strvec_push(&dirs, d);
		}
		free(copy);
	}
	err = dirs.n ? udwarf_open_ex(path, (const char *const *)dirs.v, dirs.n, dw)
		     : udwarf_open(path, dw);
	strvec_fini(&dirs);
	return err;
}

/* Fills the DWARF `args` records of out[first..] (all of @path). */
static void up_dwarf_args(const struct probe_env *env, const char *path, struct ptrvec *out,
			  size_t first, struct arena *a)
{
	struct udwarf *dw = NULL;

	if (out->n - first > UPROBE_MAX_DWARF_TARGETS || up_dwarf_open(env, path, &dw))
		return;
	for (size_t i = first; i < out->n; i++) {
		struct probe_target *t = out->v[i];
		struct uprobe_priv *pv = (struct uprobe_priv *)t->priv;
		const struct type *rec = NULL;

		if (t->func && *t->func && udwarf_args_record(dw, t->func, a, &rec) == 0)
			pv->args = rec;
	}
	udwarf_free(dw);
}

static void up_file_error(struct diag *d, const struct ast_node *ap, const char *kind,
			  const char *bin, int err)
{
	if (err == -ENOEXEC)
		diag_error(d, ap->loc, "%s target file '%s' is not an ELF file", kind, bin);
	else
		diag_error(d, ap->loc, "%s target file '%s' does not exist or is not executable",
			   kind, bin);
}

#define UPROBE_UNSAFE_HINT                                                                 \
	"Use --unsafe to force attachment. WARNING: This option could lead to data "       \
	"corruption in the target process."

/* bpftrace's check that @off bytes into @sym starts an instruction: an
 * error in safe mode, a warning with --unsafe. 0 or -EINVAL. */
static int up_check_alignment(const struct probe_ops *ops, const struct probe_env *env,
			      const struct ast_node *ap, const struct uelf *e,
			      const struct uelf_sym *sym, const char *file, uint64_t off,
			      struct diag *d)
{
	uint64_t foff;
	uint8_t *code = NULL;
	size_t want = (size_t)off + 16, got = 0;
	FILE *f = NULL;
	int r = -EINVAL;

	if (off == 0)
		return 0;
	if (e->e_machine == EM_X86_64 && !uelf_vaddr_to_offset(e, sym->addr, &foff) &&
	    (f = fopen(e->attach_path, "rb")) && !fseeko(f, (off_t)foff, SEEK_SET)) {
		code = xmalloc(want);
		got = fread(code, 1, want, f);
		r = x86_insn_boundary(code, got, (size_t)off);
	}
	if (f)
		fclose(f);
	free(code);
	if (r == 0)
		return 0;
	if (r == -EILSEQ) {
		if (!env->unsafe) {
			diag_plain_error(d, "Could not add %s into middle of instruction: %s:%s+%llu\n"
					    UPROBE_UNSAFE_HINT, ops->name, file, sym->name,
					 (unsigned long long)off);
			return -EINVAL;
		}
		diag_warning(d, ap->loc, "Unsafe %s in the middle of the instruction: %s:%s+%llu",
			     ops->name, file, sym->name, (unsigned long long)off);
		return 0;
	}
	if (!env->unsafe) {
		diag_plain_error(d, "Failed to check if %s is in proper place: %s:%s+%llu\n"
				    UPROBE_UNSAFE_HINT, ops->name, file, sym->name,
				 (unsigned long long)off);
		return -EINVAL;
	}
	diag_warning(d, ap->loc, "Unchecked %s: %s:%s+%llu", ops->name, file, sym->name,
		     (unsigned long long)off);
	return 0;
}

/* One function, function+offset or address of one file. */
static int up_expand_one(const struct probe_ops *ops, const struct probe_env *env,
			 const struct ast_node *ap, const char *file, const char *spec,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	bool is_ret = strcmp(ops->name, "uretprobe") == 0;
	char name[1024];
	uint64_t off = 0, addr = 0, file_off = 0;
	bool is_addr = false;
	const struct uelf_sym *sym = NULL;
	struct uelf *e = NULL;
	size_t first = out->n;
	int err;

	if (uelf_parse_func(spec, name, sizeof(name), &off, &is_addr, &addr)) {
		diag_error(d, ap->loc, "Invalid uprobe function: '%s'", spec);
		return -EINVAL;
	}
	err = uelf_open(file, &e);
	if (err == -ENOEXEC && is_addr && env->unsafe) {
		/* not ELF: the address is a file offset */
		ptrvec_push(out, up_new(ops, env, a, file, file, "",
					arena_printf(a, "0x%llx", (unsigned long long)addr), addr));
		return 0;
	}
	if (err) {
		up_file_error(d, ap, "uprobe", file, err);
		return err;
	}
	if (is_addr) {
		err = uelf_resolve_addr(e, addr, &file_off, &sym);
		if (err || (!sym && !env->unsafe)) {
			diag_plain_error(d, "Could not resolve address: %s:0x%llx", file,
					 (unsigned long long)addr);
			err = -ENOENT;
			goto out;
		}
		if (sym && is_ret && addr != sym->addr) {
			diag_plain_error(d, "uretprobes cannot be attached at function offset. "
					    "(address resolved to: %s+%llu)",
					 sym->name, (unsigned long long)(addr - sym->addr));
			err = -EINVAL;
			goto out;
		}
		if (sym && sym->size && addr - sym->addr >= sym->size) {
			diag_plain_error(d, "Offset outside the function bounds ('%s' size is %llu)",
					 sym->name, (unsigned long long)sym->size);
			err = -ERANGE;
			goto out;
		}
		if (sym) {
			err = up_check_alignment(ops, env, ap, e, sym, file, addr - sym->addr, d);
			if (err)
				goto out;
		}
		ptrvec_push(out, up_new(ops, env, a, file, e->attach_path, sym ? sym->name : "",
					arena_printf(a, "0x%llx", (unsigned long long)addr),
					file_off));
		goto out;
	}
	sym = uelf_sym_by_name(e, name);
	if (!sym) {
		err = 0; /* the caller reports "No matches for ..." */
		goto out;
	}
	if (off && is_ret) {
		diag_error(d, ap->loc, "uretprobes can not be attached to a function offset");
		err = -EINVAL;
		goto out;
	}
	if (sym->size == 0 && !env->unsafe) {
		diag_plain_error(d, "Could not determine boundary for %s (symbol has size 0).\n"
				    UPROBE_UNSAFE_HINT, sym->name);
		err = -EINVAL;
		goto out;
	}
	if (sym->size && off >= sym->size) {
		diag_plain_error(d, "Offset outside the function bounds ('%s' size is %llu)",
				 name, (unsigned long long)sym->size);
		err = -ERANGE;
		goto out;
	}
	err = up_check_alignment(ops, env, ap, e, sym, file, off, d);
	if (err)
		goto out;
	if (uelf_vaddr_to_offset(e, sym->addr + off, &file_off)) {
		diag_plain_error(d, "Could not resolve symbol: %s:%s", file, name);
		err = -EFAULT;
		goto out;
	}
	ptrvec_push(out, up_new(ops, env, a, file, e->attach_path, sym->name,
				off ? arena_printf(a, "%s+%llu", name, (unsigned long long)off) : name,
				file_off));
	if (!off)
		up_dwarf_args(env, file, out, first, a);
out:
	uelf_free(e);
	return err;
}

/* uprobe:./prog@file.c:LINE */
static int up_expand_line(const struct probe_ops *ops, const struct probe_env *env,
			  const struct ast_node *ap, const char *bin, const char *line,
			  struct ptrvec *out, struct arena *a, struct diag *d)
{
	const char *at = strchr(bin, '@');
	char *file = arena_strndup(a, bin, (size_t)(at - bin)), *res = NULL;
	struct udwarf *dw = NULL;
	struct uelf *e = NULL;
	const struct uelf_sym *sym = NULL;
	uint64_t vaddr, file_off, lno;
	const char *why;
	int err;

	if (probe_parse_uint(line, &lno, &why)) {
		diag_error(d, ap->loc, "Invalid line number: %s", line);
		return -EINVAL;
	}
	err = libpath_resolve(file, uprobe_pid(env), &res);
	if (err) {
		up_file_error(d, ap, "uprobe", file, err);
		return err;
	}
	err = uelf_open(res, &e);
	if (err) {
		up_file_error(d, ap, "uprobe", file, err);
		goto out;
	}
	err = up_dwarf_open(env, res, &dw);
	if (err) {
		diag_error(d, ap->loc, "No debug information found for '%s'", file);
		goto out;
	}
	err = udwarf_line_addr(dw, at + 1, (unsigned)lno, &vaddr);
	if (err) {
		diag_error(d, ap->loc, "No code found for %s:%llu", at + 1,
			   (unsigned long long)lno);
		goto out;
	}
	err = uelf_resolve_addr(e, vaddr, &file_off, &sym);
	if (err) {
		diag_plain_error(d, "Could not resolve address: %s:0x%llx", file,
				 (unsigned long long)vaddr);
		goto out;
	}
	ptrvec_push(out, up_new(ops, env, a, str_intern0(a, strchr(file, '/') ? file : res),
				e->attach_path, sym ? sym->name : "",
				sym && vaddr != sym->addr
					? arena_printf(a, "%s+%llu", sym->name,
						       (unsigned long long)(vaddr - sym->addr))
					: sym ? sym->name : arena_printf(a, "0x%llx",
									(unsigned long long)vaddr),
				file_off));
out:
	udwarf_free(dw);
	uelf_free(e);
	free(res);
	return err;
}

/* The files a binary part names: with a pid, "" / "*" / a pattern select
 * among the files the process maps; else a path, a name looked up as the
 * dynamic linker or $PATH would, or a glob. 0 with @files filled, or -ENOENT. */
static int up_files(const char *bin, pid_t pid, struct strvec *files)
{
	bool is_any = !*bin || !strcmp(bin, "*");

	if (pid > 0 && (is_any || probe_has_wildcard(bin))) {
		struct strvec mapped = { 0 };

		libpath_mapped_files(pid, &mapped);
		for (size_t i = 0; i < mapped.n; i++) {
			const char *base = strrchr(mapped.v[i], '/');

			if (is_any || uelf_glob_match(bin, mapped.v[i]) ||
			    (base && uelf_glob_match(bin, base + 1)))
				strvec_push(files, mapped.v[i]);
		}
		strvec_fini(&mapped);
		return files->n ? 0 : -ENOENT;
	}
	if (is_any)
		return -ENOENT;
	return libpath_expand(bin, pid, files) < 0 ? -ENOENT : 0;
}

/* The C++ runtime's demangler, when the program links libstdc++ (the LLVM
 * libraries bring it in); NULL otherwise, and cpp: names match as written. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status)
	__attribute__((weak));

/* "ns::f(int)" or NULL (malloc'd); "ns::f" when @strip_params. */
static char *up_demangle(const char *name, bool strip_params)
{
	char *dm;
	int status = -1;

	if (!__cxa_demangle || strncmp(name, "_Z", 2) != 0)
		return NULL;
	dm = __cxa_demangle(name, NULL, NULL, &status);
	if (!dm || status != 0) {
		free(dm);
		return NULL;
	}
	if (strip_params) {
		/* cut the outermost parameter list: the last '(' balancing the last ')' */
		int depth = 0;

		for (ssize_t i = (ssize_t)strlen(dm) - 1; i >= 0; i--) {
			if (dm[i] == ')') {
				depth++;
			} else if (dm[i] == '(' && --depth == 0) {
				dm[i] = 0;
				break;
			}
		}
	}
	return dm;
}

/* bpftrace's cpp: matching: the symbol as written, or its demangled name
 * without parameters (with them when the pattern has a '('). */
static bool up_cpp_match(const char *pattern, const char *name)
{
	char *dm;
	bool m;

	if (uelf_glob_match(pattern, name))
		return true;
	dm = up_demangle(name, !strchr(pattern, '('));
	m = dm && uelf_glob_match(pattern, dm);
	free(dm);
	return m;
}

/* uprobe:<bin>:cpp:<pattern>: every function of the files of @bin whose
 * name matches (up_cpp_match()). */
static int up_expand_cpp(const struct probe_ops *ops, const struct probe_env *env,
			 const struct ast_node *ap, const char *bin, const char *pattern,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	struct strvec files = { 0 };
	pid_t pid = uprobe_pid(env);
	int n, err = 0;

	n = up_files(bin, pid, &files);
	if (n < 0) {
		if (*bin && !probe_has_wildcard(bin)) {
			up_file_error(d, ap, "uprobe", bin, n);
			return n;
		}
		return 0;
	}
	for (size_t i = 0; i < files.n && !err; i++) {
		struct strvec names = { 0 };
		struct uelf *e = NULL;

		err = uelf_open(files.v[i], &e);
		if (err) {
			if (files.n == 1 && *bin && !probe_has_wildcard(bin)) {
				up_file_error(d, ap, "uprobe", bin, err);
				break;
			}
			err = 0;
			continue;
		}
		uelf_match_funcs(e, NULL, &names);
		uelf_free(e);
		for (size_t k = 0; k < names.n && !err; k++) {
			size_t first = out->n;

			if (!up_cpp_match(pattern, names.v[k]))
				continue;
			err = up_expand_one(ops, env, ap, files.v[i], names.v[k], out, a, d);
			for (size_t j = first; j < out->n; j++) {
				struct probe_target *t = out->v[j];
				char *dm = up_demangle(names.v[k], true);

				if (dm) {
					t->func = arena_strdup(a, dm);
					free(dm);
				}
				t->full = arena_printf(a, "%s:%s:cpp:%s", ops->name, files.v[i], t->func);
			}
		}
		strvec_fini(&names);
	}
	strvec_fini(&files);
	return err;
}

/* Replaces the single-function targets out[first..] (all in one file) by
 * one uprobe_multi target: one program, one link, every function. */
static void up_make_multi(const struct probe_ops *ops, const struct probe_env *env,
			  struct ptrvec *out, size_t first, const char *glob, struct arena *a)
{
	const struct probe_target *t0 = out->v[first];
	const struct uprobe_priv *pv0 = t0->priv;
	uint32_t n = (uint32_t)(out->n - first);
	const char **syms = arena_alloc(a, n * sizeof(*syms));
	uint64_t *offs = arena_alloc(a, n * sizeof(*offs));
	struct probe_target *m;
	struct uprobe_priv *pv;

	for (uint32_t k = 0; k < n; k++) {
		const struct probe_target *t = out->v[first + k];

		syms[k] = t->func;
		offs[k] = t->offset;
	}
	m = up_new(ops, env, a, t0->path, pv0->attach_path, glob, glob, 0);
	pv = (struct uprobe_priv *)m->priv;
	pv->offsets = offs;
	m->syms = syms;
	m->n_syms = n;
	out->v[first] = m;
	out->n = first + 1;
}

int probe_uprobe_expand(const struct probe_ops *ops, const struct probe_env *env,
			const struct ast_node *ap, struct ptrvec *out, struct arena *a,
			struct diag *d)
{
	bool is_ret = strcmp(ops->name, "uretprobe") == 0;
	const char *bin, *func;
	struct ptrvec ut = { 0 };
	pid_t pid = uprobe_pid(env);
	int n;

	if (ap->attach.n_parts == 1 && env->pid > 0) {
		bin = "";
		func = ap->attach.parts[0];
	} else if (ap->attach.n_parts != 2 && ap->attach.n_parts != 3) {
		probe_arg_count_error(d, ap, ops, 2, 3);
		return -EINVAL;
	} else {
		bin = ap->attach.parts[0];
		func = ap->attach.parts[ap->attach.n_parts - 1];
	}
	if (ap->attach.n_parts == 3 && strcmp(ap->attach.parts[1], "cpp") != 0 &&
	    strcmp(ap->attach.parts[1], "c") != 0 && *ap->attach.parts[1]) {
		diag_error(d, ap->loc, "unsupported language type: %s", ap->attach.parts[1]);
		return -EINVAL;
	}
	if (!*bin && env->pid <= 0) {
		diag_error(d, ap->loc, "%s probe must have a target", ops->name);
		return -EINVAL;
	}
	if (!*func) {
		diag_error(d, ap->loc, "%s probe must have a target function or wildcard",
			   ops->name);
		return -EINVAL;
	}
	if (strchr(bin, '@') && !probe_has_wildcard(bin))
		return up_expand_line(ops, env, ap, bin, func, out, a, d);
	if (ap->attach.n_parts == 3 && !strcmp(ap->attach.parts[1], "cpp"))
		return up_expand_cpp(ops, env, ap, bin, func, out, a, d);

	if (!probe_has_wildcard(func) && !strchr(func, '?')) {
		/* one function (or address) in each named file */
		struct strvec files = { 0 };
		int err = 0;

		if (!*bin || !strcmp(bin, "*") || probe_has_wildcard(bin)) {
			up_files(bin, pid, &files);
		} else {
			char *res = NULL;

			n = libpath_resolve(bin, pid, &res);
			if (n) {
				up_file_error(d, ap, "uprobe", bin, n);
				return n;
			}
			strvec_push(&files, strchr(bin, '/') && !libpath_other_mntns(pid) ? bin
											 : res);
			free(res);
		}
		for (size_t i = 0; i < files.n && !err; i++) {
			if (files.n > 1 || !*bin || !strcmp(bin, "*") || probe_has_wildcard(bin)) {
				/* several files: skip those without the function */
				struct uelf *e = NULL;
				uint64_t o, ad;
				bool ia;
				char nm[1024];

				if (uelf_open(files.v[i], &e))
					continue;
				if (uelf_parse_func(func, nm, sizeof(nm), &o, &ia, &ad) || ia ||
				    !uelf_sym_by_name(e, nm)) {
					uelf_free(e);
					continue;
				}
				uelf_free(e);
			}
			err = up_expand_one(ops, env, ap, files.v[i], func, out, a, d);
		}
		strvec_fini(&files);
		return err;
	}

	if (strchr(func, '+')) {
		diag_error(d, ap->loc, "Offset not allowed with a wildcard");
		return -EINVAL;
	}
	n = utargets_uprobe(*bin ? bin : "*", func, pid, a, &ut);
	if (n < 0) {
		if (probe_has_wildcard(bin) || !*bin)
			return 0;
		up_file_error(d, ap, "uprobe", bin, n);
		return n;
	}
	for (size_t i = 0; i < ut.n;) {
		const struct utarget *u = ut.v[i];
		size_t first = out->n, j;

		for (j = i; j < ut.n && ((const struct utarget *)ut.v[j])->path == u->path; j++) {
			const struct utarget *v = ut.v[j];

			if (is_ret || v->func_size || env->unsafe)
				ptrvec_push(out, up_new(ops, env, a, v->path, v->attach_path,
							v->func, v->func, v->offset));
		}
		if (out->n - first > 1 && !env->no_multi && probe_uprobe_has_multi())
			up_make_multi(ops, env, out, first, func, a);
		else
			up_dwarf_args(env, u->path, out, first, a);
		i = j;
	}
	ptrvec_fini(&ut);
	return 0;
}

const char *probe_uprobe_section(const struct probe_target *t, struct arena *a)
{
	return t->is_ret ? "uretprobe" : "uprobe";
}

int probe_uprobe_context(const struct probe_env *env, const struct probe_target *t,
			 struct probe_ctx *out, struct arena *a, struct diag *d)
{
	const struct uprobe_priv *pv = t->priv;

	memset(out, 0, sizeof(*out));
	out->kind = PCTX_PT_REGS;
	out->max_argn = 6;
	if (pv && pv->args && !t->is_ret) {
		out->args = pv->args;
		out->has_args = true;
	}
	return 0;
}

int probe_uprobe_attach_at(struct bpf_program *prog, const struct probe_target *t,
			   const char *path, uint64_t offset, uint64_t ref_ctr_offset,
			   uint64_t cookie, struct ptrvec *links)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	struct bpf_link *link;

	opts.retprobe = t->is_ret;
	opts.ref_ctr_offset = (size_t)ref_ctr_offset;
	opts.bpf_cookie = cookie;
	link = bpf_program__attach_uprobe_opts(prog, t->pid > 0 ? t->pid : -1, path,
					       (size_t)offset, &opts);
	if (!link)
		return errno ? -errno : -EINVAL;
	ptrvec_push(links, link);
	return 0;
}

/* The kernel's BPF_LINK_CREATE attributes for uprobe_multi (Linux 6.6),
 * which libbpf 1.1 does not know. */
struct up_multi_attr {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, mflags, pid;
};
#define UP_ATTACH_UPROBE_MULTI 48 /* BPF_TRACE_UPROBE_MULTI */
#define UP_MULTI_RETURN 1u        /* BPF_F_UPROBE_MULTI_RETURN */

static int up_multi_link(int prog_fd, const char *path, const uint64_t *offsets, uint32_t cnt,
			 bool is_ret, pid_t pid)
{
	union {
		struct up_multi_attr a;
		char pad[128];
	} u;
	int fd;

	memset(&u, 0, sizeof(u));
	u.a.prog_fd = (uint32_t)prog_fd;
	u.a.attach_type = UP_ATTACH_UPROBE_MULTI;
	u.a.path = (uint64_t)(uintptr_t)path;
	u.a.offsets = (uint64_t)(uintptr_t)offsets;
	u.a.cnt = cnt;
	u.a.mflags = is_ret ? UP_MULTI_RETURN : 0;
	u.a.pid = pid > 0 ? (uint32_t)pid : 0;
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &u, sizeof(u));
	return fd < 0 ? -errno : fd;
}

/* A function of this file, for the uprobe_multi probe below. */
__attribute__((noinline)) static int up_probe_site(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

bool probe_uprobe_has_multi(void)
{
	static int cached = -1;
	char path[PATH_MAX];
	uint64_t off = 0;
	int fd, lfd;

	if (cached >= 0)
		return cached;
	cached = 0;
	/* the file offset of a function of ours, from where it is mapped */
	if (self_file_offset((const void *)&up_probe_site, &off, path, sizeof(path)) ||
	    path[0] != '/')
		return false;
	fd = probe_nop_kprobe_prog(UP_ATTACH_UPROBE_MULTI);
	if (fd < 0)
		return false;
	lfd = up_multi_link(fd, path, &off, 1, false, getpid());
	if (lfd >= 0) {
		cached = 1;
		close(lfd);
	}
	close(fd);
	return cached;
}

void probe_uprobe_prepare(struct bpf_program *prog, const struct probe_target *t)
{
	if (t->n_syms)
		bpf_program__set_expected_attach_type(prog, UP_ATTACH_UPROBE_MULTI);
}

int probe_uprobe_attach(struct bpf_program *prog, const struct probe_target *t,
			struct ptrvec *links)
{
	const struct uprobe_priv *pv = t->priv;

	if (t->n_syms && pv && pv->offsets) {
		int fd = up_multi_link(bpf_program__fd(prog), pv->attach_path, pv->offsets,
				       t->n_syms, t->is_ret, t->pid);

		if (fd < 0)
			return fd;
		ptrvec_push(links, probe_link_fd(fd));
		return 0;
	}

	return probe_uprobe_attach_at(prog, t, pv ? pv->attach_path : t->path, t->offset, 0, 0,
				      links);
}

/* Splits a listing glob "<bin>:<func>" ("<bin>:cpp:<func>"); a glob without
 * ':' is "*:<glob>" (with a pid: every mapped file). */
static void up_split_glob(const char *glob, char **bin, char **func)
{
	const char *last = strrchr(glob, ':');
	const char *first = strchr(glob, ':');

	if (!last) {
		*bin = xstrdup("*");
		*func = xstrdup(glob);
		return;
	}
	*bin = xstrdup(glob);
	(*bin)[first - glob] = 0;
	*func = xstrdup(last + 1);
}

static void up_print_params(const struct probe_env *env, FILE *out, const char *path,
			    const char *func, bool is_ret, struct udwarf **dw, bool *tried)
{
	struct udwarf_param *params;
	unsigned n;
	struct arena a;

	if (!*tried) {
		*tried = true;
		if (up_dwarf_open(env, path, dw))
			*dw = NULL;
	}
	if (!*dw)
		return;
	arena_init(&a);
	if (udwarf_func_params(*dw, func, &a, &params, &n) == 0 && !is_ret) {
		for (unsigned i = 0; i < n; i++)
			fprintf(out, "    %s %s\n", params[i].type_name,
				params[i].name ? params[i].name : "");
	}
	arena_fini(&a);
}

int probe_uprobe_list(const struct probe_ops *ops, const struct probe_env *env, const char *glob,
		      bool verbose, FILE *out)
{
	char *bin, *func;
	const char *cpp;
	struct arena a;
	struct ptrvec ut = { 0 };
	const char *last_path = NULL;
	struct udwarf *dw = NULL;
	bool tried = false;
	int n;

	if (!glob)
		glob = "*";
	up_split_glob(glob, &bin, &func);
	if ((!*bin || !strcmp(bin, "*")) && env->pid <= 0) {
		/* bpftrace would scan every process; we list nothing */
		free(bin);
		free(func);
		return 0;
	}
	arena_init(&a);
	cpp = strchr(glob, ':') && !strncmp(strchr(glob, ':') + 1, "cpp:", 4)
		      ? strchr(glob, ':') + 5 : NULL;
	n = utargets_uprobe(strcmp(bin, "*") ? bin : "", cpp || !*func ? "*" : func, env->pid, &a,
			    &ut);
	for (int i = 0; i < n; i++) {
		const struct utarget *u = ut.v[i];

		if (cpp && !up_cpp_match(cpp, u->func))
			continue;
		if (u->path != last_path) {
			udwarf_free(dw);
			dw = NULL;
			tried = false;
			last_path = u->path;
		}
		if (cpp) {
			char *dm = up_demangle(u->func, false);

			if (dm)
				fprintf(out, "%s:%s:cpp:\"%s\"\n", ops->name, u->path, dm);
			else
				fprintf(out, "%s:%s:cpp:%s\n", ops->name, u->path, u->func);
			free(dm);
		} else {
			fprintf(out, "%s:%s:%s\n", ops->name, u->path, u->func);
		}
		if (verbose)
			up_print_params(env, out, u->path, u->func, strcmp(ops->name, "uretprobe") == 0,
					&dw, &tried);
	}
	udwarf_free(dw);
	ptrvec_fini(&ut);
	arena_fini(&a);
	free(bin);
	free(func);
	return 0;
}

const char *probe_uprobe_suggest(const struct probe_env *env, const struct ast_node *ap,
				 struct arena *a)
{
	const char *bin, *func, *plus, *best, *res = NULL;
	struct strvec funcs = { 0 };
	struct uelf *e = NULL;
	char *path = NULL;

	if (ap->attach.n_parts != 2 && ap->attach.n_parts != 3)
		return NULL;
	bin = ap->attach.parts[0];
	func = ap->attach.parts[ap->attach.n_parts - 1];
	if (!*bin || strchr(bin, '@') || probe_has_wildcard(bin) || probe_has_wildcard(func) ||
	    strchr(func, '?') || (*func >= '0' && *func <= '9') ||
	    (ap->attach.n_parts == 3 && !strcmp(ap->attach.parts[1], "cpp")))
		return NULL;
	plus = strchr(func, '+');
	if (plus)
		func = arena_strndup(a, func, (size_t)(plus - func));
	if (libpath_resolve(bin, uprobe_pid(env), &path) || uelf_open(path, &e)) {
		free(path);
		return NULL;
	}
	uelf_match_funcs(e, NULL, &funcs);
	best = util_closest(func, (const char *const *)funcs.v, funcs.n);
	if (best)
		res = arena_printf(a, "%s:%s%s%s%s", bin,
				   ap->attach.n_parts == 3 ? ap->attach.parts[1] : "",
				   ap->attach.n_parts == 3 ? ":" : "", best, plus ? plus : "");
	strvec_fini(&funcs);
	uelf_free(e);
	free(path);
	return res;
}

static int uprobe_expand(const struct probe_env *env, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	return probe_uprobe_expand(&uprobe_probe, env, ap, out, a, d);
}

static int uprobe_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	return probe_uprobe_list(&uprobe_probe, env, glob, verbose, out);
}

const struct probe_ops uprobe_probe = {
	.name = "uprobe",
	.aliases = (const char *const[]){ "u", NULL },
	.min_parts = 1,
	.max_parts = 3,
	.expand = uprobe_expand,
	.section = probe_uprobe_section,
	.context = probe_uprobe_context,
	.attach = probe_uprobe_attach,
	.prepare = probe_uprobe_prepare,
	.list = uprobe_list,
	.available = probe_uprobe_available,
	.suggest = probe_uprobe_suggest,
};

int probe_uaddr(const struct probe_target *t, const char *name, uint64_t *addr, uint64_t *size,
		bool *is_biased, uint64_t *probe_vaddr)
{
	const struct uelf_sym *s;
	struct uelf *e = NULL;
	int err;

	if (!t || !t->path || !t->ops || (strcmp(t->ops->name, "uprobe") &&
					  strcmp(t->ops->name, "uretprobe") &&
					  strcmp(t->ops->name, "usdt")))
		return -EINVAL;
	err = uelf_open(t->path, &e);
	if (err)
		return err;
	s = uelf_sym_by_name(e, name);
	if (!s || !s->addr) {
		uelf_free(e);
		return -ENOENT;
	}
	*addr = s->addr;
	*size = s->size;
	*is_biased = e->e_type != ET_EXEC;
	*probe_vaddr = 0;
	if (*is_biased && uelf_offset_to_vaddr(e, t->offset, probe_vaddr))
		err = -EFAULT;
	uelf_free(e);
	return err;
}

const struct type *probe_user_type(const struct probe_env *env, const struct probe_target *t,
				   const char *name, struct arena *a)
{
	const struct type *ty = NULL;
	struct udwarf *dw = NULL;

	if (!t || !t->path || !t->ops || (strcmp(t->ops->name, "uprobe") &&
					  strcmp(t->ops->name, "uretprobe") &&
					  strcmp(t->ops->name, "usdt")))
		return NULL;
	if (up_dwarf_open(env, t->path, &dw))
		return NULL;
	ty = udwarf_type(dw, name, a);
	udwarf_free(dw);
	return ty;
}
