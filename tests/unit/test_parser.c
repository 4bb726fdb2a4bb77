/* test_parser.c — the grammar: AST shapes (through the -d ast printer), C operator
 * precedence, locations, attach-point splitting, error recovery and reentrancy. */
#include <stdlib.h>
#include <string.h>

#include "ast/ast.h"
#include "parser/parser.h"
#include "tap.h"

struct parsed {
	struct src *src;
	struct ast_ctx cx;
	struct diag d;
	struct ast_node *prog;
	char *errors;  /* diagnostics text */
	size_t errors_len;
	FILE *errf;
};

static void parse_with(struct parsed *p, const char *text, const struct parse_opts *o)
{
	memset(p, 0, sizeof(*p));
	p->src = src_from_string("stdin", text, strlen(text));
	p->errf = open_memstream(&p->errors, &p->errors_len);
	diag_init(&p->d, p->errf);
	ast_ctx_init(&p->cx, &p->d, p->src);
	p->prog = parse_program(&p->cx, o);
	fflush(p->errf);
}

static void parse(struct parsed *p, const char *text)
{
	parse_with(p, text, NULL);
}

static void done(struct parsed *p)
{
	fclose(p->errf);
	free(p->errors);
	ast_ctx_fini(&p->cx);
	src_free(p->src);
}

/* The -d ast text of a node. */
static char *dump(const struct ast_node *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ast_print(f, n);
	fclose(f);
	return buf;
}

/* The first expression statement's expression of the first probe, dumped. */
static char *expr_of(const char *stmt_text)
{
	char prog[1024];
	struct parsed p;
	char *out;

	snprintf(prog, sizeof(prog), "begin { %s; }", stmt_text);
	parse(&p, prog);
	if (!p.prog) {
		out = strdup(p.errors ? p.errors : "(error)");
	} else {
		struct ast_node *s = p.prog->program.items->probe.body->block.stmts;

		out = dump(s->kind == AST_EXPR_STMT ? s->stmt.expr : s);
	}
	done(&p);
	return out;
}

static void check_expr(const char *text, const char *want)
{
	char *got = expr_of(text);

	is_str(got, want, text);
	free(got);
}

static void test_precedence(void)
{
	check_expr("1 + 2 * 3", "binop +\n  int 1\n  binop *\n    int 2\n    int 3\n");
	check_expr("1 - 2 - 3", "binop -\n  binop -\n    int 1\n    int 2\n  int 3\n");
	check_expr("a || b && c", "binop ||\n  identifier a\n  binop &&\n    identifier b\n    identifier c\n");
	check_expr("a & b == c", "binop &\n  identifier a\n  binop ==\n    identifier b\n    identifier c\n");
	check_expr("a | b ^ c & d",
		   "binop |\n  identifier a\n  binop ^\n    identifier b\n    binop &\n"
		   "      identifier c\n      identifier d\n");
	check_expr("a == b < c", "binop ==\n  identifier a\n  binop <\n    identifier b\n    identifier c\n");
	check_expr("1 << 2 + 3", "binop <<\n  int 1\n  binop +\n    int 2\n    int 3\n");
	check_expr("a < b << c", "binop <\n  identifier a\n  binop <<\n    identifier b\n    identifier c\n");
	check_expr("a ? b : c ? d : e",
		   "ternary\n  identifier a\n  identifier b\n  else\n    ternary\n"
		   "      identifier c\n      identifier d\n      else\n        identifier e\n");
	check_expr("a || b ? 1 : 2",
		   "ternary\n  binop ||\n    identifier a\n    identifier b\n  int 1\n  else\n    int 2\n");
	check_expr("$x ?: 5", "binop ?:\n  variable $x\n  int 5\n");
	check_expr("-$x * 2", "binop *\n  unop -\n    variable $x\n  int 2\n");
	check_expr("!a && b", "binop &&\n  unop !\n    identifier a\n  identifier b\n");
	check_expr("*$p + 1", "binop +\n  unop *\n    variable $p\n  int 1\n");
	check_expr("(uint8)$x + 1", "binop +\n  cast\n    type uint8\n    variable $x\n  int 1\n");
	check_expr("(1 + 2) * 3", "binop *\n  binop +\n    int 1\n    int 2\n  int 3\n");
	check_expr("~$x % 3 / 2", "binop /\n  binop %\n    unop ~\n      variable $x\n    int 3\n  int 2\n");
}

static void test_postfix_and_primaries(void)
{
	check_expr("$x->y[1].z",
		   "field_access .z\n  array_access\n    field_access ->y\n      variable $x\n    int 1\n");
	check_expr("$t.0.1", "tuple_access .1\n  tuple_access .0\n    variable $t\n");
	check_expr("@m[1, \"a\"]", "map @m\n  int 1\n  string \"a\"\n");
	check_expr("@m[1][2]", "array_access\n  map @m\n    int 1\n  int 2\n");
	check_expr("@", "map @\n");
	check_expr("$x++", "unop ++ (post)\n  variable $x\n");
	check_expr("--@c", "unop --\n  map @c\n");
	check_expr("&$x", "unop &\n  variable $x\n");
	check_expr("(1,)", "tuple\n  int 1\n");
	check_expr("()", "tuple\n");
	check_expr("(1, \"a\", 2,)", "tuple\n  int 1\n  string \"a\"\n  int 2\n");
	check_expr("(a = 1, b = \"x\")",
		   "record\n  named_arg a\n    int 1\n  named_arg b\n    string \"x\"\n");
	check_expr("f()", "call f\n");
	check_expr("printf(\"%d\\n\", $1, $#)",
		   "call printf\n  string \"%d\\n\"\n  positional_parameter $1\n  positional_parameter $#\n");
	check_expr("true != false", "binop !=\n  bool true\n  bool false\n");
	check_expr("sizeof(struct task_struct)", "sizeof\n  type struct task_struct\n");
	check_expr("sizeof($x)", "sizeof\n  variable $x\n");
	check_expr("offsetof(struct s, a.b)", "offsetof a.b\n  type struct s\n");
	check_expr("typeof($x)", "typeof\n  variable $x\n");
	check_expr("comptime 1 + 2", "binop +\n  comptime\n    int 1\n  int 2\n");
	check_expr("(struct task_struct *)curtask",
		   "cast\n  type struct task_struct *\n  identifier curtask\n");
	check_expr("(int8*[4])0", "cast\n  type int8 *[4]\n  int 0\n");
	check_expr("(string[16])$s", "cast\n  type string[16]\n  variable $s\n");
	check_expr("5s + 1ms", "binop +\n  int 5000000000\n  int 1000000\n");
	check_expr("$x = if ($y) { 1 } else { 2 }",
		   "assign\n  variable $x\n  if\n    variable $y\n    block_expr\n      value\n"
		   "        int 1\n    else\n      block_expr\n        value\n          int 2\n");
	check_expr("$x = { let $b = 1; $b }",
		   "assign\n  variable $x\n  block_expr\n    let\n      variable $b\n      init\n"
		   "        int 1\n    value\n      variable $b\n");
}

static void test_statements(void)
{
	check_expr("$x += 2", "assign +=\n  variable $x\n  int 2\n");
	check_expr("@x[1] <<= 2", "assign <<=\n  map @x\n    int 1\n  int 2\n");
	check_expr("_ = f()", "assign\n  discard\n  call f\n");
	check_expr("let $x", "let\n  variable $x\n");
	check_expr("let $x: uint32 = 5", "let\n  variable $x\n  type uint32\n  init\n    int 5\n");
	check_expr("let $y: string[8] = \"a\"", "let\n  variable $y\n  type string[8]\n  init\n    string \"a\"\n");
	check_expr("return 1", "jump return\n  int 1\n");
	check_expr("if ($x) { 1 } else if ($y) { 2 } else { 3 }",
		   "if\n  variable $x\n  block\n    expr_stmt\n      int 1\n  else\n    if\n"
		   "      variable $y\n      block\n        expr_stmt\n          int 2\n      else\n"
		   "        block\n          expr_stmt\n            int 3\n");
	check_expr("for ($kv : @m) { break; }",
		   "for_map\n  variable $kv\n  map @m\n  block\n    jump break\n");
	check_expr("for ($i : 1..$n) { continue; }",
		   "for_range\n  variable $i\n  int 1\n  variable $n\n  block\n    jump continue\n");
	check_expr("while ($i < 3) { $i++ }",
		   "while\n  binop <\n    variable $i\n    int 3\n  block\n    expr_stmt\n"
		   "      unop ++ (post)\n        variable $i\n");
	check_expr("unroll(2) { }", "unroll\n  int 2\n  block\n");
}

static void test_program_shape(void)
{
	struct parsed p;
	char *got;

	parse(&p, "#include <linux/sched.h>\nstruct S { int x; }\nconfig = { max_map_keys = 10; "
		  "stack_mode = perf }\nimport \"lib\";\nlet @m = hash(16);\n"
		  "macro inc($a, @b, c) { $a += 1; }\nfn add($a: int64, $b: int64): int64 { return $a + $b; }\n"
		  "BEGIN { }");
	got = p.prog ? dump(p.prog) : strdup(p.errors);
	is_str(got,
	       "program\n"
	       "  include <linux/sched.h>\n"
	       "  c_definition \"struct S { int x; }\"\n"
	       "  config max_map_keys\n    int 10\n"
	       "  config stack_mode\n    identifier perf\n"
	       "  import \"lib\"\n"
	       "  map_decl @m\n    call hash\n      int 16\n"
	       "  macro inc\n    params\n      variable $a\n      map @b\n      identifier c\n"
	       "    block\n      assign +=\n        variable $a\n        int 1\n"
	       "  fn add\n    params\n      let\n        variable $a\n        type int64\n"
	       "      let\n        variable $b\n        type int64\n    returns\n      type int64\n"
	       "    block\n      jump return\n        binop +\n          variable $a\n          variable $b\n"
	       "  probe\n    attach \"BEGIN\" provider=\"BEGIN\" parts=[]\n    block\n",
	       "top-level items");
	free(got);
	done(&p);

	parse(&p, "kprobe:f /pid/ { 1 }");
	got = dump(p.prog);
	is_str(got,
	       "program\n  probe\n    attach \"kprobe:f\" provider=\"kprobe\" parts=[\"f\"]\n"
	       "    predicate\n      identifier pid\n    block\n      expr_stmt\n        int 1\n",
	       "predicate; a trailing expression in a probe is a statement");
	free(got);
	done(&p);
}

static void test_attach(void)
{
	static const char *const params[] = { "/bin/bash", "main" };
	struct parse_opts o = { .pos_params = params, .n_pos_params = 2 };
	struct parsed p;
	struct ast_node *ap;

	parse(&p, "uprobe:/bin/bash:\"ns::f\", u:/x:cpp:\"f(int)\", t:syscalls:sys_enter_*, "
		  "name=k:vfs_read+16 { }");
	ok(p.prog != NULL, "attach points parse");
	ap = p.prog->program.items->probe.attach;
	is_str(ap->attach.provider, "uprobe", "provider");
	is_int(ap->attach.n_parts, 2, "two parts");
	is_str(ap->attach.parts[0], "/bin/bash", "path part");
	is_str(ap->attach.parts[1], "ns::f", "quoted part keeps its colons");
	ok(!ap->attach.has_wildcard, "no wildcard");
	ap = ap->next;
	is_int(ap->attach.n_parts, 3, "cpp: three parts");
	is_str(ap->attach.parts[2], "f(int)", "quoted signature");
	ap = ap->next;
	ok(ap->attach.has_wildcard, "wildcard");
	ap = ap->next;
	is_str(ap->attach.label, "name", "label");
	is_str(ap->attach.provider, "k", "provider after label");
	is_str(ap->attach.parts[0], "vfs_read+16", "offset part");
	is_str(ap->attach.raw, "k:vfs_read+16", "raw without the label");
	is_int(ap->loc.col, 70, "attach loc col");
	done(&p);

	parse_with(&p, "uprobe:$1:$2, uprobe:$1:\"$2\", uprobe:$3:x { }", &o);
	ok(p.prog != NULL, "positional parameters in attach points");
	ap = p.prog->program.items->probe.attach;
	is_str(ap->attach.raw, "uprobe:/bin/bash:main", "substituted raw");
	is_str(ap->attach.parts[0], "/bin/bash", "substituted part");
	is_str(ap->next->attach.parts[1], "$2", "not substituted inside quotes");
	is_str(ap->next->next->attach.parts[0], "", "missing parameter is empty");
	done(&p);

	parse(&p, "uprobe:$a:f { }");
	ok(p.prog == NULL && strstr(p.errors, "invalid trailing character for positional param: a"),
	   "bad positional parameter in an attach point");
	done(&p);
}

static void test_locations(void)
{
	struct parsed p;
	struct ast_node *st, *e;

	parse(&p, "begin {\n  $x = 1 +\n    22;\n}");
	st = p.prog->program.items->probe.body->block.stmts;
	is_int(st->kind, AST_ASSIGN, "assignment");
	is_int(st->loc.line, 2, "assign line");
	is_int(st->loc.col, 3, "assign col");
	is_int(st->loc.end_line, 3, "assign end line");
	is_int(st->loc.end_col, 6, "assign end col");
	e = st->assign.rhs;
	is_int(e->loc.off, 15, "binop offset");
	is_int(e->loc.len, 10, "binop length");
	is_int(e->bin.r->loc.col, 5, "rhs col");
	is_int(e->bin.r->loc.len, 2, "rhs len");
	is_int(p.prog->program.items->loc.len, 5, "probe loc spans its attach points");
	done(&p);

	/* a directive continued with '\' ends on its last line (found by fuzz_parse) */
	parse(&p, "#if 0 \\\n  xx\nbegin { }");
	ok(p.prog != NULL, "continued directive parses");
	st = p.prog ? p.prog->program.items : NULL;
	ok(st && st->loc.line == 1 && st->loc.end_line == 2 && st->loc.end_col == 4,
	   "continued directive ends at 2:4");
	done(&p);
}

static void test_errors(void)
{
	struct parsed p;
	unsigned lines = 0;

	parse(&p, "begin { $x = ; $y = 2; @z = ; }\nend { print(1 }\nkprobe:f { 1 + }");
	ok(p.prog == NULL, "errors give NULL");
	is_int(p.d.n_errors, 4, "four errors reported after recovery");
	for (char *c = p.errors; c && *c; c++)
		lines += *c == '\n';
	is_int(lines, 12, "each with its source line and underline");
	ok(strstr(p.errors, "stdin:1:14-15: ERROR: syntax: unexpected ';'") != NULL,
	   "first error located");
	ok(strstr(p.errors, "stdin:2:15-16: ERROR: syntax: unexpected '}', expecting ')' or ','") != NULL,
	   "missing ')'");
	done(&p);

	parse(&p, "begin { printf(\"x\");");
	ok(strstr(p.errors, "unexpected end of file, expecting '}'") != NULL, "missing brace");
	done(&p);

	parse(&p, "begin { $x = \"abc\\q\"; $y = 0xfffffffffffffffff; ` }");
	is_int(p.d.n_errors, 3, "lexical errors: escape, overflow, character");
	done(&p);

	/* the parser can run again and again in one process */
	for (int i = 0; i < 3; i++) {
		parse(&p, i % 2 ? "begin { ( }" : "begin { print(1); }");
		ok(i % 2 ? p.prog == NULL : p.prog != NULL, "run %d", i);
		done(&p);
	}
	parse(&p, "");
	ok(p.prog != NULL && p.prog->program.items == NULL, "empty program");
	done(&p);
}

static void test_parse_expression(void)
{
	static const struct { const char *text; const char *want; } cases[] = {
		{ "\"\\033[31m\"", "string \"\\x1b[31m\"\n" },
		{ "(1 << 3)", "binop <<\n  int 1\n  int 3\n" },
		{ "  42  ", "int 42\n" },
		{ "sizeof(struct x) * 2", "binop *\n  sizeof\n    type struct x\n  int 2\n" },
		{ "do { } while (0)", NULL },
		{ "1 2", NULL },
		{ "", NULL },
	};
	struct parsed p;

	parse(&p, "begin { }");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct src *s = src_from_string("define", cases[i].text, strlen(cases[i].text));
		struct ast_node *e = parse_expression(&p.cx, s, true);
		char *got = e ? dump(e) : NULL;

		if (cases[i].want)
			is_str(got, cases[i].want, cases[i].text);
		else
			ok(e == NULL, "not an expression: '%s'", cases[i].text);
		free(got);
		src_free(s);
	}
	is_int(p.d.n_errors, 0, "quiet: no diagnostics");
	done(&p);
}

int main(void)
{
	test_parse_expression();
	test_precedence();
	test_postfix_and_primaries();
	test_statements();
	test_program_shape();
	test_attach();
	test_locations();
	test_errors();
	return done_testing();
}
