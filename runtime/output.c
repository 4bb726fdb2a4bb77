/* output.c — values as text, the way bpftrace v0.26.1 prints them.
 *
 * A value is a (type, bytes) pair laid out per ast/type.h. out_emit() streams it
 * with an iostream-like state (struct out_os) because bpftrace's printf passes
 * its flags to the value through stream state: "%5s" pads the first token of a
 * tuple, "%+s" shows the sign of every integer in it. Without flags (print(),
 * map printing) the state is the default one.
 *
 * Shapes: integers in decimal; bool true/false; strings up to the first NUL with
 * the truncation trailer when they fill their buffer; buffers with printable
 * bytes as-is and others as \xNN; pointers 0x<hex>; enums by name (number when
 * unknown); tuples "(1, abc)"; records and structs "{ .a = 1 }" ("{}" when
 * empty); arrays "[1,2,3]" (no spaces); stats "{ .count = 3, .average = 2,
 * .total = 6 }". Symbols, stacks and user names come from struct out_sym.
 *
 * No libbpf and no syscalls here (localtime_r reads the time zone once). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "runtime/output.h"
#include "runtime/output_int.h"
#include "util/sysnames.h"

uint64_t out_load_u(const void *p, uint32_t size)
{
	const uint8_t *c = p;
	uint64_t v = 0;

	if (size > 8)
		size = 8;
	for (uint32_t i = 0; i < size; i++)
		v |= (uint64_t)c[i] << (8 * i);
	return v;
}

int64_t out_load_s(const void *p, uint32_t size)
{
	uint64_t v = out_load_u(p, size);

	if (size == 0)
		return 0;
	if (size < 8) {
		unsigned sh = 64 - 8 * size;
		return (int64_t)(v << sh) >> sh;
	}
	return (int64_t)v;
}

/* ---- stream state ---- */

void out_os_init(struct out_os *os)
{
	memset(os, 0, sizeof(*os));
	os->fill = ' ';
	os->base = 10;
	os->precision = -1;
}

void out_os_str(struct sbuf *b, struct out_os *os, const char *s, size_t len)
{
	size_t pad = os->width > 0 && (size_t)os->width > len ? (size_t)os->width - len : 0;

	os->width = 0;
	if (!os->left)
		for (size_t i = 0; i < pad; i++)
			sbuf_putc(b, os->fill);
	sbuf_put(b, s, len);
	if (os->left)
		for (size_t i = 0; i < pad; i++)
			sbuf_putc(b, os->fill);
}

void out_os_int(struct sbuf *b, struct out_os *os, uint64_t v, bool is_signed)
{
	char tmp[80], *e = tmp + sizeof(tmp), *p = e;
	const char *digits = os->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	bool neg = false;
	uint64_t u = v;

	if (os->base == 10) {
		if (is_signed && (int64_t)v < 0) {
			neg = true;
			u = -v;
		}
		do {
			*--p = digits[u % 10];
			u /= 10;
		} while (u);
		if (neg)
			*--p = '-';
		else if (os->showpos && is_signed)
			*--p = '+';
	} else {
		unsigned base = os->base == 8 ? 8 : 16;

		do {
			*--p = digits[u % base];
			u /= base;
		} while (u);
		if (os->showbase && v) {
			if (base == 8) {
				*--p = '0';
			} else {
				*--p = os->upper ? 'X' : 'x';
				*--p = '0';
			}
		}
	}
	out_os_str(b, os, p, (size_t)(e - p));
}

void out_os_double(struct sbuf *b, struct out_os *os, double d)
{
	char tmp[512];
	int prec = os->precision < 0 ? 6 : os->precision;
	int n;

	if (os->floatfield == 1)
		n = snprintf(tmp, sizeof(tmp), os->showpos ? "%+.*f" : "%.*f", prec, d);
	else if (os->floatfield == 2)
		n = snprintf(tmp, sizeof(tmp), os->showpos ? "%+.*e" : "%.*e", prec, d);
	else
		n = snprintf(tmp, sizeof(tmp), os->showpos ? "%+.*g" : "%.*g", prec ? prec : 1, d);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	out_os_str(b, os, tmp, (size_t)n);
}

static void os_cstr(struct sbuf *b, struct out_os *os, const char *s)
{
	out_os_str(b, os, s, strlen(s));
}

/* ---- helpers ---- */

void out_hexbuf(struct sbuf *b, const void *data, size_t len, bool keep_ascii, bool escape_hex)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		if (keep_ascii && p[i] >= 32 && p[i] <= 126)
			sbuf_putc(b, (char)p[i]);
		else if (escape_hex)
			sbuf_printf(b, "\\x%02x", p[i]);
		else
			sbuf_printf(b, i == len - 1 ? "%02x" : "%02x ", p[i]);
	}
}

/* Appends the output of a symbolizer callback (or @fallback) as one token. */
static void emit_tmp(struct sbuf *b, struct out_os *os, struct sbuf *tmp)
{
	out_os_str(b, os, tmp->s ? tmp->s : "", tmp->len);
	sbuf_fini(tmp);
}

static const char *enum_name(const struct type *t, uint64_t v)
{
	uint64_t mask = t->size >= 8 ? ~0ULL : (1ULL << (8 * t->size)) - 1;

	for (uint32_t i = 0; i < t->n_enums; i++)
		if (((uint64_t)t->enum_values[i] & mask) == v)
			return t->enum_names[i];
	return NULL;
}

/* Reads an integer of @size bytes and divides it as bpftrace does: in the
 * value's own width and signedness. */
static uint64_t int_div(const void *data, uint32_t size, bool is_signed, uint32_t div)
{
	if (div == 0)
		div = 1;
	if (is_signed) {
		int64_t v = out_load_s(data, size);

		/* the divisor is cast to the value's type, the quotient is not */
		switch (size) {
		case 1:
			if ((int8_t)div == 0)
				return (uint64_t)v;
			return (uint64_t)(int64_t)((int8_t)v / (int8_t)div);
		case 2:
			if ((int16_t)div == 0)
				return (uint64_t)v;
			return (uint64_t)(int64_t)((int16_t)v / (int16_t)div);
		case 4:
			if ((int32_t)div == -1)
				return (uint64_t)(int64_t)(int32_t)(0u - (uint32_t)v);
			return (uint64_t)(int64_t)((int32_t)v / (int32_t)div);
		default:
			return (uint64_t)(v / (int64_t)div);
		}
	}
	return out_load_u(data, size) / div;
}

struct avg_parts {
	uint64_t total, count, avg; /* bits; signed per the type */
};

static struct avg_parts avg_of(const struct type *t, const void *data)
{
	struct avg_parts r;

	r.total = out_load_u(data, 8);
	r.count = out_load_u((const char *)data + 8, 8);
	r.avg = 0;
	if (r.count) {
		if (t->is_signed)
			r.avg = (uint64_t)((int64_t)r.total / (int64_t)r.count);
		else
			r.avg = r.total / r.count;
	}
	return r;
}

uint64_t out_avg(const struct type *t, const void *data)
{
	return avg_of(t, data).avg;
}

static uint64_t div_bits(uint64_t v, bool is_signed, uint32_t div)
{
	if (div == 0)
		div = 1;
	if (is_signed)
		return (uint64_t)((int64_t)v / (int64_t)div);
	return v / div;
}

enum out_prim out_numeric(const struct type *t, const void *data, uint64_t *v)
{
	*v = 0;
	if (!t)
		return OUT_PRIM_OTHER;
	switch (t->kind) {
	case TY_INT:
		if (t->is_signed) {
			*v = (uint64_t)out_load_s(data, t->size);
			return OUT_PRIM_INT;
		}
		*v = out_load_u(data, t->size);
		return OUT_PRIM_UINT;
	case TY_BOOL:
		*v = ((const uint8_t *)data)[0] != 0;
		return OUT_PRIM_BOOL;
	case TY_ENUM:
		*v = out_load_u(data, t->size);
		return OUT_PRIM_SYM;
	case TY_POINTER:
		*v = out_load_u(data, 8);
		return OUT_PRIM_SYM;
	case TY_COUNT:
		*v = out_load_u(data, 8);
		return OUT_PRIM_UINT;
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
		*v = out_load_u(data, 8);
		return t->is_signed ? OUT_PRIM_INT : OUT_PRIM_UINT;
	case TY_AVG:
		*v = t->size >= 16 ? avg_of(t, data).avg : out_load_u(data, 8);
		return t->is_signed ? OUT_PRIM_INT : OUT_PRIM_UINT;
	case TY_BUFFER:
		return OUT_PRIM_BUFFER;
	default:
		return OUT_PRIM_OTHER;
	}
}

/* ---- timestamps ---- */

static void replace_all(struct sbuf *out, const char *s, const char *pat, const char *with)
{
	size_t pl = strlen(pat);
	const char *q;

	while ((q = strstr(s, pat))) {
		sbuf_put(out, s, (size_t)(q - s));
		sbuf_puts(out, with);
		s = q + pl;
	}
	sbuf_puts(out, s);
}

static void emit_timestamp(struct sbuf *b, struct out_os *os, const struct type *t,
			   const void *data, const struct out_sym *sym)
{
	uint64_t ns = out_load_u(data, 8);
	const char *fmt = t->name ? t->name : "%H:%M:%S";
	char us[16], nsb[16], ms[16];
	struct sbuf f1 = { 0 }, f2 = { 0 }, f3 = { 0 };
	uint32_t cap = sym && sym->max_strlen ? sym->max_strlen : 1024;
	time_t secs;
	uint64_t rem;
	struct tm tm;
	char *buf;
	size_t n;

	if (t->n == TS_CLOCK_BOOT && sym)
		ns += sym->boottime_ns;
	secs = (time_t)(ns / 1000000000ULL);
	rem = ns % 1000000000ULL;
	if (!secs || !localtime_r(&secs, &tm)) {
		os_cstr(b, os, "(?)");
		return;
	}
	snprintf(nsb, sizeof(nsb), "%09lu", (unsigned long)rem);
	snprintf(us, sizeof(us), "%06lu", (unsigned long)(rem / 1000));
	snprintf(ms, sizeof(ms), "%03lu", (unsigned long)(rem / 1000000));
	replace_all(&f1, fmt, "%f", us);
	replace_all(&f2, sbuf_str(&f1), "%k", nsb);
	replace_all(&f3, sbuf_str(&f2), "%l", ms);
	buf = xmalloc(cap);
	n = strftime(buf, cap, sbuf_str(&f3), &tm);
	if (n == 0)
		os_cstr(b, os, "(?)");
	else
		out_os_str(b, os, buf, n);
	free(buf);
	sbuf_fini(&f1);
	sbuf_fini(&f2);
	sbuf_fini(&f3);
}

/* ---- the value emitter ---- */

const void *out_field_bits(const struct type_field *f, const void *base, uint32_t base_size,
			   uint8_t tmp[8])
{
	const char *p = (const char *)base + f->offset;
	uint32_t sz;
	uint64_t v;

	if (!f->bit_size || !f->type ||
	    (f->type->kind != TY_INT && f->type->kind != TY_ENUM && f->type->kind != TY_BOOL))
		return p;
	sz = f->type->size ? f->type->size : 8;
	if (base_size && f->offset < base_size && sz > base_size - f->offset)
		sz = base_size - f->offset; /* never read past the aggregate */
	v = out_load_u(p, sz);
	v = f->bit_offset < 64 ? v >> f->bit_offset : 0;
	if (f->bit_size < 64)
		v &= (1ULL << f->bit_size) - 1;
	for (int i = 0; i < 8; i++)
		tmp[i] = (uint8_t)(v >> (8 * i));
	return tmp;
}

static void emit_field(struct sbuf *b, struct out_os *os, const struct type_field *f,
		       const void *base, uint32_t base_size, const struct out_sym *sym,
		       uint32_t div)
{
	uint8_t tmp[8];

	out_emit(b, os, f->type, out_field_bits(f, base, base_size, tmp), sym, div);
}

void out_emit(struct sbuf *b, struct out_os *os, const struct type *t, const void *data,
	      const struct out_sym *sym, uint32_t div)
{
	const uint8_t *d = data;
	struct sbuf tmp = { 0 };
	char s[128];

	if (!t) {
		os_cstr(b, os, "null");
		return;
	}
	switch (t->kind) {
	case TY_NONE:
	case TY_VOID:
	case TY_MAP:
	case TY_HIST:
	case TY_LHIST:
	case TY_TSERIES:
	case TY__COUNT:
		os_cstr(b, os, "null");
		return;
	case TY_INT:
		out_os_int(b, os, int_div(d, t->size, t->is_signed, div), t->is_signed);
		return;
	case TY_BOOL:
		os_cstr(b, os, d[0] ? "true" : "false");
		return;
	case TY_ENUM: {
		uint64_t v = out_load_u(d, t->size);
		const char *name = enum_name(t, v);

		if (name) {
			os_cstr(b, os, name);
		} else {
			snprintf(s, sizeof(s), "%lu", (unsigned long)v);
			os_cstr(b, os, s);
		}
		return;
	}
	case TY_STRING: {
		size_t len = strnlen((const char *)d, t->size);

		if (t->size && len == t->size) {
			const char *tr = sym && sym->str_trunc_trailer ? sym->str_trunc_trailer : "..";

			sbuf_put(&tmp, d, len);
			sbuf_puts(&tmp, tr);
			emit_tmp(b, os, &tmp);
		} else {
			out_os_str(b, os, (const char *)d, len);
		}
		return;
	}
	case TY_BUFFER: {
		uint32_t len = (uint32_t)out_load_u(d, 4);
		uint32_t cap = t->size >= 4 ? t->size - 4 : 0;

		if (len > cap)
			len = cap;
		out_hexbuf(&tmp, d + 4, len, true, true);
		emit_tmp(b, os, &tmp);
		return;
	}
	case TY_POINTER:
		snprintf(s, sizeof(s), "0x%lx", (unsigned long)out_load_u(d, 8));
		os_cstr(b, os, s);
		return;
	case TY_ARRAY: {
		uint32_t es = t->elem ? t->elem->size : 0;
		uint32_t n = t->n ? t->n : es ? t->size / es : 0; /* n 0: sized by storage */

		os_cstr(b, os, "[");
		for (uint32_t i = 0; i < n; i++) {
			if (i)
				os_cstr(b, os, ",");
			out_emit(b, os, t->elem, d + (size_t)i * es, sym, div);
		}
		os_cstr(b, os, "]");
		return;
	}
	case TY_STRUCT:
	case TY_UNION:
	case TY_RECORD:
		if (!t->n_fields) {
			os_cstr(b, os, "{}");
			return;
		}
		os_cstr(b, os, "{ ");
		for (uint32_t i = 0; i < t->n_fields; i++) {
			if (i)
				os_cstr(b, os, ", ");
			os_cstr(b, os, ".");
			os_cstr(b, os, t->fields[i].name ? t->fields[i].name : "");
			os_cstr(b, os, " = ");
			emit_field(b, os, &t->fields[i], d, t->size, sym, div);
		}
		os_cstr(b, os, " }");
		return;
	case TY_TUPLE:
		os_cstr(b, os, "(");
		for (uint32_t i = 0; i < t->n_fields; i++) {
			if (i)
				os_cstr(b, os, ", ");
			emit_field(b, os, &t->fields[i], d, t->size, sym, div);
		}
		os_cstr(b, os, ")");
		return;
	case TY_COUNT:
		out_os_int(b, os, out_load_u(d, 8) / (div ? div : 1), false);
		return;
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
		out_os_int(b, os, div_bits(out_load_u(d, 8), t->is_signed, div), t->is_signed);
		return;
	case TY_AVG: {
		uint64_t v = t->size >= 16 ? avg_of(t, d).avg : out_load_u(d, 8);

		out_os_int(b, os, div_bits(v, t->is_signed, div), t->is_signed);
		return;
	}
	case TY_STATS: {
		struct avg_parts a = avg_of(t, d);

		os_cstr(b, os, "{ .count = ");
		out_os_int(b, os, a.count, t->is_signed);
		os_cstr(b, os, ", .average = ");
		out_os_int(b, os, div_bits(a.avg, t->is_signed, div), t->is_signed);
		os_cstr(b, os, ", .total = ");
		out_os_int(b, os, a.total, t->is_signed);
		os_cstr(b, os, " }");
		return;
	}
	case TY_KSTACK:
		if (sym && sym->kstack)
			sym->kstack(sym->cookie, &tmp, t, (int64_t)out_load_u(d, 8));
		else
			sbuf_putc(&tmp, '\n');
		emit_tmp(b, os, &tmp);
		return;
	case TY_USTACK:
		if (sym && sym->ustack)
			sym->ustack(sym->cookie, &tmp, t, (int64_t)out_load_u(d, 8),
				    t->size >= 12 ? (uint32_t)out_load_u(d + 8, 4) : 0);
		else
			sbuf_putc(&tmp, '\n');
		emit_tmp(b, os, &tmp);
		return;
	case TY_KSYM: {
		uint64_t addr = out_load_u(d, 8);

		if (sym && sym->ksym)
			sym->ksym(sym->cookie, &tmp, addr, false);
		else
			sbuf_printf(&tmp, "0x%lx", (unsigned long)addr);
		emit_tmp(b, os, &tmp);
		return;
	}
	case TY_USYM: {
		uint64_t addr = out_load_u(d, 8);

		if (sym && sym->usym)
			sym->usym(sym->cookie, &tmp, t->size >= 12 ? (uint32_t)out_load_u(d + 8, 4) : 0,
				  addr, false);
		else
			sbuf_printf(&tmp, "0x%lx", (unsigned long)addr);
		emit_tmp(b, os, &tmp);
		return;
	}
	case TY_INET: {
		uint64_t af = out_load_u(d, 8);
		char a[INET6_ADDRSTRLEN] = "";

		if (af == AF_INET)
			inet_ntop(AF_INET, d + 8, a, sizeof(a));
		else if (af == AF_INET6)
			inet_ntop(AF_INET6, d + 8, a, sizeof(a));
		os_cstr(b, os, a);
		return;
	}
	case TY_USERNAME: {
		uint64_t uid = out_load_u(d, 8);

		if (sym && sym->username)
			sym->username(sym->cookie, &tmp, (uint32_t)uid);
		else
			sbuf_printf(&tmp, "%lu", (unsigned long)uid);
		emit_tmp(b, os, &tmp);
		return;
	}
	case TY_TIMESTAMP:
		emit_timestamp(b, os, t, d, sym);
		return;
	case TY_MAC: {
		/* bpftrace passes the bytes as (signed) char to "%02X" into an
		 * 18-byte buffer: bytes >= 0x80 print as FFFFFFxx and the result
		 * is cut at 17 characters. */
		const signed char *m = (const signed char *)d;

		snprintf(s, 18, "%02X:%02X:%02X:%02X:%02X:%02X", (unsigned)m[0], (unsigned)m[1],
			 (unsigned)m[2], (unsigned)m[3], (unsigned)m[4], (unsigned)m[5]);
		os_cstr(b, os, s);
		return;
	}
	case TY_CGROUP_PATH: {
		uint64_t id = out_load_u(d, 8);

		if (sym && sym->cgroup_path)
			sym->cgroup_path(sym->cookie, &tmp, t, id);
		else
			sbuf_printf(&tmp, "%lu", (unsigned long)id);
		emit_tmp(b, os, &tmp);
		return;
	}
	case TY_STRERROR: {
		/* strerror() / syscall_name() / signal_name(): the number by name */
		int64_t e = out_load_s(d, t->size ? t->size : 4);

		os_cstr(b, os, t->n == TNT_SYSCALL ? sysname_syscall(e) :
			       t->n == TNT_SIGNAL ? sysname_signal(e) : sysname_strerror(e));
		return;
	}
	}
	os_cstr(b, os, "null");
}

void out_value(struct sbuf *b, const struct type *t, const void *data, const struct out_sym *sym)
{
	struct out_os os;

	out_os_init(&os);
	out_emit(b, &os, t, data, sym, 1);
}
