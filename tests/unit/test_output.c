/* test_output.c — values, printf and whole maps printed from hand-built bytes,
 * compared with the exact text bpftrace v0.26.1 prints. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/output.h"
#include "tests/unit/tap.h"

static struct arena A;

/* ---- type builders ---- */

static struct type *ty(enum type_kind k, uint32_t size, bool is_signed)
{
	struct type *t = arena_alloc(&A, sizeof(*t));

	t->kind = k;
	t->size = size;
	t->align = size >= 8 ? 8 : (size ? size : 1);
	t->is_signed = is_signed;
	return t;
}

static struct type *t_int(uint32_t size, bool is_signed)
{
	return ty(TY_INT, size, is_signed);
}

static struct type *t_str(uint32_t size)
{
	struct type *t = ty(TY_STRING, size, false);

	t->align = 1;
	return t;
}

/* A tuple/record/struct of @n fields laid out with natural alignment. */
static struct type *t_agg(enum type_kind k, uint32_t n, const char *const *names,
			  const struct type *const *types)
{
	struct type *t = ty(k, 0, false);
	uint32_t off = 0, al = 1;

	t->fields = arena_alloc(&A, sizeof(*t->fields) * (n ? n : 1));
	t->n_fields = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = types[i]->align ? types[i]->align : 1;

		off = (off + a - 1) / a * a;
		t->fields[i].name = names ? names[i] : NULL;
		t->fields[i].type = types[i];
		t->fields[i].offset = off;
		off += types[i]->size;
		if (a > al)
			al = a;
	}
	t->size = (off + al - 1) / al * al;
	t->align = al;
	return t;
}

#define TUPLE(...)                                                                           \
	t_agg(TY_TUPLE, sizeof((const struct type *[]){ __VA_ARGS__ }) / sizeof(void *), NULL, \
	      (const struct type *const[]){ __VA_ARGS__ })

static struct type *t_array(const struct type *elem, uint32_t n)
{
	struct type *t = ty(TY_ARRAY, elem->size * n, false);

	t->elem = elem;
	t->n = n;
	t->align = elem->align;
	return t;
}

/* ---- byte builders ---- */

static void put64(void *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void put32(void *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static char *val(const struct type *t, const void *data)
{
	struct sbuf b = { 0 };
	char *r;

	out_value(&b, t, data, NULL);
	r = arena_strndup(&A, b.s ? b.s : "", b.len);
	sbuf_fini(&b);
	return r;
}

static char *fmt(const char *f, const struct type *args, const void *payload)
{
	struct sbuf b = { 0 };
	char *r;

	out_format(&b, f, args, payload, NULL);
	r = arena_strndup(&A, b.s ? b.s : "", b.len);
	sbuf_fini(&b);
	return r;
}

/* printf with one 64-bit integer argument */
static char *fmt1(const char *f, uint64_t v, bool is_signed)
{
	const struct type *args = TUPLE(t_int(8, is_signed));

	return fmt(f, args, &v);
}

static char *map_text(const struct map_info *m, const struct out_entry *e, size_t n,
		      uint32_t top, uint32_t div)
{
	struct sbuf b = { 0 };
	char *r;

	out_map(&b, m, e, n, top, div, NULL);
	r = arena_strndup(&A, b.s ? b.s : "", b.len);
	sbuf_fini(&b);
	return r;
}

static char *strip(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(&A, s, n);
}

/* Compares with a conformance expectation file when the suite is around. */
static void check_conformance_file(const char *got, const char *file)
{
	char path[512], *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/work/shared/conformance/public/outputs/%s", file);
	f = fopen(path, "r");
	if (!f) {
		ok(1, "# SKIP %s not available", path);
		return;
	}
	buf = calloc(1, 1 << 16);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	/* the conformance runner compares with surrounding white space stripped */
	is_str(strip(got), strip(buf), file);
	free(buf);
}

/* ---- hist fixtures: (bucket, count) pairs of a scalar map ---- */

struct hb {
	uint64_t bucket, count;
};

static char *scalar_hist(const struct type *vt, const struct hb *hb, size_t n, uint32_t div)
{
	struct map_info m = { .name = "@", .value_type = vt, .key_size = 16, .value_size = 8 };
	struct out_entry *e = arena_alloc(&A, sizeof(*e) * n);

	for (size_t i = 0; i < n; i++) {
		uint8_t *k = arena_alloc(&A, 16);

		put64(k, 0);
		put64(k + 8, hb[i].bucket);
		e[i].key = k;
		e[i].value = &hb[i].count;
	}
	return map_text(&m, e, n, 0, div);
}

static void test_values(void)
{
	int64_t sv = -42;
	uint64_t uv = 18446744073709551615ULL;
	uint8_t b1 = 1, b0 = 0;

	is_str(val(t_int(8, true), &sv), "-42", "s64");
	is_str(val(t_int(8, false), &uv), "18446744073709551615", "u64 max");
	{
		int8_t c = -1;
		uint16_t h = 65535;
		int32_t w = -2147483647 - 1;

		is_str(val(t_int(1, true), &c), "-1", "s8");
		is_str(val(t_int(2, false), &h), "65535", "u16");
		is_str(val(t_int(4, true), &w), "-2147483648", "s32 min");
	}
	is_str(val(ty(TY_BOOL, 1, false), &b1), "true", "bool true");
	is_str(val(ty(TY_BOOL, 1, false), &b0), "false", "bool false");
	{
		char s[8] = "abc";
		char full[4] = { 'a', 'b', 'c', 'd' };

		is_str(val(t_str(8), s), "abc", "string stops at NUL");
		is_str(val(t_str(4), full), "abcd..", "full string gets the trailer");
	}
	{
		uint8_t buf[12] = { 0 };

		put32(buf, 7);
		memcpy(buf + 4, "ok_key\0", 7);
		is_str(val(ty(TY_BUFFER, 12, false), buf), "ok_key\\x00", "buffer with NUL");
		buf[4] = 0xff;
		put32(buf, 2);
		is_str(val(ty(TY_BUFFER, 12, false), buf), "\\xffk", "buffer high byte");
	}
	{
		uint64_t p = 0xffff8880deadbeefULL, z = 0;
		struct type *pt = ty(TY_POINTER, 8, false);

		is_str(val(pt, &p), "0xffff8880deadbeef", "pointer");
		is_str(val(pt, &z), "0x0", "null pointer");
	}
	{
		static const char *const names[] = { "ONE", "TWO", "OTHER" };
		static const int64_t vals[] = { 1, 2, 99999 };
		struct type *et = ty(TY_ENUM, 4, false);
		uint32_t v = 2, u = 7;

		et->enum_names = names;
		et->enum_values = vals;
		et->n_enums = 3;
		is_str(val(et, &v), "TWO", "enum by name");
		is_str(val(et, &u), "7", "unknown enum by number");
	}
	{
		/* @ = ( -100, (int8) 10, (int32) 50, 100 ) */
		const struct type *tt = TUPLE(t_int(8, true), t_int(1, true), t_int(4, true),
					      t_int(8, true));
		uint8_t d[32] = { 0 };

		put64(d + tt->fields[0].offset, (uint64_t)-100);
		d[tt->fields[1].offset] = 10;
		put32(d + tt->fields[2].offset, 50);
		put64(d + tt->fields[3].offset, 100);
		is_str(val(tt, d), "(-100, 10, 50, 100)", "mixed int tuple");
	}
	{
		/* (1, 2, "string", (4, 5)) */
		const struct type *in = TUPLE(t_int(8, true), t_int(8, true));
		const struct type *tt = TUPLE(t_int(8, true), t_int(8, true), t_str(7), in);
		uint8_t d[64] = { 0 };

		put64(d + tt->fields[0].offset, 1);
		put64(d + tt->fields[1].offset, 2);
		memcpy(d + tt->fields[2].offset, "string", 7);
		put64(d + tt->fields[3].offset, 4);
		put64(d + tt->fields[3].offset + 8, 5);
		is_str(val(tt, d), "(1, 2, string, (4, 5))", "nested tuple");
	}
	{
		/* { .a = 0, .b = 1, .c = str, .d = (5, 6), .e = { .x = 1, .y = 2 } } */
		static const char *const xy[] = { "x", "y" };
		static const char *const abcde[] = { "a", "b", "c", "d", "e" };
		const struct type *in = t_agg(TY_RECORD, 2, xy,
					      (const struct type *const[]){ t_int(8, true),
									    t_int(8, true) });
		const struct type *tup = TUPLE(t_int(8, true), t_int(8, true));
		const struct type *rt = t_agg(TY_RECORD, 5, abcde,
					      (const struct type *const[]){
						      t_int(8, true), t_int(8, true), t_str(4), tup,
						      in });
		uint8_t d[96] = { 0 };

		put64(d + rt->fields[1].offset, 1);
		memcpy(d + rt->fields[2].offset, "str", 4);
		put64(d + rt->fields[3].offset, 5);
		put64(d + rt->fields[3].offset + 8, 6);
		put64(d + rt->fields[4].offset, 1);
		put64(d + rt->fields[4].offset + 8, 2);
		is_str(val(rt, d), "{ .a = 0, .b = 1, .c = str, .d = (5, 6), .e = { .x = 1, .y = 2 } }",
		       "record");
		is_str(val(t_agg(TY_STRUCT, 0, NULL, NULL), d), "{}", "empty struct");
	}
	{
		const struct type *at = t_array(t_int(4, true), 4);
		int32_t d[4] = { 1, 2, 3, 4 };
		const struct type *aa = t_array(t_array(t_int(4, true), 2), 2);
		int32_t d2[4] = { 5, 6, 7, 8 };

		is_str(val(at, d), "[1,2,3,4]", "int array");
		is_str(val(aa, d2), "[[5,6],[7,8]]", "nested array");
	}
	{
		/* a bitfield: struct { unsigned a:3, b:5; } = { 5, 17 } */
		static const char *const ab[] = { "a", "b" };
		struct type *st = t_agg(TY_STRUCT, 2, ab,
					(const struct type *const[]){ t_int(4, false),
								      t_int(4, false) });
		uint32_t d = 5 | (17u << 3);

		st->fields[1].offset = 0;
		st->fields[0].bit_size = 3;
		st->fields[1].bit_offset = 3;
		st->fields[1].bit_size = 5;
		st->size = 4;
		is_str(val(st, &d), "{ .a = 5, .b = 17 }", "bitfields");
	}
	{
		uint8_t in4[24] = { 0 }, in6[24] = { 0 };

		put64(in4, 2);
		in4[8] = 127;
		in4[11] = 1;
		is_str(val(ty(TY_INET, 24, false), in4), "127.0.0.1", "ntop ipv4");
		put64(in6, 10);
		in6[23] = 1;
		is_str(val(ty(TY_INET, 24, false), in6), "::1", "ntop ipv6");
	}
	{
		uint8_t mac[6] = { 0x00, 0x11, 0x22, 0xaa, 0xbb, 0x0c };

		is_str(val(ty(TY_MAC, 6, false), mac), "00:11:22:FFFFFFAA",
		       "macaddr keeps bpftrace's signed-char rendering");
		mac[3] = 0x33;
		mac[4] = 0x44;
		is_str(val(ty(TY_MAC, 6, false), mac), "00:11:22:33:44:0C", "macaddr");
	}
	{
		uint64_t d[2] = { 6, 3 };
		struct type *st = ty(TY_STATS, 16, true);

		is_str(val(st, d), "{ .count = 3, .average = 2, .total = 6 }", "stats value");
		is_str(val(ty(TY_AVG, 16, true), d), "2", "avg value");
	}
	{
		struct type *ts = ty(TY_TIMESTAMP, 8, false);
		uint64_t ns = 1700000000ULL * 1000000000ULL + 123456789ULL;

		ts->n = TS_CLOCK_TAI;
		ts->name = "%Y-%m-%d %H:%M:%S.%f %k %l";
		is_str(val(ts, &ns), "2023-11-14 22:13:20.123456 123456789 123", "strftime");
		ns = 5;
		is_str(val(ts, &ns), "(?)", "strftime of the epoch");
	}
	{
		uint64_t a = 0x1;

		is_str(val(ty(TY_USYM, 16, false), &a), "0x1", "unresolved usym");
	}
	{
		/* boot-clock nanoseconds are shifted by the boot time */
		struct type *ts = ty(TY_TIMESTAMP, 8, false);
		struct out_sym sym = { .boottime_ns = 1700000000ULL * 1000000000ULL };
		uint64_t ns = 1500000000ULL;
		struct sbuf b = { 0 };

		ts->n = TS_CLOCK_BOOT;
		ts->name = "%H:%M:%S.%l";
		out_value(&b, ts, &ns, &sym);
		is_str(sbuf_str(&b), "22:13:21.500", "strftime on the boot clock");
		sbuf_fini(&b);
	}
	{
		int32_t e = 7;

		is_str(val(ty(TY_STRERROR, 4, true), &e), "Argument list too long", "strerror");
	}
}

static void test_format(void)
{
	is_str(fmt1("%hhx", 0x12345678abcdefULL, true), "ef", "%hhx only");
	{
		const struct type *args = TUPLE(t_int(8, true), t_int(8, true), t_int(8, true),
						t_int(8, true));
		uint64_t d[4] = { 0x12345678abcdefULL, 0x12345678abcdefULL, 0x12345678abcdefULL,
				  0x12345678abcdefULL };

		is_str(fmt("%hhx %hx %x %jx\n", args, d), "ef cdef 78abcdef 12345678abcdef\n",
		       "length modifiers");
		d[0] = 0x41;
		d[1] = 0x42;
		d[2] = 0x43;
		d[3] = 0x44;
		is_str(fmt("%c%c%c%c", args, d), "ABCD", "%c");
	}
	is_str(fmt1("%d", 5000000000ULL, true), "705032704", "%d casts to int");
	is_str(fmt1("%ld", 5000000000ULL, true), "5000000000", "%ld");
	is_str(fmt1("%llu", (uint64_t)-1, false), "18446744073709551615", "%llu");
	is_str(fmt1("%u", (uint64_t)-1, true), "4294967295", "%u casts to unsigned int");
	is_str(fmt1("%d", (uint64_t)-5, true), "-5", "%d negative");
	is_str(fmt1("%5d|", 42, true), "   42|", "width");
	is_str(fmt1("%-5d|", 42, true), "42   |", "left");
	is_str(fmt1("%05d", (uint64_t)-5, true), "000-5", "zero fill goes before the sign");
	is_str(fmt1("%-05d|", 7, true), "70000|", "zero fill on the right when left-aligned");
	is_str(fmt1("%+d %+d", 3, true), "+3 ", "plus flag (one argument)");
	is_str(fmt1("%+u", 3, true), "3", "plus ignored for unsigned");
	is_str(fmt1("%#x", 255, false), "0xff", "alternate hex");
	is_str(fmt1("%#X", 255, false), "0XFF", "alternate upper hex");
	is_str(fmt1("%#x", 0, false), "0", "no base for zero");
	is_str(fmt1("%#o", 8, false), "010", "alternate octal");
	is_str(fmt1("% d", 3, true), "3", "space flag ignored");
	is_str(fmt1("%.3d", 3, true), "3", "integer precision ignored");
	is_str(fmt1("%p", 0xdeadULL, false), "0xdead", "%p");
	is_str(fmt1("%p", 0, false), "0", "%p of null");
	is_str(fmt1("%hhd", 0xff, false), "-1", "%hhd");
	is_str(fmt1("%s!", 12, true), "12!", "%s of an int");
	is_str(fmt1("100%% %d%%", 7, true), "100% 7%", "%% escapes");
	is_str(fmt1("%y %d", 7, true), "%y 7", "unknown conversion stays text");
	is_str(fmt1("%5% %d", 7, true), "% 7", "%% with flags");
	is_str(fmt1("abc%", 7, true), "abc%", "lone % at the end");
	is_str(fmt1("%5.x %ll", 7, true), "%5.x %ll", "incomplete conversions stay text");
	is_str(fmt1("%*d|", 7, true), "7|", "* width is ignored");
	is_str(fmt1("%08.3x", 255, false), "000000ff", "zero-padded hex, precision ignored");
	is_str(fmt1("%#08x", 255, false), "00000xff", "zeros go before the base prefix");
	is_str(fmt1("%zu %d", 3, false), "3 ", "%zu");
	{
		const struct type *args = TUPLE(t_str(8), t_str(8));
		char d[16] = "ab\0\0\0\0\0\0xyz";

		is_str(fmt("[%5s][%-4s]", args, d), "[   ab][xyz ]", "string widths");
		is_str(fmt("[%.1s][%05s]", args, d), "[ab][00xyz]", "string precision ignored, zeros");
	}
	{
		static const char *const names[] = { "ONE", "TWO", "OTHER" };
		static const int64_t vals[] = { 1, 2, 99999 };
		struct type *et = ty(TY_ENUM, 8, false);
		const struct type *args;
		uint64_t d[2] = { 1, 99999 };

		et->enum_names = names;
		et->enum_values = vals;
		et->n_enums = 3;
		args = TUPLE(et, et);
		is_str(fmt("%d %s", args, d), "1 OTHER", "enum with %d and %s");
		is_str(fmt("%s %d", args, d), "ONE 99999", "enum args");
	}
	{
		const struct type *tt = TUPLE(t_int(8, true), t_int(8, true));
		const struct type *args = TUPLE(tt);
		int64_t d[2] = { 1, -2 };

		is_str(fmt("%s", args, d), "(1, -2)", "tuple with %s");
		is_str(fmt("%+s", args, d), "(+1, -2)", "flags reach the tuple's fields");
		is_str(fmt("%4s", args, d), "   (1, -2)", "width pads the first token only");
	}
	{
		const struct type *args = TUPLE(ty(TY_BUFFER, 8, false));
		uint8_t d[8] = { 0 };

		put32(d, 4);
		memcpy(d + 4, "A\x01\xff" "z", 4);
		is_str(fmt("%r", args, d), "A\\x01\\xffz", "%r");
		is_str(fmt("%rx", args, d), "\\x41\\x01\\xff\\x7a", "%rx");
		is_str(fmt("%rh", args, d), "41 01 ff 7a", "%rh");
	}
	{
		const struct type *args = TUPLE(ty(TY_BOOL, 1, false), ty(TY_POINTER, 8, false));
		uint8_t d[16] = { 1 };

		put64(d + 8, 0x1000);
		is_str(fmt("%s %s", args, d), "true 0x1000", "bool and pointer");
		is_str(fmt("%d %x", args, d), "1 1000", "bool and pointer as numbers");
	}
	{
		const struct type *args = TUPLE(t_str(7), t_int(8, false), t_int(8, false),
						t_int(8, false));
		uint8_t d[32] = { 0 };

		memcpy(d, "answer", 7);
		put64(d + args->fields[1].offset, 42);
		put64(d + args->fields[2].offset, 0xDEADBEEFULL);
		put64(d + args->fields[3].offset, 'a');
		is_str(fmt("Multiple: %s=%d (0x%llx) char=%hhu", args, d),
		       "Multiple: answer=42 (0xdeadbeef) char=97", "several conversions");
	}
	{
		const struct type *args = TUPLE(t_int(8, true));
		uint64_t v = 5;

		is_str(fmt("%.2f %d", args, &v), "5.00 ", "%f on an integer");
		is_str(fmt("%f", args, &v), "5", "%f without precision is general");
	}
}

static void test_maps(void)
{
	/* @ = hist(-1), hist(2), hist(3), hist(7), hist(20) */
	struct type *h0 = ty(TY_HIST, 8, false);
	static const struct hb hist1[] = { { 0, 1 }, { 3, 2 }, { 4, 1 }, { 6, 1 } };
	static const struct hb hist2[] = { { 3, 1 }, { 6, 1 } };
	const char *want_hist =
		"@:\n"
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[0]                    0 |                                                    |\n"
		"[1]                    0 |                                                    |\n"
		"[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"\n";
	char *got = scalar_hist(h0, hist1, 4, 0);

	is_str(got, want_hist, "hist");
	check_conformance_file(got, "hist.txt");
	got = scalar_hist(h0, hist2, 2, 0);
	is_str(got,
	       "@:\n"
	       "[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
	       "[4, 8)                 0 |                                                    |\n"
	       "[8, 16)                0 |                                                    |\n"
	       "[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
	       "\n",
	       "hist with 2 values");
	check_conformance_file(got, "hist_2_values.txt");
	{
		/* large buckets: 1024 is bucket 12 with k=0, 1M bucket 22 */
		static const struct hb big[] = { { 12, 3 }, { 13, 1 }, { 22, 1 } };
		char *t = scalar_hist(h0, big, 3, 0);

		ok(strstr(t, "[1K, 2K)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n") != NULL,
		   "hist K suffix");
		ok(strstr(t, "[2K, 4K)               1 |@@@@@@@@@@@@@@@@@                                   |\n") != NULL,
		   "hist bar rounding");
		ok(strstr(t, "[1M, 2M)               1 |") != NULL, "hist M suffix");
	}
	{
		/* hist(5000), hist(1000000) twice, hist(3000000000) */
		static const struct hb wide[] = { { 14, 1 }, { 21, 2 }, { 33, 1 } };

		is_str(scalar_hist(h0, wide, 3, 0),
		       "@:\n"
		       "[4K, 8K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "[8K, 16K)              0 |                                                    |\n"
		       "[16K, 32K)             0 |                                                    |\n"
		       "[32K, 64K)             0 |                                                    |\n"
		       "[64K, 128K)            0 |                                                    |\n"
		       "[128K, 256K)           0 |                                                    |\n"
		       "[256K, 512K)           0 |                                                    |\n"
		       "[512K, 1M)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[1M, 2M)               0 |                                                    |\n"
		       "[2M, 4M)               0 |                                                    |\n"
		       "[4M, 8M)               0 |                                                    |\n"
		       "[8M, 16M)              0 |                                                    |\n"
		       "[16M, 32M)             0 |                                                    |\n"
		       "[32M, 64M)             0 |                                                    |\n"
		       "[64M, 128M)            0 |                                                    |\n"
		       "[128M, 256M)           0 |                                                    |\n"
		       "[256M, 512M)           0 |                                                    |\n"
		       "[512M, 1G)             0 |                                                    |\n"
		       "[1G, 2G)               0 |                                                    |\n"
		       "[2G, 4G)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "\n",
		       "hist with K, M and G buckets");
	}
	{
		/* hist(x, 2): four buckets per power of two */
		struct type *h2 = ty(TY_HIST, 8, false);
		static const struct hb fine[] = { { 1, 1 }, { 9, 1 }, { 13, 2 } };

		h2->n = 2;
		is_str(scalar_hist(h2, fine, 3, 0),
		       "@:\n"
		       "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "[1]                    0 |                                                    |\n"
		       "[2]                    0 |                                                    |\n"
		       "[3]                    0 |                                                    |\n"
		       "[4]                    0 |                                                    |\n"
		       "[5]                    0 |                                                    |\n"
		       "[6]                    0 |                                                    |\n"
		       "[7]                    0 |                                                    |\n"
		       "[8, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "[10, 12)               0 |                                                    |\n"
		       "[12, 14)               0 |                                                    |\n"
		       "[14, 16)               0 |                                                    |\n"
		       "[16, 20)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "\n",
		       "hist with k=2");
	}
	{
		struct type *lh = ty(TY_LHIST, 8, false);
		static const struct hb l1[] = { { 0, 1 }, { 2, 2 }, { 4, 1 }, { 6, 1 } };

		lh->lmin = 0;
		lh->lmax = 10;
		lh->lstep = 2;
		got = scalar_hist(lh, l1, 4, 0);
		is_str(got,
		       "@:\n"
		       "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "[0, 2)                 0 |                                                    |\n"
		       "[2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[4, 6)                 0 |                                                    |\n"
		       "[6, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "[8, 10)                0 |                                                    |\n"
		       "[10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		       "\n",
		       "lhist");
		check_conformance_file(got, "lhist.txt");
	}
	{
		struct type *lh = ty(TY_LHIST, 8, false);
		static const struct hb l2[] = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 5, 1 } };
		static const struct hb over[] = { { 11, 1 } };
		static const struct hb step1[] = { { 1, 1 }, { 2, 1 } };

		lh->lmin = 0;
		lh->lmax = 5 * 1024;
		lh->lstep = 1024;
		is_str(scalar_hist(lh, l2, 5, 0),
		       "@:\n"
		       "[0, 1K)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[3K, 4K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[4K, 5K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "\n",
		       "lhist K suffixes");
		lh->lmax = 100;
		lh->lstep = 10;
		is_str(scalar_hist(lh, over, 1, 0),
		       "@:\n"
		       "[100, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "\n",
		       "lhist overflow only");
		lh->lstep = 1;
		is_str(scalar_hist(lh, step1, 2, 0),
		       "@:\n"
		       "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "\n",
		       "lhist step 1 collapses buckets");
	}
	{
		/* @["a"] = avg(10) ... @["d"] = avg(40); print(@, 10, 10) and print(@, 2, 10) */
		struct type *avg = ty(TY_AVG, 16, true);
		struct map_info m = { .name = "@", .key_type = t_str(2), .value_type = avg,
				      .key_size = 2, .value_size = 16 };
		static const char *keys[] = { "c", "a", "d", "b" };
		static const uint64_t vals[4][2] = { { 30, 1 }, { 10, 1 }, { 40, 1 }, { 20, 1 } };
		struct out_entry e[4];

		for (int i = 0; i < 4; i++) {
			e[i].key = keys[i];
			e[i].value = vals[i];
		}
		got = map_text(&m, e, 4, 10, 10);
		is_str(got, "@[a]: 1\n@[b]: 2\n@[c]: 3\n@[d]: 4\n", "avg map, large top, div");
		is_str(map_text(&m, e, 4, 2, 10), "@[c]: 3\n@[d]: 4\n", "avg map, top 2");
		check_conformance_file(map_text(&m, e, 4, 2, 10), "print_avg_map_args.txt");
	}
	{
		struct type *cnt = ty(TY_COUNT, 8, false);
		struct map_info m = { .name = "@x", .key_type = t_int(8, true), .value_type = cnt,
				      .key_size = 8, .value_size = 8 };
		static const int64_t keys[] = { 5, -3, 7 };
		static const uint64_t vals[] = { 2, 9, 2 };
		struct out_entry e[3];

		for (int i = 0; i < 3; i++) {
			e[i].key = &keys[i];
			e[i].value = &vals[i];
		}
		is_str(map_text(&m, e, 3, 0, 0), "@x[5]: 2\n@x[7]: 2\n@x[-3]: 9\n",
		       "count map sorted by value, ties stay in order");
		is_str(map_text(&m, e, 3, 1, 0), "@x[-3]: 9\n", "top 1");
		is_str(map_text(&m, e, 0, 0, 0), "", "empty map prints nothing");
	}
	{
		/* scalar maps */
		uint64_t mm[2] = { 3, 1 }, st[2] = { 6, 3 }, c = 5;
		struct map_info m = { .name = "@max", .value_type = ty(TY_MAX, 16, true),
				      .key_size = 8, .value_size = 16 };
		uint64_t zero = 0;
		struct out_entry e = { &zero, mm };

		is_str(map_text(&m, &e, 1, 0, 0), "@max: 3\n", "scalar max");
		m.name = "@stats";
		m.value_type = ty(TY_STATS, 16, true);
		e.value = st;
		is_str(map_text(&m, &e, 1, 0, 0), "@stats: { .count = 3, .average = 2, .total = 6 }\n",
		       "scalar stats");
		m.name = "@c";
		m.value_type = ty(TY_COUNT, 8, false);
		m.value_size = 8;
		e.value = &c;
		is_str(map_text(&m, &e, 1, 0, 0), "@c: 5\n", "scalar count");
	}
	{
		/* tuple keys lose their parentheses; sorted by key when values are not numbers */
		const struct type *kt = TUPLE(t_str(18), t_int(8, true));
		struct map_info m = { .name = "@a", .key_type = kt,
				      .value_type = TUPLE(t_int(8, true), t_int(8, true)),
				      .key_size = kt->size, .value_size = 16 };
		uint8_t k1[32] = { 0 }, k2[32] = { 0 };
		int64_t v1[2] = { 3, 4 }, v2[2] = { 5, 6 };
		struct out_entry e[2] = { { k1, v1 }, { k2, v2 } };

		memcpy(k1, "hellotherelongstr", 18);
		put64(k1 + kt->fields[1].offset, 4);
		memcpy(k2, "by", 3);
		put64(k2 + kt->fields[1].offset, 6);
		is_str(map_text(&m, e, 2, 0, 0),
		       "@a[by, 6]: (5, 6)\n@a[hellotherelongstr, 4]: (3, 4)\n", "tuple keys");
	}
	{
		/* @[buf("ok_key", 6)] = 1 and a hist keyed by buf("ok_key", 7) */
		struct type *bt = ty(TY_BUFFER, 12, false);
		struct map_info m = { .name = "@", .key_type = bt, .value_type = t_int(8, true),
				      .key_size = 12, .value_size = 8 };
		uint8_t k[20] = { 0 };
		uint64_t one = 1;
		struct out_entry e = { k, &one };

		put32(k, 6);
		memcpy(k + 4, "ok_key", 6);
		is_str(map_text(&m, &e, 1, 0, 0), "@[ok_key]: 1\n", "buffer key");
		put32(k, 7);
		put64(k + 12, 2);
		m.value_type = ty(TY_HIST, 8, false);
		m.key_size = 20;
		got = map_text(&m, &e, 1, 0, 0);
		ok(strncmp(got, "@[ok_key\\x00]:\n[1]  ", strlen("@[ok_key\\x00]:\n[1]  ")) == 0,
		   "buffer key of a hist");
	}
	{
		/* keyed hists sorted by total count; print(@, 2) keeps the last two */
		struct map_info m = { .name = "@", .key_type = t_int(8, true),
				      .value_type = ty(TY_HIST, 8, false), .key_size = 16,
				      .value_size = 8 };
		uint8_t k[4][16];
		static const uint64_t cnt[4] = { 1, 1, 1, 1 };
		struct out_entry e[4];
		const int64_t keys[4] = { 3, 1, 2, 2 };
		const uint64_t buckets[4] = { 6, 5, 5, 6 };

		for (int i = 0; i < 4; i++) {
			put64(k[i], (uint64_t)keys[i]);
			put64(k[i] + 8, buckets[i]);
			e[i].key = k[i];
			e[i].value = &cnt[i];
		}
		got = map_text(&m, e, 4, 2, 0);
		is_str(got,
		       "@[3]:\n"
		       "[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "\n"
		       "@[2]:\n"
		       "[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "[16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		       "\n",
		       "keyed hists by total, top 2");
	}
	{
		/* string values sort by key; u64 keys compare as signed */
		struct map_info m = { .name = "@s", .key_type = t_int(8, false),
				      .value_type = t_str(4), .key_size = 8, .value_size = 4 };
		uint64_t keys[3] = { 2, (uint64_t)-1, 1 };
		struct out_entry e[3] = { { &keys[0], "two" }, { &keys[1], "big" }, { &keys[2], "one" } };

		is_str(map_text(&m, e, 3, 0, 0),
		       "@s[18446744073709551615]: big\n@s[1]: one\n@s[2]: two\n",
		       "sorted by key as signed");
	}
}

/* A tseries map from (key, epoch, value) triples; interval 100ms. */
struct tsv {
	const char *key;
	uint64_t epoch;
	int64_t v;
};

static char *tseries_text(struct type *vt, const struct tsv *pts, size_t n, bool keyed,
			  const char *name)
{
	struct map_info m = { .name = name, .value_type = vt,
			      .key_type = keyed ? t_str(4) : NULL, .key_size = keyed ? 12 : 16,
			      .value_size = 24 };
	struct out_entry *e = arena_alloc(&A, sizeof(*e) * (n ? n : 1));

	for (size_t i = 0; i < n; i++) {
		uint8_t *k = arena_alloc(&A, 16), *v = arena_alloc(&A, 24);

		if (keyed)
			strncpy((char *)k, pts[i].key, 4);
		put64(k + m.key_size - 8, pts[i].epoch % (uint64_t)vt->lmax);
		put64(v, (uint64_t)pts[i].v);
		put64(v + 8, 1);
		put64(v + 16, pts[i].epoch);
		e[i].key = k;
		e[i].value = v;
	}
	return map_text(&m, e, n, 0, 0);
}

/* The expectation files hold "%H" where the runner puts the local hour. */
static void check_tseries_file(const char *got, const char *file, const char *hour)
{
	char path[512], *buf;
	struct sbuf w = { 0 };
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/work/shared/conformance/public/outputs/%s", file);
	f = fopen(path, "r");
	if (!f) {
		ok(1, "# SKIP %s not available", path);
		return;
	}
	buf = calloc(1, 1 << 16);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	for (char *p = buf; *p; p++) {
		if (p[0] == '%' && p[1] == 'H') {
			sbuf_puts(&w, hour);
			p++;
		} else {
			sbuf_putc(&w, *p);
		}
	}
	is_str(strip(got), strip(sbuf_str(&w)), file);
	sbuf_fini(&w);
	free(buf);
}

static void test_tseries(void)
{
	struct type *vt = ty(TY_TSERIES, 24, true);
	struct tsv zig[20], nine[5], multi[9];
	static const int64_t zz[20] = { -5, -4, -3, -2, -1, 0, 1, 2, 3, 4,
					5,  4,  3,  2,  1,  0, -1, -2, -3, -4 };
	char *got;

	vt->lmin = 100000000;
	vt->lmax = 20;
	for (int i = 0; i < 20; i++)
		zig[i] = (struct tsv){ NULL, (uint64_t)i + 1, zz[i] };
	got = tseries_text(vt, zig, 20, false, "@");
	ok(strncmp(got, "@:\n             -5                                                  5\n"
			"hh:mm:ss.ms  |___________________________________________________|\n"
			"00:00:00.100 *                         .                         | -5\n",
		   200) == 0, "tseries header and first line");
	check_tseries_file(got, "tseries_zigzag.txt", "00");
	vt->lmax = 5;
	for (int i = 0; i < 5; i++)
		nine[i] = (struct tsv){ NULL, (uint64_t)i + 5, 9 };
	check_tseries_file(tseries_text(vt, nine, 5, false, "@a"), "tseries.txt", "00");
	{
		/* 01:00:00.000 is epoch 36000 of 100ms */
		struct tsv two[10];

		vt->lmax = 10;
		for (int i = 0; i < 10; i++)
			two[i] = (struct tsv){ i < 5 ? "one" : "two", 36000 + (uint64_t)i,
					       i == 0 ? 0 : i < 5 ? 5 : 4 };
		check_tseries_file(tseries_text(vt, two, 10, true, "@a"), "tseries_multiple.txt",
				   "01");
	}
	vt->lmax = 10;
	for (int i = 0; i < 5; i++)
		multi[i] = (struct tsv){ "one", (uint64_t)i, i ? 5 : 0 };
	for (int i = 0; i < 4; i++)
		multi[5 + i] = (struct tsv){ "two", (uint64_t)i + 6, 4 };
	/* @a[two] also has a value at epoch 5 */
	{
		struct tsv all[10];

		memcpy(all, multi, sizeof(multi));
		all[9] = (struct tsv){ "two", 5, 4 };
		/* epoch 0 means never written: give "one" its first value at a
		 * real epoch by shifting everything by 10 intervals */
		for (int i = 0; i < 10; i++)
			all[i].epoch += 10;
		vt->lmin = 100000000;
		got = tseries_text(vt, all, 10, true, "@a");
		ok(strstr(got, "@a[one]:\n") && strstr(got, "00:00:01.500 |                                                   | -\n"),
		   "tseries missing values print -");
		ok(strstr(got, "@a[two]:\n             3                                                   5\n") != NULL,
		   "tseries keyed, equal values widen the range");
	}
	is_str(tseries_text(vt, NULL, 0, false, "@"), "", "empty tseries map prints nothing");
	{
		struct tsv unused = { NULL, 0, 0 };

		is_str(tseries_text(vt, &unused, 1, false, "@"), "@:\n<no data>\n", "tseries with no data");
	}
}

/* ---- symbolization through the callbacks ---- */

static void fake_ksym(void *cookie, struct sbuf *b, uint64_t addr, bool with_offset)
{
	sbuf_printf(b, "ksym_%lx", (unsigned long)addr);
}

static void fake_kstack(void *cookie, struct sbuf *b, const struct type *t, int64_t id)
{
	sbuf_printf(b, "\n        frame_a+%ld\n        frame_b+4\n", (long)id);
}

static void fake_user(void *cookie, struct sbuf *b, uint32_t uid)
{
	sbuf_puts(b, uid ? "user" : "root");
}

static void test_symbols(void)
{
	struct out_sym sym = { .ksym = fake_ksym, .kstack = fake_kstack, .username = fake_user };
	struct type *ks = ty(TY_KSTACK, 8, false);
	struct map_info m = { .name = "@", .key_type = ks, .value_type = ty(TY_COUNT, 8, false),
			      .key_size = 8, .value_size = 8 };
	uint64_t id = 3, cnt = 5, addr = 0xabc, uid = 0;
	struct out_entry e = { &id, &cnt };
	struct sbuf b = { 0 };
	const struct type *args = TUPLE(ty(TY_KSYM, 8, false), ty(TY_USERNAME, 8, false));
	uint64_t pl[2] = { 0xabc, 1000 };

	out_map(&b, &m, &e, 1, 0, 0, &sym);
	is_str(sbuf_str(&b), "@[\n        frame_a+3\n        frame_b+4\n]: 5\n", "kstack as a map key");
	sbuf_reset(&b);
	out_value(&b, ty(TY_KSYM, 8, false), &addr, &sym);
	out_value(&b, ty(TY_USERNAME, 8, false), &uid, &sym);
	is_str(sbuf_str(&b), "ksym_abcroot", "ksym and username values");
	sbuf_reset(&b);
	out_format(&b, "%s by %-6s|", args, pl, &sym);
	is_str(sbuf_str(&b), "ksym_abc by user  |", "ksym and username in printf");
	sbuf_fini(&b);
}

/* ---- JSON ---- */

/* JSON text without white space outside strings, to compare with the
 * pretty-printed expectation files. */
static char *json_squash(const char *s)
{
	struct sbuf b = { 0 };
	bool in_str = false;
	char *r;

	for (; *s; s++) {
		if (in_str) {
			sbuf_putc(&b, *s);
			if (*s == '\\' && s[1])
				sbuf_putc(&b, *++s);
			else if (*s == '"')
				in_str = false;
		} else if (*s == '"') {
			in_str = true;
			sbuf_putc(&b, *s);
		} else if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') {
			sbuf_putc(&b, *s);
		}
	}
	r = arena_strdup(&A, sbuf_str(&b));
	sbuf_fini(&b);
	return r;
}

static void check_json_file(const char *got, const char *file)
{
	char path[512], *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/work/shared/conformance/public/outputs/%s", file);
	f = fopen(path, "r");
	if (!f) {
		ok(1, "# SKIP %s not available", path);
		return;
	}
	buf = calloc(1, 1 << 16);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	is_str(json_squash(got), json_squash(buf), file);
	free(buf);
}

static char *jmap(const struct map_info *m, const struct out_entry *e, size_t n, uint32_t top,
		  uint32_t div)
{
	struct sbuf b = { 0 };
	char *r;

	out_json_map(&b, m, e, n, top, div, NULL);
	r = arena_strndup(&A, b.s ? b.s : "", b.len);
	sbuf_fini(&b);
	return r;
}

/* A hist map from (key, bucket, count); key NULL for a scalar map. */
struct hkb {
	const char *key;
	uint64_t bucket, count;
};

static char *jhist(const char *name, struct type *vt, const struct hkb *h, size_t n, bool keyed,
		   uint32_t top)
{
	struct map_info m = { .name = name, .value_type = vt, .key_type = keyed ? t_str(16) : NULL,
			      .key_size = keyed ? 24 : 16, .value_size = 8 };
	struct out_entry *e = arena_alloc(&A, sizeof(*e) * (n ? n : 1));

	for (size_t i = 0; i < n; i++) {
		uint8_t *k = arena_alloc(&A, 24);

		if (keyed)
			strncpy((char *)k, h[i].key, 15);
		put64(k + m.key_size - 8, h[i].bucket);
		e[i].key = k;
		e[i].value = &h[i].count;
	}
	return jmap(&m, e, n, top, 0);
}

static void test_json(void)
{
	struct sbuf b = { 0 };
	struct type *cnt = t_int(8, true);

	{
		struct map_info m = { .name = "@scalar", .value_type = cnt, .key_size = 8,
				      .value_size = 8 };
		uint64_t zero = 0, five = 5;
		struct out_entry e = { &zero, &five };

		is_str(jmap(&m, &e, 1, 0, 0), "{\"type\": \"map\", \"data\": {\"@scalar\": 5}}\n",
		       "json scalar");
		check_json_file(jmap(&m, &e, 1, 0, 0), "scalar.json");
		is_str(jmap(&m, &e, 0, 0, 0), "", "json empty map");
	}
	{
		struct map_info m = { .name = "@map", .key_type = t_str(5), .value_type = cnt,
				      .key_size = 5, .value_size = 8 };
		static const uint64_t v[2] = { 3, 2 };
		struct out_entry e[2] = { { "key2", &v[0] }, { "key1", &v[1] } };

		check_json_file(jmap(&m, e, 2, 0, 0), "map.json");
	}
	{
		static const struct hkb h[] = { { NULL, 3, 1 }, { NULL, 12, 1 } };
		static const struct hkb z[] = { { NULL, 3, 0 } };
		static const struct hkb multi[] = { { "bpftrace", 3, 1 }, { "curl", 0, 1 },
						    { "curl", 1, 1 },     { "curl", 10, 1 },
						    { "curl", 12, 2 } };
		struct hkb k3[1024];

		check_json_file(jhist("@hist", ty(TY_HIST, 8, false), h, 2, false, 0), "hist.json");
		check_json_file(jhist("@hist", ty(TY_HIST, 8, false), z, 1, false, 0),
				"hist_zero.json");
		check_json_file(jhist("@", ty(TY_HIST, 8, false), multi, 5, true, 0),
				"hist_multiple.json");
		{
			/* hist($i, 3) for $i in 0..1023: count per bucket */
			struct type *h3 = ty(TY_HIST, 8, false);
			size_t nb = 0;

			h3->n = 3;
			for (uint64_t v = 0; v < 1024; v++) {
				uint64_t idx;

				if (v < 8) {
					idx = v + 1;
				} else {
					unsigned lg = 63 - (unsigned)__builtin_clzll(v);

					idx = ((uint64_t)(lg - 2) << 3) + ((v >> (lg - 3)) & 7) + 1;
				}
				if (nb && k3[nb - 1].bucket == idx) {
					k3[nb - 1].count++;
				} else {
					k3[nb].key = NULL;
					k3[nb].bucket = idx;
					k3[nb].count = 1;
					nb++;
				}
			}
			check_json_file(jhist("@", h3, k3, nb, false, 0), "hist_2args.json");
		}
	}
	{
		struct type *lh = ty(TY_LHIST, 8, false);
		static const struct hkb z[] = { { NULL, 1, 0 } };
		static const struct hkb multi[] = { { "bpftrace", 1, 1 }, { "curl", 6, 1 },
						    { "bpftrace", 11, 1 } };

		lh->lmin = 0;
		lh->lmax = 100;
		lh->lstep = 10;
		check_json_file(jhist("@h", lh, z, 1, false, 0), "lhist_zero.json");
		check_json_file(jhist("@stats", lh, multi, 3, true, 0), "lhist_multiple.json");
	}
	{
		static const struct hkb ten_g[] = { { NULL, 35, 1 } };
		struct type *lh = ty(TY_LHIST, 8, false);
		static const struct hkb l3[] = { { NULL, 1, 1 }, { NULL, 6, 1 }, { NULL, 11, 1 } };

		check_json_file(jhist("@", ty(TY_HIST, 8, false), ten_g, 1, false, 0), "hist_10g.json");
		lh->lmin = 0;
		lh->lmax = 100;
		lh->lstep = 10;
		check_json_file(jhist("@h", lh, l3, 3, false, 0), "lhist.json");
	}
	{
		/* tuple keys: ("bpftrace", 2) and ("curl", 3) */
		const struct type *kt = TUPLE(t_str(9), t_int(8, true));
		struct map_info m = { .name = "@complex", .key_type = kt, .value_type = t_int(8, true),
				      .key_size = kt->size, .value_size = 8 };
		uint8_t k1[48] = { 0 }, k2[48] = { 0 }, k3[48] = { 0 };
		static const uint64_t five = 5, c1 = 1, c0 = 0;
		struct out_entry e = { k1, &five };
		struct out_entry h[4] = { { k1, &c1 }, { k2, &c1 }, { k3, &c0 }, { NULL, &c1 } };
		uint8_t k4[48] = { 0 };

		memcpy(k1, "bpftrace", 9);
		put64(k1 + kt->fields[1].offset, 2);
		check_json_file(jmap(&m, &e, 1, 0, 0), "complex.json");
		/* the same keys with a bucket after them, for a hist map */
		put64(k1 + kt->size, 3);
		memcpy(k2, "curl", 5);
		put64(k2 + kt->fields[1].offset, 3);
		memcpy(k3, k2, kt->size);
		memcpy(k4, k2, kt->size);
		put64(k2 + kt->size, 10);
		put64(k3 + kt->size, 11);
		put64(k4 + kt->size, 12);
		h[3].key = k4;
		m.name = "@";
		m.value_type = ty(TY_HIST, 8, false);
		m.key_size = kt->size + 8;
		check_json_file(jmap(&m, h, 4, 0, 0), "hist_multiple_multiple_keys.json");
	}
	{
		static const struct hkb three[] = { { "1", 5, 1 }, { "2", 6, 1 }, { "3", 6, 1 } };

		is_str(jhist("@", ty(TY_HIST, 8, false), three, 3, true, 2),
		       "{\"type\": \"hist\", \"data\": {\"@\": {\"2\": [{\"min\": 16, \"max\": 31, "
		       "\"count\": 1}], \"3\": [{\"min\": 16, \"max\": 31, \"count\": 1}]}}}\n",
		       "json keyed hist with top");
	}
	{
		struct map_info m = { .name = "@stats", .value_type = ty(TY_STATS, 16, true),
				      .key_size = 8, .value_size = 16 };
		uint64_t zero = 0, st[2] = { 12, 2 };
		struct out_entry e = { &zero, st };

		check_json_file(jmap(&m, &e, 1, 0, 0), "stats.json");
		is_str(jmap(&m, &e, 0, 0, 0), "{\"type\": \"stats\", \"data\": {\"@stats\": {}}}\n",
		       "json empty stats map");
	}
	{
		struct map_info m = { .name = "@", .key_type = t_str(2), .value_type = ty(TY_AVG, 16, true),
				      .key_size = 2, .value_size = 16 };
		static const uint64_t v[4][2] = { { 40, 1 }, { 10, 1 }, { 30, 1 }, { 20, 1 } };
		struct out_entry e[4] = { { "d", v[0] }, { "a", v[1] }, { "c", v[2] }, { "b", v[3] } };

		is_str(jmap(&m, e, 4, 10, 10),
		       "{\"type\": \"stats\", \"data\": {\"@\": {\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}}}\n",
		       "json avg map with top and div");
	}
	{
		/* @ = (1, 2, "string", (4, 5)) and @ = (0, struct Foo) */
		const struct type *in = TUPLE(t_int(8, true), t_int(8, true));
		const struct type *tt = TUPLE(t_int(8, true), t_int(8, true), t_str(7), in);
		static const char *const mn[] = { "m", "n" };
		const struct type *foo = t_agg(TY_STRUCT, 2, mn,
					       (const struct type *const[]){ t_int(4, true),
									     t_int(4, true) });
		const struct type *t2 = TUPLE(t_int(8, true), foo);
		struct map_info m = { .name = "@", .value_type = tt, .key_size = 8, .value_size = tt->size };
		uint8_t d[64] = { 0 }, d2[16] = { 0 };
		uint64_t zero = 0;
		struct out_entry e = { &zero, d };

		put64(d + tt->fields[0].offset, 1);
		put64(d + tt->fields[1].offset, 2);
		memcpy(d + tt->fields[2].offset, "string", 7);
		put64(d + tt->fields[3].offset, 4);
		put64(d + tt->fields[3].offset + 8, 5);
		is_str(jmap(&m, &e, 1, 0, 0),
		       "{\"type\": \"map\", \"data\": {\"@\": [1,2,\"string\",[4,5]]}}\n", "json tuple map");
		put32(d2 + t2->fields[1].offset, 2);
		put32(d2 + t2->fields[1].offset + 4, 3);
		m.value_type = t2;
		e.value = d2;
		is_str(jmap(&m, &e, 1, 0, 0),
		       "{\"type\": \"map\", \"data\": {\"@\": [0,{\"m\": 2, \"n\": 3}]}}\n",
		       "json tuple with struct");
		out_json_print_value(&b, foo, d2 + t2->fields[1].offset, NULL);
		is_str(sbuf_str(&b), "{\"type\": \"value\", \"data\": {\"m\": 2, \"n\": 3}}\n",
		       "json print struct");
	}
	{
		const struct type *bt = TUPLE(ty(TY_BOOL, 1, false), ty(TY_BOOL, 1, false));
		uint8_t d[2] = { 1, 0 };
		uint64_t big = (uint64_t)-1;

		sbuf_reset(&b);
		out_json_print_value(&b, bt, d, NULL);
		is_str(sbuf_str(&b), "{\"type\": \"value\", \"data\": [true,false]}\n", "json bools");
		sbuf_reset(&b);
		out_json_value(&b, t_int(8, false), &big, NULL);
		is_str(sbuf_str(&b), "\"18446744073709551615\"", "json u64 beyond doubles is a string");
		sbuf_reset(&b);
		out_json_text(&b, "printf", "test 5", 6);
		is_str(sbuf_str(&b), "{\"type\": \"printf\", \"data\": \"test 5\"}\n", "json printf");
		sbuf_reset(&b);
		out_json_text(&b, "syscall", "a \"b\"\tc\n\x01", 9);
		is_str(sbuf_str(&b), "{\"type\": \"syscall\", \"data\": \"a \\\"b\\\"\\tc\\n\\u0001\"}\n",
		       "json escapes");
	}
	{
		/* tseries max: value 9 at 0.5s .. 0.9s */
		struct type *vt = ty(TY_TSERIES, 24, true);
		struct tsv nine[5];

		vt->lmin = 100000000;
		vt->lmax = 5;
		for (int i = 0; i < 5; i++)
			nine[i] = (struct tsv){ NULL, (uint64_t)i + 5, 9 };
		{
			struct map_info m = { .name = "@a", .value_type = vt, .key_size = 16,
					      .value_size = 24 };
			struct out_entry e[5];

			for (int i = 0; i < 5; i++) {
				uint8_t *k = arena_alloc(&A, 16), *v = arena_alloc(&A, 24);

				put64(k + 8, nine[i].epoch % 5);
				put64(v, 9);
				put64(v + 8, 1);
				put64(v + 16, nine[i].epoch);
				e[i].key = k;
				e[i].value = v;
			}
			check_json_file(jmap(&m, e, 5, 0, 0), "tseries_max.json");
			for (int i = 0; i < 5; i++)
				memset((void *)e[i].value, 0, 24);
			check_json_file(jmap(&m, e, 5, 0, 0), "tseries_zero.json");
		}
	}
	sbuf_fini(&b);
}

static void test_merge(void)
{
	struct map_info m = { .name = "@", .value_size = 16 };
	uint64_t pc[3][2], out[2];

	m.value_type = ty(TY_MIN, 16, true);
	pc[0][0] = 5, pc[0][1] = 1;
	pc[1][0] = (uint64_t)-7, pc[1][1] = 1;
	pc[2][0] = (uint64_t)-99, pc[2][1] = 0;
	out_merge_percpu(&m, pc, 3, out);
	ok((int64_t)out[0] == -7 && out[1] == 1, "min merges set values only");
	m.value_type = ty(TY_MAX, 16, false);
	out_merge_percpu(&m, pc, 3, out);
	ok(out[0] == (uint64_t)-7 && out[1] == 1, "unsigned max");
	m.value_type = ty(TY_AVG, 16, true);
	pc[0][0] = 10, pc[0][1] = 1;
	pc[1][0] = 20, pc[1][1] = 2;
	pc[2][0] = 30, pc[2][1] = 3;
	out_merge_percpu(&m, pc, 3, out);
	ok(out[0] == 60 && out[1] == 6, "avg adds totals and counts");
	{
		uint64_t c[3] = { 1, 2, 3 }, o = 0;

		m.value_type = ty(TY_COUNT, 8, false);
		m.value_size = 8;
		out_merge_percpu(&m, c, 3, &o);
		ok(o == 6, "count adds");
	}
	{
		/* a 4-byte value has an 8-byte per-CPU stride */
		uint32_t v[4] = { 9, 0xdead, 1, 0xbeef };
		uint32_t o = 0;

		m.value_type = t_int(4, false);
		m.value_size = 4;
		out_merge_percpu(&m, v, 2, &o);
		ok(o == 9, "plain values take the first CPU");
	}
}

static void test_gfp(void)
{
	is_str(fmt1("%gr", 0x1, false), "GFP_DMA", "%gr single flag");
	is_str(fmt1("%gr", 0, false), "0", "%gr zero");
	is_str(fmt1("%gr", 0xcc0, false), "GFP_KERNEL", "%gr compound name");
	is_str(fmt1("[%gr]", 0x100000cc1, false), "[GFP_KERNEL|GFP_DMA|0x100000000]",
	       "%gr compound, single and unknown bits");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	arena_init(&A);
	test_values();
	test_format();
	test_maps();
	test_tseries();
	test_symbols();
	test_json();
	test_merge();
	test_gfp();
	arena_fini(&A);
	return done_testing();
}
