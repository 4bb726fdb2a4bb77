/* usdt_notes.c — reads .note.stapsdt notes and decodes their x86-64
 * argument strings (see usdt_notes.h).
 *
 * Addresses: a note records the probe address and the link-time address of
 * the .stapsdt.base section; if the file was prelinked, the section moved and
 * the probe moved with it, so pc is shifted by (section address - recorded
 * base). The attach offset and the semaphore's ref_ctr_offset are file
 * offsets, found through the PT_LOAD segment that maps each address. */
#include <asm/ptrace.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/uelf.h"
#include "probes/usdt_notes.h"
#include "util/util.h"

#define NT_STAPSDT 3

/* ---- registers ---- */

struct reg_name {
	const char *name;
	uint8_t size;
	uint8_t byte;    /* 1 for the high-byte registers */
	size_t off;
};

#define R(n, sz, field) { n, sz, 0, offsetof(struct pt_regs, field) }
#define RH(n, field) { n, 1, 1, offsetof(struct pt_regs, field) }
/* r8..r15 and their 32/16/8-bit names (r8d, r8w, r8b or r8l) */
#define RN(r) R(#r, 8, r), R(#r "d", 4, r), R(#r "w", 2, r), R(#r "b", 1, r), R(#r "l", 1, r)
static const struct reg_name regs[] = {
	R("rax", 8, rax), R("eax", 4, rax), R("ax", 2, rax), R("al", 1, rax), RH("ah", rax),
	R("rbx", 8, rbx), R("ebx", 4, rbx), R("bx", 2, rbx), R("bl", 1, rbx), RH("bh", rbx),
	R("rcx", 8, rcx), R("ecx", 4, rcx), R("cx", 2, rcx), R("cl", 1, rcx), RH("ch", rcx),
	R("rdx", 8, rdx), R("edx", 4, rdx), R("dx", 2, rdx), R("dl", 1, rdx), RH("dh", rdx),
	R("rsi", 8, rsi), R("esi", 4, rsi), R("si", 2, rsi), R("sil", 1, rsi),
	R("rdi", 8, rdi), R("edi", 4, rdi), R("di", 2, rdi), R("dil", 1, rdi),
	R("rbp", 8, rbp), R("ebp", 4, rbp), R("bp", 2, rbp), R("bpl", 1, rbp),
	R("rsp", 8, rsp), R("esp", 4, rsp), R("sp", 2, rsp), R("spl", 1, rsp),
	R("rip", 8, rip), R("eip", 4, rip), R("ip", 2, rip),
	RN(r8),
	RN(r9),
	RN(r10),
	RN(r11),
	RN(r12),
	RN(r13),
	RN(r14),
	RN(r15),
};
#undef R
#undef RH
#undef RN

int usdt_reg_offset(const char *name, uint8_t *size)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (strcmp(regs[i].name, name) == 0) {
			if (size)
				*size = regs[i].size;
			return (int)(regs[i].off + regs[i].byte);
		}
	}
	return -ENOENT;
}

/* ---- argument strings ---- */

/* "%name" at *pp: copies the name (without '%') and resolves its offset. */
static int parse_reg(const char **pp, char name[8], int *off, uint8_t *size)
{
	const char *p = *pp;
	size_t len = 0;
	int o;

	if (*p != '%')
		return -EINVAL;
	p++;
	while (isalnum((unsigned char)p[len]))
		len++;
	if (len == 0 || len >= 8)
		return -EINVAL;
	memcpy(name, p, len);
	name[len] = '\0';
	o = usdt_reg_offset(name, size);
	if (o < 0)
		return -EINVAL;
	*off = o;
	*pp = p + len;
	return 0;
}

static int parse_int(const char **pp, int64_t *v)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t u;
	char *end;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	u = strtoull(p, &end, 0);
	if (errno)
		return -EINVAL;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	*pp = end;
	return 0;
}

int usdt_arg_parse(const char *spec, struct usdt_arg *a, char *symbuf, size_t symbuf_size)
{
	const char *p = spec, *at = strchr(spec, '@'), *opstart;
	int err;

	memset(a, 0, sizeof(*a));
	a->base_off = -1;
	a->index_off = -1;
	a->size = 8;
	if (at) {
		int64_t sz;

		if (parse_int(&p, &sz) || p != at)
			return -EINVAL;
		a->is_signed = sz < 0;
		sz = sz < 0 ? -sz : sz;
		if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
			return -EINVAL;
		a->size = (uint8_t)sz;
		p = at + 1;
	}

	if (*p == '$') {
		p++;
		a->kind = USDT_ARG_CONST;
		if (parse_int(&p, &a->val) || *p)
			return -EINVAL;
		return 0;
	}
	if (*p == '%') {
		a->kind = USDT_ARG_REG;
		err = parse_reg(&p, a->base_name, &a->base_off, &a->base_size);
		if (err || *p)
			return -EINVAL;
		return 0;
	}

	/* memory: [sym[+-off] | off](%base[,%index[,scale]]) or an absolute off */
	a->kind = USDT_ARG_MEM;
	opstart = p;
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '.') {
		const char *s = p;
		size_t len;

		while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '$')
			p++;
		len = (size_t)(p - s);
		if (!symbuf || len + 1 > symbuf_size)
			return -EINVAL;
		memcpy(symbuf, s, len);
		symbuf[len] = '\0';
		a->sym = symbuf;
		if ((*p == '+' || *p == '-') && parse_int(&p, &a->val))
			return -EINVAL;
		a->sym_disp = a->val;
	} else if (*p == '-' || *p == '+' || isdigit((unsigned char)*p)) {
		if (parse_int(&p, &a->val))
			return -EINVAL;
	}
	if (*p == '\0') /* an absolute address */
		return a->sym || p == opstart ? -EINVAL : 0;
	if (*p != '(')
		return -EINVAL;
	p++;
	if (*p == '%') {
		if (parse_reg(&p, a->base_name, &a->base_off, &a->base_size))
			return -EINVAL;
	}
	if (*p == ',') {
		p++;
		if (parse_reg(&p, a->index_name, &a->index_off, &(uint8_t){ 0 }))
			return -EINVAL;
		a->scale = 1;
		if (*p == ',') {
			int64_t sc;

			p++;
			if (parse_int(&p, &sc) || (sc != 1 && sc != 2 && sc != 4 && sc != 8))
				return -EINVAL;
			a->scale = (uint8_t)sc;
		}
	}
	if (*p != ')' || p[1] != '\0')
		return -EINVAL;
	if (a->base_off < 0 && a->index_off < 0)
		return -EINVAL;
	return 0;
}

int usdt_args_parse(const char *str, struct usdt_arg *args, unsigned max, unsigned *n,
		    char *pool, size_t pool_size)
{
	const char *p = str;
	size_t used = 0;
	char tok[128];

	*n = 0;
	for (;;) {
		size_t len = 0;
		int err;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return 0;
		while (p[len] && !isspace((unsigned char)p[len]))
			len++;
		if (len >= sizeof(tok))
			return -EINVAL;
		if (*n == max)
			return -E2BIG;
		memcpy(tok, p, len);
		tok[len] = '\0';
		err = usdt_arg_parse(tok, &args[*n], pool ? pool + used : NULL,
				     pool ? pool_size - used : 0);
		if (err)
			return err;
		if (args[*n].sym)
			used += strlen(args[*n].sym) + 1;
		(*n)++;
		p += len;
	}
}

int64_t usdt_arg_const_value(const struct usdt_arg *a)
{
	uint64_t v = (uint64_t)a->val;

	switch (a->size) {
	case 1:
		return a->is_signed ? (int64_t)(int8_t)v : (int64_t)(uint8_t)v;
	case 2:
		return a->is_signed ? (int64_t)(int16_t)v : (int64_t)(uint16_t)v;
	case 4:
		return a->is_signed ? (int64_t)(int32_t)v : (int64_t)(uint32_t)v;
	default:
		return (int64_t)v;
	}
}

int usdt_arg_format(const struct usdt_arg *a, char *buf, size_t size)
{
	int sz = a->is_signed ? -(int)a->size : (int)a->size;
	char disp[64] = "", idx[32] = "";

	switch (a->kind) {
	case USDT_ARG_CONST:
		return snprintf(buf, size, "%d@$%lld", sz, (long long)a->val);
	case USDT_ARG_REG:
		return snprintf(buf, size, "%d@%%%s", sz, a->base_name);
	case USDT_ARG_MEM:
		break;
	}
	if (a->sym && a->sym_disp)
		snprintf(disp, sizeof(disp), "%s%+lld", a->sym, (long long)a->sym_disp);
	else if (a->sym)
		snprintf(disp, sizeof(disp), "%s", a->sym);
	else if (a->val || (a->base_off < 0 && a->index_off < 0))
		snprintf(disp, sizeof(disp), "%lld", (long long)a->val);
	if (a->base_off < 0 && a->index_off < 0)
		return snprintf(buf, size, "%d@%s", sz, disp);
	if (a->index_off >= 0)
		snprintf(idx, sizeof(idx), ",%%%s,%u", a->index_name, a->scale);
	return snprintf(buf, size, "%d@%s(%s%s%s)", sz, disp, a->base_off >= 0 ? "%" : "",
			a->base_off >= 0 ? a->base_name : "", idx);
}

/* ---- notes ---- */

static int addr_to_off(const GElf_Phdr *ph, size_t nph, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < nph; i++) {
		if (ph[i].p_type == PT_LOAD && vaddr >= ph[i].p_vaddr &&
		    vaddr - ph[i].p_vaddr < ph[i].p_filesz) {
			*off = vaddr - ph[i].p_vaddr + ph[i].p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

struct notebuf {
	struct usdt_note *v;
	size_t n, cap;
	struct sbuf pool;     /* strings; pointers fixed up at the end */
};

static uint64_t get_addr(const unsigned char *p, bool is64)
{
	uint64_t v64;
	uint32_t v32;

	if (is64) {
		memcpy(&v64, p, 8);
		return v64;
	}
	memcpy(&v32, p, 4);
	return v32;
}

/* Pool offsets are stashed in the pointer fields until the pool stops moving. */
#define POOL_OFF(p) ((uintptr_t)(p))

static void add_note(struct notebuf *nb, const unsigned char *desc, size_t descsz, bool is64,
		     uint64_t base_addr, bool has_base, const GElf_Phdr *ph, size_t nph)
{
	size_t asz = is64 ? 8 : 4, o;
	const char *prov, *name, *args;
	struct usdt_note *n;
	char symtmp[256];

	if (descsz < 3 * asz + 3)
		return;
	prov = (const char *)desc + 3 * asz;
	o = 3 * asz + strnlen(prov, descsz - 3 * asz) + 1;
	if (o >= descsz)
		return;
	name = (const char *)desc + o;
	o += strnlen(name, descsz - o) + 1;
	args = o < descsz ? (const char *)desc + o : "";
	if (o < descsz && strnlen(args, descsz - o) == descsz - o)
		return; /* not terminated */

	if (nb->n == nb->cap) {
		nb->cap = nb->cap ? nb->cap * 2 : 16;
		nb->v = xrealloc(nb->v, nb->cap * sizeof(*nb->v));
	}
	n = &nb->v[nb->n++];
	memset(n, 0, sizeof(*n));
	n->pc = get_addr(desc, is64);
	n->base = get_addr(desc + asz, is64);
	n->sema = get_addr(desc + 2 * asz, is64);
	if (has_base && n->base)
		n->pc += base_addr - n->base;
	if (addr_to_off(ph, nph, n->pc, &n->pc_offset))
		n->pc_offset = n->pc;
	if (n->sema && addr_to_off(ph, nph, n->sema, &n->sema_offset))
		n->sema_offset = 0;

	n->provider = (const char *)POOL_OFF(nb->pool.len);
	sbuf_put(&nb->pool, prov, strlen(prov) + 1);
	n->name = (const char *)POOL_OFF(nb->pool.len);
	sbuf_put(&nb->pool, name, strlen(name) + 1);
	n->args_str = (const char *)POOL_OFF(nb->pool.len);
	sbuf_put(&nb->pool, args, strlen(args) + 1);

	n->args_err = usdt_args_parse(args, n->args, USDT_MAX_ARGS, &n->n_args, symtmp,
				      sizeof(symtmp));
	if (n->args_err) {
		n->n_args = 0;
		return;
	}
	/* move the rip-relative symbol names into the pool */
	for (unsigned i = 0; i < n->n_args; i++) {
		if (!n->args[i].sym)
			continue;
		size_t len = strlen(n->args[i].sym) + 1;

		sbuf_put(&nb->pool, n->args[i].sym, len);
		n->args[i].sym = (const char *)POOL_OFF(nb->pool.len - len);
	}
}

/* "sym(%rip)" operands: the symbol's address relative to the probe's pc. */
static void resolve_ip_relative(struct usdt_notes *ns)
{
	struct uelf *e = NULL;
	bool tried = false;

	for (size_t i = 0; i < ns->n; i++) {
		struct usdt_note *n = &ns->v[i];

		for (unsigned k = 0; k < n->n_args; k++) {
			struct usdt_arg *a = &n->args[k];
			const struct uelf_sym *s;

			if (!a->sym)
				continue;
			if (!tried) {
				tried = true;
				if (uelf_open(ns->path, &e))
					e = NULL;
			}
			s = e ? uelf_sym_by_name(e, a->sym) : NULL;
			if (!s || a->index_off >= 0 ||
			    a->base_off != usdt_reg_offset("rip", NULL)) {
				n->args_err = -ENOENT;
				continue;
			}
			a->val += (int64_t)(s->addr - n->pc);
			a->is_ip_relative = true;
		}
	}
	uelf_free(e);
}

int usdt_notes_read(const char *path, struct usdt_notes **out)
{
	unsigned char magic[SELFMAG];
	struct notebuf nb = { 0 };
	struct usdt_notes *ns;
	GElf_Phdr *ph = NULL;
	size_t nph = 0, shstrndx, i;
	uint64_t base_addr = 0;
	bool has_base = false, is64;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	Elf *elf;
	int fd, err = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG) != 0) {
		close(fd);
		return -ENOEXEC;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0 || elf_getphdrnum(elf, &nph) != 0) {
		err = -EINVAL;
		goto out_elf;
	}
	is64 = gelf_getclass(elf) == ELFCLASS64;
	ph = xcalloc(nph ? nph : 1, sizeof(*ph));
	for (i = 0; i < nph; i++)
		if (!gelf_getphdr(elf, (int)i, &ph[i]))
			ph[i].p_type = PT_NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *sname;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sname && strcmp(sname, ".stapsdt.base") == 0) {
			base_addr = sh.sh_addr;
			has_base = true;
		}
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((const char *)data->d_buf + name_off, "stapsdt", 8) != 0)
				continue;
			add_note(&nb, (const unsigned char *)data->d_buf + desc_off, nh.n_descsz,
				 is64, base_addr, has_base, ph, nph);
		}
	}

	ns = xcalloc(1, sizeof(*ns));
	ns->path = xstrdup(path);
	ns->v = nb.v;
	ns->n = nb.n;
	ns->strpool = nb.pool.s;
	for (i = 0; i < ns->n; i++) {
		struct usdt_note *n = &ns->v[i];

		n->provider = ns->strpool + POOL_OFF(n->provider);
		n->name = ns->strpool + POOL_OFF(n->name);
		n->args_str = ns->strpool + POOL_OFF(n->args_str);
		for (unsigned k = 0; k < n->n_args; k++)
			if (n->args[k].sym)
				n->args[k].sym = ns->strpool + POOL_OFF(n->args[k].sym);
	}
	resolve_ip_relative(ns);
	*out = ns;
out_elf:
	free(ph);
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

void usdt_notes_free(struct usdt_notes *ns)
{
	if (!ns)
		return;
	free(ns->path);
	free(ns->v);
	free(ns->strpool);
	free(ns);
}

static bool note_matches(const struct usdt_note *n, const char *provider_glob,
			 const char *name_glob)
{
	return (!provider_glob || uelf_glob_match(provider_glob, n->provider)) &&
	       (!name_glob || uelf_glob_match(name_glob, n->name));
}

size_t usdt_notes_match(const struct usdt_notes *ns, const char *provider_glob,
			const char *name_glob, struct ptrvec *out)
{
	size_t i, cnt = 0;

	for (i = 0; i < ns->n; i++) {
		if (!note_matches(&ns->v[i], provider_glob, name_glob))
			continue;
		ptrvec_push(out, (void *)&ns->v[i]);
		cnt++;
	}
	return cnt;
}

size_t usdt_notes_names(const struct usdt_notes *ns, const char *provider_glob,
			const char *name_glob, struct strvec *out)
{
	struct strvec tmp = { 0 };
	size_t i, cnt = 0;

	for (i = 0; i < ns->n; i++)
		if (note_matches(&ns->v[i], provider_glob, name_glob))
			strvec_push_owned(&tmp, xasprintf("%s:%s", ns->v[i].provider,
							  ns->v[i].name));
	strvec_sort(&tmp);
	for (i = 0; i < tmp.n; i++) {
		if (i && strcmp(tmp.v[i], tmp.v[i - 1]) == 0)
			continue;
		strvec_push(out, tmp.v[i]);
		cnt++;
	}
	strvec_fini(&tmp);
	return cnt;
}
