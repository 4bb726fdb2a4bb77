/* elf_syms.c — reads the symbol tables and program headers of a user-space
 * ELF file with libelf (see uelf.h for the contract).
 *
 * Both .symtab and .dynsym are read; a symbol present in both (same name and
 * address) is kept once. Undefined symbols, section/file symbols, TLS symbols
 * and symbols at address 0 are dropped: none of them can be probed or name a
 * code address. The file is closed before uelf_open() returns; names are
 * copied into one string pool owned by the struct uelf. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/uelf.h"
#include "util/util.h"

const char *uelf_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == ENOEXEC)
		return "not an ELF file";
	if (err == EINVAL)
		return "malformed ELF file";
	return strerror(err);
}

bool uelf_is_elf(const char *path)
{
	unsigned char magic[SELFMAG];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool is_elf;

	if (fd < 0)
		return false;
	is_elf = read(fd, magic, SELFMAG) == SELFMAG && memcmp(magic, ELFMAG, SELFMAG) == 0;
	close(fd);
	return is_elf;
}

/* Smaller is preferred as the name of an address. */
static int sym_rank(const struct uelf_sym *s)
{
	int r = 0;

	if (s->type != STT_FUNC && s->type != STT_GNU_IFUNC)
		r += 8;
	if (s->is_hidden)
		r += 4;
	if (s->bind == STB_WEAK)
		r += 1;
	else if (s->bind != STB_GLOBAL)
		r += 2;
	return r;
}

static int cmp_addr(const void *pa, const void *pb)
{
	const struct uelf_sym *a = pa, *b = pb;
	int ra, rb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	ra = sym_rank(a);
	rb = sym_rank(b);
	if (ra != rb)
		return ra - rb;
	return strcmp(a->name, b->name);
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct uelf_sym *a = *(const struct uelf_sym *const *)pa;
	const struct uelf_sym *b = *(const struct uelf_sym *const *)pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	c = sym_rank(a) - sym_rank(b);
	if (c)
		return c;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Temporary symbol list: names as offsets into a growing pool. */
struct symbuf {
	struct uelf_sym *v; /* name holds (const char *)(uintptr_t)pool offset */
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
};

static void symbuf_add(struct symbuf *sb, const char *name, const GElf_Sym *s, bool hidden)
{
	size_t len = strlen(name) + 1;
	struct uelf_sym *u;

	if (sb->pool_len + len > sb->pool_cap) {
		sb->pool_cap = (sb->pool_cap + len) * 2;
		sb->pool = xrealloc(sb->pool, sb->pool_cap);
	}
	memcpy(sb->pool + sb->pool_len, name, len);
	if (sb->n == sb->cap) {
		sb->cap = sb->cap ? sb->cap * 2 : 256;
		sb->v = xrealloc(sb->v, sb->cap * sizeof(*sb->v));
	}
	u = &sb->v[sb->n++];
	u->name = (const char *)(uintptr_t)sb->pool_len;
	u->addr = s->st_value;
	u->size = s->st_size;
	u->type = GELF_ST_TYPE(s->st_info);
	u->bind = GELF_ST_BIND(s->st_info);
	u->is_hidden = hidden;
	sb->pool_len += len;
}

/* @versym: the .gnu.version data for .dynsym, or NULL. */
static void read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, Elf_Data *versym,
			struct symbuf *sb)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;

	if (!data || !sh->sh_entsize)
		return;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(data, (int)i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT &&
		    type != STT_NOTYPE)
			continue;
		if (s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS || s.st_value == 0)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		/* local assembler labels and mapping symbols carry no information */
		if (type == STT_NOTYPE && (name[0] == '.' || name[0] == '$'))
			continue;
		GElf_Versym vs = 0;

		if (versym && !gelf_getversym(versym, (int)i, &vs))
			vs = 0;
		symbuf_add(sb, name, &s, (vs & 0x8000) != 0);
	}
}

static void read_notes(Elf_Scn *scn, struct uelf *e)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!data)
		return;
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((const char *)data->d_buf + name_off, "GNU", 4) == 0 &&
		    nh.n_descsz <= sizeof(e->build_id)) {
			memcpy(e->build_id, (const char *)data->d_buf + desc_off, nh.n_descsz);
			e->build_id_len = nh.n_descsz;
		}
	}
}

static int read_elf(Elf *elf, struct uelf *e)
{
	struct symbuf sb = { 0 };
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;
	Elf_Data *versym = NULL;
	size_t shstrndx, nph, i, j;

	if (!gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return -EINVAL;
	e->e_type = eh.e_type;
	e->e_machine = eh.e_machine;

	if (elf_getphdrnum(elf, &nph) != 0)
		return -EINVAL;
	e->segs = xcalloc(nph ? nph : 1, sizeof(*e->segs));
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		e->segs[e->n_segs++] = (struct uelf_seg){
			.vaddr = ph.p_vaddr, .memsz = ph.p_memsz,
			.offset = ph.p_offset, .filesz = ph.p_filesz, .flags = ph.p_flags,
		};
	}

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_GNU_versym)
			versym = elf_getdata(scn, NULL);
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *sname;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			e->has_symtab = true;
			read_symtab(elf, scn, &sh, NULL, &sb);
		} else if (sh.sh_type == SHT_DYNSYM) {
			e->has_dynsym = true;
			read_symtab(elf, scn, &sh, versym, &sb);
		} else if (sh.sh_type == SHT_NOTE) {
			read_notes(scn, e);
		} else if (sname && strcmp(sname, ".gnu_debuglink") == 0) {
			Elf_Data *d = elf_getdata(scn, NULL);

			if (d && d->d_size > 0)
				e->debuglink = xstrdup(strndupa(d->d_buf, d->d_size));
		}
	}

	/* names become real pointers now that the pool stops moving */
	e->strpool = sb.pool;
	for (i = 0; i < sb.n; i++)
		sb.v[i].name = sb.pool + (uintptr_t)sb.v[i].name;
	if (sb.n)
		qsort(sb.v, sb.n, sizeof(*sb.v), cmp_addr);
	/* drop exact duplicates (.symtab and .dynsym both list exported symbols) */
	for (i = 0, j = 0; i < sb.n; i++) {
		if (j && sb.v[j - 1].addr == sb.v[i].addr &&
		    strcmp(sb.v[j - 1].name, sb.v[i].name) == 0) {
			if (!sb.v[j - 1].size)
				sb.v[j - 1].size = sb.v[i].size;
			continue;
		}
		sb.v[j++] = sb.v[i];
	}
	e->syms = sb.v;
	e->n_syms = j;
	e->by_name = xcalloc(j ? j : 1, sizeof(*e->by_name));
	for (i = 0; i < j; i++)
		e->by_name[i] = &e->syms[i];
	if (j)
		qsort(e->by_name, j, sizeof(*e->by_name), cmp_name);
	return 0;
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* ZIP layout used here: the end-of-central-directory record (signature
 * PK\5\6, within the last 64 KiB + 22 bytes) gives the central directory's
 * offset and entry count; each central entry (PK\1\2) gives the method,
 * sizes, name and the offset of its local header (PK\3\4), after which
 * (30 bytes + name + extra) the data starts. ZIP64 is not handled. */
int uelf_zip_entry(const char *archive, const char *name, uint64_t *off, uint64_t *size)
{
	unsigned char *tail = NULL, hdr[46], lh[30];
	size_t name_len = strlen(name), tail_len;
	uint64_t cd_off = 0, pos;
	uint32_t n_entries = 0, i;
	struct stat st;
	int fd, err = -ENOEXEC;
	ssize_t k;

	fd = open(archive, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size < 22)
		goto out;
	tail_len = (size_t)(st.st_size < 65535 + 22 ? st.st_size : 65535 + 22);
	tail = xmalloc(tail_len);
	if (pread(fd, tail, tail_len, st.st_size - (off_t)tail_len) != (ssize_t)tail_len)
		goto out;
	for (k = (ssize_t)tail_len - 22; k >= 0; k--) {
		if (memcmp(tail + k, "PK\5\6", 4) == 0) {
			n_entries = le16(tail + k + 10);
			cd_off = le32(tail + k + 16);
			break;
		}
	}
	if (k < 0)
		goto out;
	err = -ENOENT;
	pos = cd_off;
	for (i = 0; i < n_entries; i++) {
		uint32_t nlen, xlen, clen;
		char ename[4096];

		if (pread(fd, hdr, sizeof(hdr), (off_t)pos) != sizeof(hdr) ||
		    memcmp(hdr, "PK\1\2", 4) != 0)
			break;
		nlen = le16(hdr + 28);
		xlen = le16(hdr + 30);
		clen = le16(hdr + 32);
		if (nlen == name_len && nlen < sizeof(ename) &&
		    pread(fd, ename, nlen, (off_t)(pos + 46)) == (ssize_t)nlen &&
		    memcmp(ename, name, nlen) == 0) {
			uint64_t lh_off = le32(hdr + 42);

			if (le16(hdr + 10) != 0 || pread(fd, lh, sizeof(lh), (off_t)lh_off) !=
							   sizeof(lh) ||
			    memcmp(lh, "PK\3\4", 4) != 0) {
				err = -ENOEXEC;
				break;
			}
			*off = lh_off + 30 + le16(lh + 26) + le16(lh + 28);
			*size = le32(hdr + 24);
			err = 0;
			break;
		}
		pos += 46 + nlen + xlen + clen;
	}
out:
	free(tail);
	close(fd);
	return err;
}

/* "archive.zip!/inner": reads the stored entry into memory and parses it. */
static int open_in_archive(const char *path, struct uelf **out)
{
	const char *sep = strstr(path, "!/");
	char *archive;
	uint64_t off = 0, size = 0;
	unsigned char *buf = NULL;
	struct uelf *e;
	Elf *elf;
	int fd, err;

	if (!sep)
		return -ENOENT;
	archive = strndup(path, (size_t)(sep - path));
	err = uelf_zip_entry(archive, sep + 2, &off, &size);
	if (err)
		goto out;
	err = -ENOEXEC;
	fd = open(archive, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	buf = xmalloc(size ? size : 1);
	if (size < SELFMAG || pread(fd, buf, size, (off_t)off) != (ssize_t)size ||
	    memcmp(buf, ELFMAG, SELFMAG) != 0) {
		close(fd);
		goto out;
	}
	close(fd);
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		err = -EINVAL;
		goto out;
	}
	e = xcalloc(1, sizeof(*e));
	e->path = xstrdup(path);
	e->attach_path = archive;
	archive = NULL;
	e->archive_offset = off;
	err = read_elf(elf, e);
	elf_end(elf);
	if (err) {
		uelf_free(e);
		goto out;
	}
	for (size_t i = 0; i < e->n_segs; i++)
		e->segs[i].offset += off;
	*out = e;
out:
	free(buf);
	free(archive);
	return err;
}

int uelf_open(const char *path, struct uelf **out)
{
	unsigned char magic[SELFMAG];
	struct uelf *e;
	Elf *elf;
	int fd, err;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT && strstr(path, "!/"))
			return open_in_archive(path, out);
		return err;
	}
	if (pread(fd, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG) != 0) {
		close(fd);
		return -ENOEXEC;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return -EINVAL;
	}
	e = xcalloc(1, sizeof(*e));
	e->path = xstrdup(path);
	e->attach_path = xstrdup(path);
	err = read_elf(elf, e);
	elf_end(elf);
	close(fd);
	if (err) {
		uelf_free(e);
		return err;
	}
	*out = e;
	return 0;
}

void uelf_free(struct uelf *e)
{
	if (!e)
		return;
	free(e->path);
	free(e->attach_path);
	free(e->syms);
	free(e->by_name);
	free(e->segs);
	free(e->debuglink);
	free(e->strpool);
	free(e);
}

static bool is_func(const struct uelf_sym *s)
{
	return s->type == STT_FUNC || s->type == STT_GNU_IFUNC;
}

const struct uelf_sym *uelf_sym_by_name(const struct uelf *e, const char *name)
{
	size_t lo = 0, hi = e->n_syms;

	/* first entry with that name; entries with one name are sorted by rank */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(e->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n_syms && strcmp(e->by_name[lo]->name, name) == 0)
		return e->by_name[lo];
	return NULL;
}

static bool contains(const struct uelf_sym *s, uint64_t vaddr)
{
	if (s->size == 0)
		return s->addr == vaddr;
	return vaddr >= s->addr && vaddr - s->addr < s->size;
}

const struct uelf_sym *uelf_sym_by_addr(const struct uelf *e, uint64_t vaddr)
{
	size_t lo = 0, hi = e->n_syms, i, steps;

	/* lo = number of symbols with addr <= vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* Step back to the first (preferred) symbol of the nearest address, then
	 * to earlier, larger symbols that may still enclose vaddr. */
	i = lo - 1;
	while (i > 0 && e->syms[i - 1].addr == e->syms[i].addr)
		i--;
	for (steps = 0; steps < 64; steps++) {
		size_t k;

		for (k = i; k < e->n_syms && e->syms[k].addr == e->syms[i].addr; k++)
			if (contains(&e->syms[k], vaddr))
				return &e->syms[k];
		if (i == 0)
			break;
		i--;
		while (i > 0 && e->syms[i - 1].addr == e->syms[i].addr)
			i--;
	}
	return NULL;
}

static bool class_match(const char **pp, char c)
{
	const char *p = *pp;
	bool neg = false, hit = false;

	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	/* a ']' right after '[' (or '[!') is a literal */
	if (*p == ']') {
		hit = c == ']';
		p++;
	}
	while (*p && *p != ']') {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if ((unsigned char)c >= (unsigned char)p[0] &&
			    (unsigned char)c <= (unsigned char)p[2])
				hit = true;
			p += 3;
		} else {
			if (*p == c)
				hit = true;
			p++;
		}
	}
	if (*p == ']')
		p++;
	*pp = p;
	return hit != neg;
}

bool uelf_glob_match(const char *pat, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	while (*s) {
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			if (!*pat)
				return true;
			star_p = pat;
			star_s = s;
			continue;
		}
		if (*pat == '?') {
			pat++;
			s++;
			continue;
		}
		if (*pat == '[' && strchr(pat + 1, ']')) {
			const char *p = pat + 1;

			if (class_match(&p, *s)) {
				pat = p;
				s++;
				continue;
			}
		} else {
			const char *p = pat;

			if (*p == '\\' && p[1])
				p++;
			if (*p && *p == *s) {
				pat = p + 1;
				s++;
				continue;
			}
		}
		if (!star_p)
			return false;
		/* backtrack: let the last '*' swallow one more character */
		pat = star_p;
		s = ++star_s;
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

size_t uelf_match_funcs(const struct uelf *e, const char *glob, struct strvec *out)
{
	const char *last = NULL;
	size_t i, n = 0;

	for (i = 0; i < e->n_syms; i++) {
		const struct uelf_sym *s = e->by_name[i];

		if (!is_func(s))
			continue;
		if (last && strcmp(last, s->name) == 0)
			continue;
		if (glob && !uelf_glob_match(glob, s->name))
			continue;
		strvec_push(out, s->name);
		last = s->name;
		n++;
	}
	return n;
}

int uelf_vaddr_to_offset(const struct uelf *e, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < e->n_segs; i++) {
		const struct uelf_seg *g = &e->segs[i];

		if (vaddr >= g->vaddr && vaddr - g->vaddr < g->filesz) {
			*off = vaddr - g->vaddr + g->offset;
			return 0;
		}
	}
	return -ENOENT;
}

int uelf_offset_to_vaddr(const struct uelf *e, uint64_t off, uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < e->n_segs; i++) {
		const struct uelf_seg *g = &e->segs[i];

		if (off >= g->offset && off - g->offset < g->filesz) {
			*vaddr = off - g->offset + g->vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

int uelf_resolve_func(const struct uelf *e, const char *func, uint64_t func_off,
		      uint64_t *file_off, const struct uelf_sym **symp)
{
	const struct uelf_sym *s = uelf_sym_by_name(e, func);
	uint64_t off;

	if (symp)
		*symp = s;
	if (!s)
		return -ENOENT;
	if (s->size == 0 ? func_off != 0 : func_off >= s->size)
		return -ERANGE;
	if (uelf_vaddr_to_offset(e, s->addr + func_off, &off))
		return -EFAULT;
	*file_off = off;
	return 0;
}

int uelf_resolve_addr(const struct uelf *e, uint64_t vaddr, uint64_t *file_off,
		      const struct uelf_sym **symp)
{
	const struct uelf_sym *s = uelf_sym_by_addr(e, vaddr);

	if (symp)
		*symp = s && is_func(s) ? s : NULL;
	if (uelf_vaddr_to_offset(e, vaddr, file_off))
		return -EFAULT;
	return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int uelf_parse_func(const char *spec, char *name, size_t name_size, uint64_t *off,
		    bool *is_addr, uint64_t *addr)
{
	const char *plus;
	size_t len;

	*off = 0;
	*is_addr = false;
	*addr = 0;
	if (name_size)
		name[0] = '\0';
	if (!*spec)
		return -EINVAL;
	if (spec[0] >= '0' && spec[0] <= '9') {
		if (parse_u64(spec, addr))
			return -EINVAL;
		*is_addr = true;
		return 0;
	}
	plus = strrchr(spec, '+');
	len = plus ? (size_t)(plus - spec) : strlen(spec);
	if (len == 0 || len + 1 > name_size)
		return -EINVAL;
	if (plus && parse_u64(plus + 1, off))
		return -EINVAL;
	memcpy(name, spec, len);
	name[len] = '\0';
	return 0;
}
