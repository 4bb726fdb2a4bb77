/* output_format.c — bpftrace's printf (also used by errorf, warnf, system, cat).
 *
 * A conversion is "%[-][+][ ][#][0][width|*][.precision|*][hlLjzt...]spec" with
 * the flags in exactly that order; anything else after a '%' is copied as text.
 * spec is one of d i o u x X e E f F G a A c s p n %, or gr, g, rh, rx, r.
 * "%%" (with any flags) prints '%' and takes no argument.
 *
 * bpftrace applies a conversion by setting iostream state and streaming the
 * value, which gives these rules (all reproduced here):
 *   - the space flag, '*' and the precision of non-float conversions are ignored;
 *   - '0' pads with zeros on the left of everything, sign included ("000-5");
 *     with '-' the zeros go on the right;
 *   - %d %i cast the value to int (hh: char, h: short, l/ll/j/z/t: 64 bits) and
 *     print it signed; %u %o %x %X cast to unsigned int (hh, h, l... likewise)
 *     and print unsigned, so %x of 0x12345678abcdef is 78abcdef;
 *   - '#' adds 0x / 0X / 0 to non-zero values; '+' signs signed decimals only;
 *   - %c prints the low byte as a character, %p prints 0x<hex> (0 for null);
 *   - %s prints any value as print() would (enums by name, tuples, structs);
 *   - %r prints buffers with \xNN escapes, %rx escapes every byte, %rh prints
 *     space-separated hex; on non-buffers they act as %s. */
#include <string.h>

#include "runtime/output.h"
#include "runtime/output_int.h"

struct spec {
	bool left, plus, space, alt, zero;
	int width;      /* 0 = none */
	int precision;  /* -1 = none */
	char len[8];    /* length modifier as written, truncated */
	char conv[3];   /* "d", "rx", "%", ... */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses a conversion at @s (just after the '%'). Returns the number of bytes
 * consumed after the '%', or 0 if @s does not start a conversion. */
static size_t parse_spec(const char *s, struct spec *sp)
{
	const char *p = s;
	size_t nl = 0;
	long v;

	memset(sp, 0, sizeof(*sp));
	sp->precision = -1;
	if (*p == '-')
		sp->left = true, p++;
	if (*p == '+')
		sp->plus = true, p++;
	if (*p == ' ')
		sp->space = true, p++;
	if (*p == '#')
		sp->alt = true, p++;
	if (*p == '0')
		sp->zero = true, p++;
	if (*p == '*') {
		p++;
	} else if (is_digit(*p)) {
		v = 0;
		while (is_digit(*p)) {
			if (v < 100000000)
				v = v * 10 + (*p - '0');
			p++;
		}
		sp->width = (int)v;
	}
	if (*p == '.' && (p[1] == '*' || is_digit(p[1]))) {
		p++;
		if (*p == '*') {
			p++;
		} else {
			v = 0;
			while (is_digit(*p)) {
				if (v < 100000000)
					v = v * 10 + (*p - '0');
				p++;
			}
			sp->precision = (int)v;
		}
	}
	while (*p && strchr("hlLjzt", *p)) {
		if (nl < sizeof(sp->len) - 1)
			sp->len[nl++] = *p;
		else
			sp->len[0] = '?'; /* too long to be a known modifier */
		p++;
	}
	sp->len[nl] = 0;
	if (*p && strchr("diouxXeEfFGaAcspn%", *p)) {
		sp->conv[0] = *p++;
	} else if (p[0] == 'g' && p[1] == 'r') {
		memcpy(sp->conv, "gr", 3);
		p += 2;
	} else if (p[0] == 'g') {
		sp->conv[0] = *p++;
	} else if (p[0] == 'r' && (p[1] == 'h' || p[1] == 'x')) {
		sp->conv[0] = 'r';
		sp->conv[1] = p[1];
		p += 2;
	} else if (p[0] == 'r') {
		sp->conv[0] = *p++;
	} else {
		return 0;
	}
	return (size_t)(p - s);
}

/* The integer width and signedness of the C++ cast a length modifier selects.
 * @is_signed_conv: %d %i %c (signed casts) vs %u %o %x %X (unsigned casts). */
static uint64_t apply_cast(uint64_t v, const char *len, bool is_signed_conv, bool *out_signed)
{
	unsigned bits = 32;
	bool sgn = is_signed_conv;

	if (!strcmp(len, "hh"))
		bits = 8;
	else if (!strcmp(len, "h"))
		bits = 16;
	else if (!strcmp(len, "l") || !strcmp(len, "ll") || !strcmp(len, "j") ||
		 !strcmp(len, "z"))
		bits = 64;
	else if (!strcmp(len, "t"))
		bits = 64, sgn = true; /* ptrdiff_t even for unsigned conversions */
	*out_signed = sgn;
	if (bits == 64)
		return v;
	v &= (1ULL << bits) - 1;
	if (sgn && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return v;
}

/* %gr: GFP allocation flags by name, the kernel's compound names first
 * (the order of its trace output), leftover bits in hex. */
static void gfp_flags(struct sbuf *b, uint64_t v)
{
#define GFP_B(n) (1ULL << (n))
	enum {
		DMA = 0, HIGHMEM, DMA32, MOVABLE, RECLAIMABLE, HIGH, IO, FS, ZERO, UNUSED,
		DIRECT_RECLAIM, KSWAPD_RECLAIM, WRITE, NOWARN, RETRY_MAYFAIL, NOFAIL, NORETRY,
		MEMALLOC, COMP, NOMEMALLOC, HARDWALL, THISNODE, ACCOUNT, ZEROTAGS, SKIP_ZERO,
		SKIP_KASAN, NO_OBJ_EXT,
	};
	const uint64_t reclaim = GFP_B(DIRECT_RECLAIM) | GFP_B(KSWAPD_RECLAIM);
	const uint64_t kernel = reclaim | GFP_B(IO) | GFP_B(FS);
	const uint64_t noio = reclaim, nofs = noio | GFP_B(IO);
	const uint64_t user = nofs | GFP_B(FS) | GFP_B(HARDWALL);
	const uint64_t highuser = user | GFP_B(HIGHMEM);
	const uint64_t movable = highuser | GFP_B(MOVABLE) | GFP_B(SKIP_KASAN);
	const uint64_t th_light = (movable | GFP_B(COMP) | GFP_B(NOMEMALLOC) | GFP_B(NOWARN)) & ~reclaim;
	const struct { uint64_t mask; const char *name; } names[] = {
		{ th_light | GFP_B(DIRECT_RECLAIM), "GFP_TRANSHUGE" },
		{ th_light, "GFP_TRANSHUGE_LIGHT" },
		{ movable, "GFP_HIGHUSER_MOVABLE" },
		{ highuser, "GFP_HIGHUSER" },
		{ user, "GFP_USER" },
		{ kernel | GFP_B(ACCOUNT), "GFP_KERNEL_ACCOUNT" },
		{ kernel, "GFP_KERNEL" },
		{ nofs, "GFP_NOFS" },
		{ GFP_B(HIGH) | GFP_B(KSWAPD_RECLAIM), "GFP_ATOMIC" },
		{ noio, "GFP_NOIO" },
		{ GFP_B(KSWAPD_RECLAIM) | GFP_B(NOWARN), "GFP_NOWAIT" },
		{ GFP_B(DMA), "GFP_DMA" },
		{ GFP_B(HIGHMEM), "__GFP_HIGHMEM" },
		{ GFP_B(DMA32), "GFP_DMA32" },
		{ GFP_B(HIGH), "__GFP_HIGH" },
		{ GFP_B(IO), "__GFP_IO" },
		{ GFP_B(FS), "__GFP_FS" },
		{ GFP_B(ZERO), "__GFP_ZERO" },
		{ GFP_B(DIRECT_RECLAIM), "__GFP_DIRECT_RECLAIM" },
		{ GFP_B(KSWAPD_RECLAIM), "__GFP_KSWAPD_RECLAIM" },
		{ GFP_B(WRITE), "__GFP_WRITE" },
		{ GFP_B(NOWARN), "__GFP_NOWARN" },
		{ GFP_B(RETRY_MAYFAIL), "__GFP_RETRY_MAYFAIL" },
		{ GFP_B(NOFAIL), "__GFP_NOFAIL" },
		{ GFP_B(NORETRY), "__GFP_NORETRY" },
		{ GFP_B(MEMALLOC), "__GFP_MEMALLOC" },
		{ GFP_B(COMP), "__GFP_COMP" },
		{ GFP_B(NOMEMALLOC), "__GFP_NOMEMALLOC" },
		{ GFP_B(HARDWALL), "__GFP_HARDWALL" },
		{ GFP_B(THISNODE), "__GFP_THISNODE" },
		{ GFP_B(ACCOUNT), "__GFP_ACCOUNT" },
		{ GFP_B(ZEROTAGS), "__GFP_ZEROTAGS" },
		{ GFP_B(SKIP_ZERO), "__GFP_SKIP_ZERO" },
		{ GFP_B(SKIP_KASAN), "__GFP_SKIP_KASAN" },
		{ GFP_B(NO_OBJ_EXT), "__GFP_NO_OBJ_EXT" },
	};
	bool first = true;
#undef GFP_B

	if (!v) {
		sbuf_puts(b, "0");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((v & names[i].mask) != names[i].mask)
			continue;
		if (!first)
			sbuf_putc(b, '|');
		sbuf_puts(b, names[i].name);
		v &= ~names[i].mask;
		first = false;
	}
	if (v)
		sbuf_printf(b, "%s0x%llx", first ? "" : "|", (unsigned long long)v);
}

static void format_one(struct sbuf *b, const struct spec *sp, const struct type *t,
		       const void *data, const struct out_sym *sym)
{
	struct out_os os;
	uint64_t v;
	enum out_prim prim = out_numeric(t, data, &v);
	char c = sp->conv[0];
	bool is_float = strchr("fFeEgGaA", c) && !sp->conv[1];

	out_os_init(&os);
	os.left = sp->left;
	os.width = sp->width;
	if (sp->zero)
		os.fill = '0';
	if (is_float && sp->precision >= 0) {
		os.precision = sp->precision;
		if (c == 'f' || c == 'F')
			os.floatfield = 1;
		else if (c == 'e' || c == 'E')
			os.floatfield = 2;
	}
	if (c == 'o' && !sp->conv[1]) {
		os.base = 8;
	} else if (c == 'x' && !sp->conv[1]) {
		os.base = 16;
	} else if (c == 'X') {
		os.base = 16;
		os.upper = true;
	}
	os.showbase = sp->alt;
	os.showpos = sp->plus;

	bool is_num = prim == OUT_PRIM_INT || prim == OUT_PRIM_UINT || prim == OUT_PRIM_BOOL ||
		      prim == OUT_PRIM_SYM;

	if (c == 'g' && sp->conv[1] == 'r' && (prim == OUT_PRIM_INT || prim == OUT_PRIM_UINT ||
					       prim == OUT_PRIM_SYM)) {
		struct sbuf tmp = { 0 };

		gfp_flags(&tmp, v);
		out_os_str(b, &os, tmp.s ? tmp.s : "", tmp.len);
		sbuf_fini(&tmp);
		return;
	}

	if (!sp->conv[1] && strchr("diuoxXc", c)) {
		bool sgn;
		uint64_t x;

		if (!is_num) {
			sbuf_puts(b, "!{invalid integer conversion: ");
			struct out_os plain;

			out_os_init(&plain);
			out_emit(b, &plain, t, data, sym, 1);
			sbuf_puts(b, "}");
			return;
		}
		x = apply_cast(v, sp->len, c == 'd' || c == 'i' || c == 'c', &sgn);
		if (c == 'c') {
			char ch = (char)x;

			out_os_str(b, &os, &ch, 1);
		} else if (c == 'd' || c == 'i') {
			out_os_int(b, &os, x, true);
		} else {
			out_os_int(b, &os, x, false);
		}
		return;
	}
	if (c == 'p' && !sp->conv[1]) {
		if (!is_num) {
			sbuf_puts(b, "!{invalid integer conversion: ");
			struct out_os plain;

			out_os_init(&plain);
			out_emit(b, &plain, t, data, sym, 1);
			sbuf_puts(b, "}");
			return;
		}
		os.base = 16;
		os.upper = false;
		os.showbase = true;
		out_os_int(b, &os, v, false);
		return;
	}
	if (is_float) {
		double d;

		if (!is_num) {
			sbuf_puts(b, "!{invalid integer conversion: ");
			struct out_os plain;

			out_os_init(&plain);
			out_emit(b, &plain, t, data, sym, 1);
			sbuf_puts(b, "}");
			return;
		}
		if (prim == OUT_PRIM_INT)
			d = (double)(int64_t)v;
		else
			d = (double)v;
		out_os_double(b, &os, d);
		return;
	}
	if (c == 'r' && prim == OUT_PRIM_BUFFER) {
		struct sbuf tmp = { 0 };
		uint32_t len = (uint32_t)out_load_u(data, 4);
		uint32_t cap = t->size >= 4 ? t->size - 4 : 0;

		if (len > cap)
			len = cap;
		out_hexbuf(&tmp, (const char *)data + 4, len, sp->conv[1] == 0,
			   sp->conv[1] != 'h');
		out_os_str(b, &os, tmp.s ? tmp.s : "", tmp.len);
		sbuf_fini(&tmp);
		return;
	}
	/* %s, %r on non-buffers, %gr, %g, %n: the value as print() shows it */
	out_emit(b, &os, t, data, sym, 1);
}

void out_format(struct sbuf *b, const char *fmt, const struct type *args, const void *payload,
		const struct out_sym *sym)
{
	const char *p = fmt;
	uint32_t argi = 0;
	struct spec sp;

	while (*p) {
		const char *q = strchr(p, '%');
		size_t n;

		if (!q) {
			sbuf_puts(b, p);
			break;
		}
		sbuf_put(b, p, (size_t)(q - p));
		n = parse_spec(q + 1, &sp);
		if (!n) {
			sbuf_putc(b, '%');
			p = q + 1;
			continue;
		}
		p = q + 1 + n;
		if (sp.conv[0] == '%') {
			sbuf_putc(b, '%');
			continue;
		}
		if (args && argi < args->n_fields) {
			const struct type_field *f = &args->fields[argi];

			format_one(b, &sp, f->type, (const char *)payload + f->offset, sym);
		}
		argi++;
	}
}
