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
