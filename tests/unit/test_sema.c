/* test_sema.c — sema on parsed programs: inferred types, map layouts, actions,
 * and the located errors for bad programs. Uses only begin/end/interval probes,
 * which need no tracefs, BTF or root. */
#include <stdlib.h>
#include <string.h>

#include "ast/ast.h"
#include "parser/parser.h"
#include "probes/probe.h"
#include "sema/sema.h"
#include "tap.h"

struct run {
	struct diag d;
	struct ast_ctx cx;
	struct src *src;
	struct resources res;
	struct ast_node *prog;
	char *errs;
	size_t errs_len;
	FILE *errf;
	int rc;
};

static void run_prog(struct run *r, const char *text)
{
	struct sema_opts o = { 0 };
	static const char *const params[] = { "42", "hello" };

	memset(r, 0, sizeof(*r));
	r->errf = open_memstream(&r->errs, &r->errs_len);
	diag_init(&r->d, r->errf);
	r->d.quiet_locs = true;
	r->src = src_from_string("stdin", text, strlen(text));
	ast_ctx_init(&r->cx, &r->d, r->src);
	r->prog = parse_program(&r->cx, NULL);
	o.pos_params = params;
	o.n_pos_params = 2;
	r->rc = r->prog ? sema_run(&r->cx, r->prog, &o, &r->res) : -2;
	fflush(r->errf);
}

static void run_fini(struct run *r)
{
	resources_fini(&r->res);
	ast_ctx_fini(&r->cx);
	src_free(r->src);
	fclose(r->errf);
	free(r->errs);
}

static const struct map_info *map_named(struct run *r, const char *name)
{
	for (size_t i = 0; i < r->res.maps.n; i++) {
		const struct map_info *m = r->res.maps.v[i];

		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

/* The program compiles without errors. */
static void ok_prog(const char *text)
{
	struct run r;

	run_prog(&r, text);
	ok(r.rc == 0, "accepted: %.*s", (int)strcspn(text, "\n"), text);
	if (r.rc)
		printf("# %s", r.errs ? r.errs : "");
	run_fini(&r);
}

/* The program is rejected with an error containing @want. */
static void err_prog(const char *text, const char *want)
{
	struct run r;

	run_prog(&r, text);
	ok(r.rc != 0 && r.errs && strstr(r.errs, want), "rejected with '%s': %.*s", want,
	   (int)strcspn(text, "\n"), text);
	if (!(r.errs && strstr(r.errs, want)))
		printf("# got: %s\n", r.errs ? r.errs : "(nothing)");
	run_fini(&r);
}

static void test_map_types(void)
{
	struct run r;
	const struct map_info *m;

	run_prog(&r, "begin { @a = 1; @s = \"abc\"; @t[1, \"x\"] = comm; @c[pid] = count(); "
		     "@h = hist(5); @l[1] = lhist(3, 0, 10, 2); @m = min(-1); exit(); }");
	ok(r.rc == 0, "map program accepted");
	m = map_named(&r, "@a");
	ok(m && m->value_type->kind == TY_INT && m->value_type->size == 8 && m->value_type->is_signed,
	   "@a holds int64");
	ok(m && m->key_type == NULL && m->key_size == 8, "scalar map has a u64 key");
	m = map_named(&r, "@s");
	ok(m && m->value_type->kind == TY_STRING && m->value_type->size == 4, "@s holds string[4]");
	m = map_named(&r, "@t");
	ok(m && m->key_type && m->key_type->kind == TY_TUPLE && m->key_type->n_fields == 2,
	   "@t has a two-field tuple key");
	ok(m && m->value_type->kind == TY_STRING && m->value_type->size == 16, "@t holds comm (string[16])");
	m = map_named(&r, "@c");
	ok(m && m->value_type->kind == TY_COUNT && m->kind == MAPK_PERCPU_HASH, "count() map is per-CPU");
	ok(m && m->key_type && m->key_type->size == 8, "pid key stored as 8 bytes");
	m = map_named(&r, "@h");
	ok(m && m->value_type->kind == TY_HIST && m->key_size == 8 && m->value_size == 8,
	   "scalar hist: key is the u64 bucket");
	m = map_named(&r, "@l");
	ok(m && m->value_type->kind == TY_LHIST && m->value_type->lmax == 10 && m->value_type->lstep == 2 &&
	   m->key_size == 16, "lhist parameters and key size (user key + bucket)");
	m = map_named(&r, "@m");
	ok(m && m->value_type->kind == TY_MIN && m->value_size == 16, "min() value is {value, is_set}");
	for (size_t i = 0; i < r.res.maps.n; i++) {
		const struct map_info *x = r.res.maps.v[i];

		ok(x->bpf_name && x->bpf_name[0] == 'm', "map %s has BPF name %s", x->name, x->bpf_name);
	}
	run_fini(&r);
}

static void test_actions(void)
{
	struct run r;
	const struct action *a;

	run_prog(&r, "begin { printf(\"%d %s\\n\", 42, \"hi\"); print(@x); exit(3); @x = 1; }");
	ok(r.rc == 0, "action program accepted");
	ok(r.res.actions.n == 3, "three actions");
	a = r.res.actions.n > 0 ? r.res.actions.v[0] : NULL;
	ok(a && a->kind == ACT_PRINTF && !strcmp(a->fmt, "%d %s\n"), "printf action with its format");
	ok(a && a->args && a->args->n_fields == 2 && a->args->fields[1].type->kind == TY_STRING &&
	   a->args->fields[1].type->size == 3, "printf payload: (int, string[3])");
	ok(a && a->size >= 8 + a->args->size, "event size covers header and payload");
	a = r.res.actions.n > 1 ? r.res.actions.v[1] : NULL;
	ok(a && a->kind == ACT_PRINT_MAP && a->map && !strcmp(a->map->name, "@x"), "print(@x) prints the map");
	a = r.res.actions.n > 2 ? r.res.actions.v[2] : NULL;
	ok(a && a->kind == ACT_EXIT && a->args && a->args->size == 8, "exit action carries the code");
	ok(r.res.needs_events, "events ring buffer needed");
	run_fini(&r);
}

static void test_probes(void)
{
	struct run r;
	const struct probe_info *p;

	run_prog(&r, "begin { } i:ms:100 { } end { }");
	ok(r.rc == 0, "probe program accepted");
	ok(r.res.probes.n == 3, "three probes");
	p = r.res.probes.n > 0 ? r.res.probes.v[0] : NULL;
	ok(p && p->is_begin && !p->is_end && p->prog_name && p->section, "begin probe marked");
	p = r.res.probes.n > 2 ? r.res.probes.v[2] : NULL;
	ok(p && p->is_end && r.res.has_end, "end probe marked");
	run_fini(&r);
}

static void test_accepts(void)
{
	ok_prog("begin { $x = 1; $x = 1000000; $y = $x + 1; if ($y > 2) { printf(\"%d\\n\", $y); } }");
	ok_prog("begin { let $a; if ($a) { $a = 1; } @b = $a; }");
	ok_prog("begin { $s = \"a\"; $s = \"longer\"; print($s); }");
	ok_prog("begin { $t = (1, \"two\", (3, 4)); print($t.2.1); }");
	ok_prog("begin { for ($i : 0..5) { if ($i == 3) { break; } } }");
	ok_prog("begin { @m[1] = 2; for ($kv : @m) { print($kv.1); } }");
	ok_prog("begin { printf(\"%d %s\\n\", $1, str($2)); }");
	ok_prog("struct Foo { int a; char b[8]; }; begin { $p = (struct Foo *)0; print(sizeof(struct Foo)); }");
	ok_prog("enum E { A = 1, B }; begin { printf(\"%d %s\\n\", B, B); }");
	ok_prog("macro add(x) { x + 1 } begin { print(add(2)); }");
	ok_prog("begin { $x = 5 ?: 3; $y = true ? \"a\" : \"bcd\"; print(($x, $y)); }");
	ok_prog("begin { @x = 1; @x++; @x += 5; print(@x); delete(@x); }");
	ok_prog("begin { @ts = tseries(5, 1s, 10); @b = buf(\"abc\", 2); print(strftime(\"%H\", nsecs)); }");
	ok_prog("begin { printf(\"%s %s\\n\", ntop(0x0100007f), ntop(pton(\"::1\"))); }");
	ok_prog("begin { print(if (1) { 2 } else { 3 }); let $a: typeof(size_t) = 1; print($a); }");
	ok_prog("struct P { int x; char y; int z; } __attribute__((packed)) begin { print(sizeof(struct P)); }");
	ok_prog("begin { print(signal_name(2)); print((getopt(\"n\", 5), pcomm, ppid)); }");
	ok_prog("begin { $t = (1, 2, 3); print($t[1 + 1]); @a += 1; @m[1] = 1; for ($kv : @m) { @n = 1; } }");
	ok_prog("#define TEN 10\nbegin { print(TEN); }");
}

/* Literal typing as bpftrace does: the smallest signed type that fits. */
static void test_literal_types(void)
{
	struct run r;
	const struct map_info *m;

	run_prog(&r, "begin { @t[(1, 300, 70000, \"ab\")] = 1; @u = 0xffffffffffffffff; }");
	ok(r.rc == 0, "literal program accepted");
	m = map_named(&r, "@t");
	ok(m && m->key_type && m->key_type->n_fields == 4 &&
	   m->key_type->fields[0].type->size == 1 && m->key_type->fields[1].type->size == 2 &&
	   m->key_type->fields[2].type->size == 4 && m->key_type->fields[3].type->size == 3,
	   "tuple elements keep int8/int16/int32/string[3]");
	ok(m && m->key_type && m->key_type->fields[2].offset == 4 && m->key_type->size == 12,
	   "tuple fields naturally aligned");
	m = map_named(&r, "@u");
	ok(m && m->value_type->kind == TY_INT && !m->value_type->is_signed, "huge literal is uint64");
	run_fini(&r);
}

static void test_errors(void)
{
	err_prog("begin { print($nope); }", "Undefined or undeclared variable: $nope");
	err_prog("begin { nosuchfn(1); }", "Unknown function: 'nosuchfn'");
	err_prog("begin { print(nosuchident); }", "Unknown identifier: 'nosuchident'");
	err_prog("begin { @x = 1; @x = \"str\"; }", "Type mismatch for @x");
	err_prog("begin { @x[1] = 1; @x = 2; }", "used as a map without an explicit key");
	err_prog("begin { @x = count(); @x = sum(5); }", "Type mismatch for @x");
	err_prog("begin { $x = 1; $x = \"s\"; }", "Type mismatch for $x");
	err_prog("begin { printf(\"%d %d\\n\", 1); }", "printf: Not enough arguments");
	err_prog("begin { printf(\"%d\\n\", 1, 2); }", "printf: Too many arguments");
	err_prog("begin { print(args.foo); }", "The args builtin can only be used");
	err_prog("begin { print(arg0); }", "The arg0 builtin can only be used");
	err_prog("begin { @h = hist(1, 10); }", "hist: bits 10 must be 0..5");
	err_prog("begin { @l = lhist(1, 0, 10, 0); }", "lhist() step must be >= 1");
	err_prog("begin { count(); }", "count() must be assigned directly to a map");
	err_prog("begin { break; }", "'break' statement is not allowed outside of a loop");
	err_prog("begin { print(@undefined); }", "Undefined map: @undefined");
	err_prog("begin { $x = \"a\" * 2; }", "The * operator can not be used");
	err_prog("begin { exit(\"x\"); }", "exit() expects an integer argument");
	err_prog("config = { nonsense = 1 } begin { }", "nonsense: not a known configuration option");
	err_prog("begin { @x[1, 2] = 1; @x[\"a\"] = 2; }", "Argument mismatch for @x");
	err_prog("config = { license = \"Potato\" } begin { }", "Invalid value for license");
	err_prog("begin { $t = (1, 2); print($t.5); }", "Invalid tuple index");
	err_prog("begin { print(reg(\"sp\")); }", "reg can not be used");
}

int main(void)
{
	test_map_types();
	test_actions();
	test_probes();
	test_accepts();
	test_literal_types();
	test_errors();
	return done_testing();
}
