/* test_lexer.c — the scanner: token kinds, values, locations, context-dependent
 * tokens (attach points, casts, records, predicates) and lexical errors. */
#include <stdlib.h>
#include <string.h>

#include "ast/ast.h"
#include "lexer/lexer.h"
#include "tap.h"

#define MAX_TOKS 128

struct toks {
	int n;
	int kind[MAX_TOKS];
	union lex_val val[MAX_TOKS];
	struct lex_loc loc[MAX_TOKS];
	unsigned n_errors;
};

/* Scans @text completely (the EOF token included). */
/* String copies made by scan(); freed when the next scan starts. */
static struct ptrvec copies;

static void free_copies(void)
{
	for (size_t i = 0; i < copies.n; i++)
		free(copies.v[i]);
	ptrvec_fini(&copies);
}

static void scan(const char *text, struct toks *t)
{
	struct src *s = src_from_string("stdin", text, strlen(text));
	FILE *devnull = fopen("/dev/null", "w");
	struct diag d;
	struct ast_ctx cx;
	struct lexer *lx;

	free_copies();
	diag_init(&d, devnull);
	ast_ctx_init(&cx, &d, s);
	lx = lex_new(&cx);
	memset(t, 0, sizeof(*t));
	do {
		t->kind[t->n] = lex_next(lx, &t->val[t->n], &t->loc[t->n]);
		/* copy strings out of the arena before it goes */
		if (t->kind[t->n] != LEX_INT && t->kind[t->n] != LEX_POSPARAM &&
		    t->kind[t->n] != LEX_POSCOUNT && t->val[t->n].str.s &&
		    t->kind[t->n] > LEX__BASE && t->kind[t->n] <= LEX_CDEF) {
			size_t len = t->kind[t->n] == LEX_STRING ? t->val[t->n].str.len
								 : strlen(t->val[t->n].str.s);
			char *c = malloc(len + 1);

			memcpy(c, t->val[t->n].str.s, len);
			c[len] = 0;
			t->val[t->n].str.s = c;
			ptrvec_push(&copies, c);
		}
		t->n++;
	} while (t->kind[t->n - 1] != 0 && t->n < MAX_TOKS);
	t->n_errors = d.n_errors;
	lex_free(lx);
	ast_ctx_fini(&cx);
	src_free(s);
	fclose(devnull);
}

/* The token kinds of @text as names joined by spaces (EOF left out). */
static const char *kinds(const char *text)
{
	static char buf[4096];
	struct toks t;

	scan(text, &t);
	buf[0] = 0;
	for (int i = 0; i < t.n && t.kind[i]; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, lex_token_name(t.kind[i]));
	}
	return buf;
}

static void test_probe_tokens(void)
{
	is_str(kinds("kprobe:vfs_read /pid == 1/ { @x[comm] = count(); }"),
	       "attach point '/' identifier '==' integer '/' (end of predicate) '{' map '[' "
	       "identifier ']' '=' identifier '(' ')' ';' '}'",
	       "probe with predicate");
	is_str(kinds("BEGIN,END{}"), "attach point ',' attach point '{' '}'", "BEGIN,END");
	is_str(kinds("i:s:1{ $x = $1 + $#; }"),
	       "attach point '{' variable '=' positional parameter '+' '$#' ';' '}'",
	       "params");
	is_str(kinds("begin { $a += 1; $a <<= 2; $a >>= 1; $p->f; $t.0; @++; 1..2 }"),
	       "attach point '{' variable '+=' integer ';' variable '<<=' integer ';' variable "
	       "'>>=' integer ';' variable '->' identifier ';' variable '.' integer ';' map "
	       "'++' ';' integer '..' integer '}'",
	       "operators");
	is_str(kinds("begin { if (x) { } else { } while (1) { } for ($k : @m) { } unroll(2) { } }"),
	       "attach point '{' if '(' identifier ')' '{' '}' else '{' '}' while '(' integer ')' "
	       "'{' '}' for '(' variable ':' map ')' '{' '}' unroll '(' integer ')' '{' '}' '}'",
	       "keywords");
	is_str(kinds("// comment\nbegin /* c */ { /* x */ } // end"), "attach point '{' '}'",
	       "comments skipped");
	is_str(kinds("kprobe:f / $x / 2 > 1 / { }"),
	       "attach point '/' variable '/' integer '>' integer '/' (end of predicate) '{' '}'",
	       "division inside a predicate");
}

static void test_attach_points(void)
{
	static const char *const aps[] = {
		"uprobe:/bin/bash:readline", "u:libc:malloc", "kprobe:vfs_*",
		"t:syscalls:sys_enter_open*", "usdt:./a.out:prov:name", "profile:hz:99",
		"i:ms:100", "k:f+0x10", "uprobe:./x:\"ns::f\"", "u:/x:cpp:\"f(int)\"",
		"watchpoint:0x1000:8:rw", "uprobe:$1:main", "name=kprobe:f",
		"tracepoint:sched:sched_switch",
	};
	char buf[256];
	struct toks t;

	for (size_t i = 0; i < ARRAY_SIZE(aps); i++) {
		snprintf(buf, sizeof(buf), "%s { }", aps[i]);
		scan(buf, &t);
		ok(t.kind[0] == LEX_ATTACH && t.val[0].str.s && strcmp(t.val[0].str.s, aps[i]) == 0 &&
			   t.kind[1] == '{',
		   "one attach point token: %s", aps[i]);
	}
	scan("uprobe:/bin/bash:readline,\n  kprobe:f {}", &t);
	is_int(t.kind[2], LEX_ATTACH, "second attach point");
	is_int(t.loc[2].line, 2, "second attach point line");
	is_int(t.loc[2].col, 3, "second attach point col");
	is_int(t.loc[0].end_col, 25, "first attach point end col");
	scan("struct:probe { }", &t);
	ok(t.kind[0] == LEX_ATTACH, "struct:probe is an attach point");
}

static void test_integers(void)
{
	static const struct { const char *text; uint64_t v; } cases[] = {
		{ "0", 0 }, { "42", 42 }, { "0x10", 16 }, { "0XfF", 255 }, { "010", 8 },
		{ "0b101", 5 }, { "1_000_000", 1000000 }, { "5s", 5000000000ULL },
		{ "10ms", 10000000 }, { "2us", 2000 }, { "3ns", 3 }, { "1m", 60000000000ULL },
		{ "1h", 3600000000000ULL }, { "1d", 86400000000000ULL }, { "1e6", 1000000 },
		{ "7u", 7 }, { "7ull", 7 }, { "7LL", 7 }, { "18446744073709551615", UINT64_MAX },
	};
	char buf[128], err[256];
	struct toks t;
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(buf, sizeof(buf), "begin { $x = %s; }", cases[i].text);
		scan(buf, &t);
		ok(t.kind[4] == LEX_INT && t.val[4].num == cases[i].v && t.n_errors == 0,
		   "integer %s = %llu", cases[i].text, (unsigned long long)cases[i].v);
	}
	ok(lex_parse_uint("18446744073709551616", 20, &v, err, sizeof(err)) < 0 &&
		   strstr(err, "overflow error"),
	   "overflow: %s", err);
	ok(lex_parse_uint("12abc", 5, &v, err, sizeof(err)) < 0 &&
		   strcmp(err, "invalid trailing bytes: 12abc") == 0,
	   "bad suffix: %s", err);
	ok(lex_parse_uint("4294967296u", 11, &v, err, sizeof(err)) < 0, "u suffix range");
	ok(lex_parse_uint("12e3", 4, &v, err, sizeof(err)) < 0, "scientific coefficient");
	ok(lex_parse_uint("99999999999d", 12, &v, err, sizeof(err)) < 0, "duration overflow");
	scan("begin { $x = 99999999999999999999; $y = 1; }", &t);
	is_int(t.n_errors, 1, "overflow reported once");
	is_int(t.kind[4], LEX_INT, "overflowing literal is still an integer token");
	scan("begin { $t.1; }", &t);
	ok(t.kind[3] == '.' && t.kind[4] == LEX_INT && t.val[4].num == 1, "tuple index");
	scan("begin { $c = 'A'; }", &t);
	ok(t.kind[4] == LEX_INT && t.val[4].num == 65, "character literal");
}

static void test_strings(void)
{
	struct toks t;

	scan("begin { \"a\\n\\t\\\\\\\"\\x41\\101\\0z\" }", &t);
	ok(t.kind[2] == LEX_STRING, "string token");
	ok(t.val[2].str.len == 9 && memcmp(t.val[2].str.s, "a\n\t\\\"AA\0z", 9) == 0,
	   "escapes decoded (len %u)", t.val[2].str.len);
	is_int(t.n_errors, 0, "no errors");
	scan("begin { \"\\q\" }", &t);
	is_int(t.n_errors, 1, "bad escape");
	scan("begin { \"\\777\" }", &t);
	is_int(t.n_errors, 1, "octal escape out of range");
	scan("begin { \"\\x\" }", &t);
	is_int(t.n_errors, 1, "empty hex escape");
	scan("begin { \"abc }", &t);
	is_int(t.n_errors, 1, "unterminated string");
	scan("begin { /* abc }", &t);
	is_int(t.n_errors, 1, "unterminated comment");
	scan("begin { ` }", &t);
	is_int(t.n_errors, 1, "bad character");
	ok(t.kind[2] == '}', "scanning goes on after a bad character");
	scan("begin { $ }", &t);
	is_int(t.n_errors, 1, "lone $");
	scan("begin { $0 }", &t);
	is_int(t.n_errors, 1, "$0");
}

static void test_parens(void)
{
	is_str(kinds("begin { (int32)$x; (struct x *)p; (uint8*[4])0; (typeof($y))$x; }"),
	       "attach point '{' '(' (cast) identifier ')' variable ';' '(' (cast) struct identifier "
	       "'*' ')' identifier ';' '(' (cast) identifier '*' '[' integer ']' ')' integer ';' "
	       "'(' (cast) typeof '(' variable ')' ')' variable ';' '}'",
	       "casts");
	is_str(kinds("begin { ($x); (pid) - 1; f(int32); (a = 1, b = 2); (a == 1); }"),
	       "attach point '{' '(' variable ')' ';' '(' identifier ')' '-' integer ';' identifier "
	       "'(' identifier ')' ';' '(' (record) identifier '=' integer ',' identifier '=' "
	       "integer ')' ';' '(' identifier '==' integer ')' ';' '}'",
	       "not casts; records");
	is_str(kinds("begin { sizeof(struct x); sizeof(x); sizeof(int8); typeof(uint8 *); "
		     "offsetof(struct x, a); offsetof($x, a); }"),
	       "attach point '{' sizeof '(' (type) struct identifier ')' ';' sizeof '(' identifier "
	       "')' ';' sizeof '(' (type) identifier ')' ';' typeof '(' (type) identifier '*' ')' "
	       "';' offsetof '(' (type) struct identifier ',' identifier ')' ';' offsetof '(' "
	       "variable ',' identifier ')' ';' '}'",
	       "type operands");
}

static void test_top_level(void)
{
	struct toks t;

	scan("#!/usr/bin/env bpftrace\n#include <linux/sched.h>\n#include \"x.h\"\n"
	     "#define X 1\nstruct S { int a; struct { int b; } c; } __attribute__((packed));\n"
	     "typedef struct S S_t;\nconfig = { a = 1 }\nlet @m = hash(10);\nbegin { }",
	     &t);
	is_int(t.kind[0], LEX_INCLUDE, "include");
	is_str(t.val[0].str.s, "linux/sched.h", "include path");
	ok(t.val[0].str.flag, "system include");
	is_int(t.loc[0].line, 2, "include line (shebang skipped)");
	is_int(t.kind[1], LEX_INCLUDE, "quoted include");
	ok(!t.val[1].str.flag, "local include");
	is_int(t.kind[2], LEX_CPP, "define");
	is_str(t.val[2].str.s, "#define X 1", "define text");
	is_int(t.kind[3], LEX_CDEF, "struct definition");
	is_str(t.val[3].str.s, "struct S { int a; struct { int b; } c; } __attribute__((packed));",
	       "struct text");
	is_int(t.kind[4], LEX_CDEF, "typedef");
	is_str(t.val[4].str.s, "typedef struct S S_t;", "typedef text");
	is_int(t.kind[5], LEX_KW_CONFIG, "config");
	is_int(t.kind[12], LEX_KW_LET, "let");
	is_int(t.kind[13], LEX_MAP, "map");
	is_int(t.kind[19], ';', "map declaration ends");
	is_int(t.kind[20], LEX_ATTACH, "probe after the map declaration");
	is_int(t.n_errors, 0, "no errors");
	scan("config={license=\"GPL\"} begin {}", &t);
	ok(t.kind[0] == LEX_KW_CONFIG && t.kind[1] == '=' && t.kind[2] == '{', "config={ ... }");
}

static void test_locations(void)
{
	struct toks t;

	scan("begin {\n  $x = \"ab\";\n\t@y = 10;\n}", &t);
	/* begin { $x = "ab" ; @y = 10 ; } */
	is_int(t.loc[2].line, 2, "$x line");
	is_int(t.loc[2].col, 3, "$x col");
	is_int(t.loc[2].end_col, 4, "$x end col");
	is_int(t.loc[2].off, 10, "$x offset");
	is_int(t.loc[2].end, 12, "$x end offset");
	is_int(t.loc[4].col, 8, "string col");
	is_int(t.loc[4].end_col, 11, "string end col");
	is_int(t.loc[6].line, 3, "@y line");
	is_int(t.loc[6].col, 2, "@y col (tab is one column)");
	is_int(t.loc[10].line, 4, "} line");
	is_int(t.kind[11], 0, "end of file");
	is_int(t.loc[11].line, 4, "end of file after the last token");
	is_int(t.loc[11].col, 2, "end of file column");
}

static void test_expr_mode(void)
{
	struct src *prog = src_from_string("stdin", "", 0);
	struct src *s = src_from_string("define", "(1 << 3) + X", 12);
	FILE *devnull = fopen("/dev/null", "w");
	struct diag d;
	struct ast_ctx cx;
	struct lexer *lx;
	union lex_val v;
	struct lex_loc l;
	int want[] = { LEX_START_EXPR, '(', LEX_INT, LEX_OP_SHL, LEX_INT, ')', '+', LEX_IDENT, 0 };
	bool same = true;

	diag_init(&d, devnull);
	ast_ctx_init(&cx, &d, prog);
	lx = lex_new_expr(&cx, s);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		same &= lex_next(lx, &v, &l) == want[i];
	ok(same, "expression mode: code tokens after LEX_START_EXPR");
	is_int(l.off, 12, "end of input located in the expression's source");
	lex_free(lx);
	ast_ctx_fini(&cx);
	src_free(s);
	src_free(prog);
	fclose(devnull);
}

int main(void)
{
	test_expr_mode();
	test_probe_tokens();
	test_attach_points();
	test_integers();
	test_strings();
	test_parens();
	test_top_level();
	test_locations();
	free_copies();
	return done_testing();
}
