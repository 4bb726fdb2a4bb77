/* test_codegen.c — properties of the generated BPF objects (no golden IR): the
 * module verifies (cg_compile checks it), the object opens with
 * bpf_object__open_mem (no root needed), and the expected programs, sections,
 * maps and BTF are there. */
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "ast/ast.h"
#include "codegen/codegen.h"
#include "parser/parser.h"
#include "sema/sema.h"
#include "tap.h"

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

struct built {
	struct diag d;
	struct ast_ctx cx;
	struct src *src;
	struct resources res;
	struct cg_obj obj;
	struct bpf_object *bo;
	int rc;
};

static void build(struct built *b, const char *text)
{
	struct ast_node *prog;
	struct cg_opts co = { 0 };

	memset(b, 0, sizeof(*b));
	diag_init(&b->d, stderr);
	b->src = src_from_string("test.bt", text, strlen(text));
	ast_ctx_init(&b->cx, &b->d, b->src);
	prog = parse_program(&b->cx, NULL);
	b->rc = -1;
	if (!prog || sema_run(&b->cx, prog, NULL, &b->res))
		return;
	co.verify = true;
	b->rc = cg_compile(&b->cx, prog, &b->res, &co, &b->obj);
	if (b->rc)
		return;
	b->bo = bpf_object__open_mem(b->obj.data, b->obj.size, NULL);
	if (libbpf_get_error(b->bo))
		b->bo = NULL;
}

static void built_fini(struct built *b)
{
	bpf_object__close(b->bo);
	cg_obj_free(&b->obj);
	resources_fini(&b->res);
	ast_ctx_fini(&b->cx);
	src_free(b->src);
}

/* Compiles and opens; checks every probe has its program in its section and
 * every map its BTF-defined map. */
static void check_prog(const char *text)
{
	struct built b;
	bool all = true;

	build(&b, text);
	ok(b.rc == 0, "compiles: %s", text);
	ok(b.bo != NULL, "object opens");
	if (!b.bo) {
		built_fini(&b);
		return;
	}
	ok(bpf_object__btf(b.bo) != NULL, "object carries BTF");
	for (size_t i = 0; i < b.res.probes.n; i++) {
		const struct probe_info *p = b.res.probes.v[i];
		struct bpf_program *bp = bpf_object__find_program_by_name(b.bo, p->prog_name);

		if (!bp || strcmp(bpf_program__section_name(bp), p->section)) {
			all = false;
			printf("# program %s (%s) missing or in the wrong section\n", p->prog_name, p->section);
		}
	}
	ok(all, "one program per probe, in its section");
	all = true;
	for (size_t i = 0; i < b.res.maps.n; i++) {
		const struct map_info *m = b.res.maps.v[i];
		struct bpf_map *bm = bpf_object__find_map_by_name(b.bo, m->bpf_name);

		if (!bm || bpf_map__key_size(bm) != m->key_size || bpf_map__value_size(bm) != m->value_size) {
			all = false;
			printf("# map %s (%s) missing or with wrong sizes\n", m->name, m->bpf_name);
		}
	}
	ok(all, "maps present with the sizes sema computed");
	if (b.res.needs_events) {
		struct bpf_map *ev = bpf_object__find_map_by_name(b.bo, "events");

		ok(ev && bpf_map__type(ev) == BPF_MAP_TYPE_RINGBUF, "events ring buffer present");
	}
	built_fini(&b);
}

static void check_map_types(void)
{
	struct built b;
	struct bpf_map *m;

	build(&b, "begin { @c[1] = count(); @v = 5; exit(); }");
	ok(b.bo != NULL, "map-type program opens");
	if (!b.bo) {
		built_fini(&b);
		return;
	}
	m = bpf_object__find_map_by_name(b.bo, "m0");
	ok(m && bpf_map__type(m) == BPF_MAP_TYPE_PERCPU_HASH, "count() map is a per-CPU hash");
	m = bpf_object__find_map_by_name(b.bo, "m1");
	ok(m && bpf_map__type(m) == BPF_MAP_TYPE_HASH, "plain map is a hash");
	ok(m && bpf_map__max_entries(m) == 4096, "default max_entries");
	m = bpf_object__find_map_by_name(b.bo, "scratch");
	ok(m && bpf_map__type(m) == BPF_MAP_TYPE_ARRAY && bpf_map__max_entries(m) >= 1,
	   "scratch array (one entry per CPU) present");
	built_fini(&b);
}

/* The failed-update counter (RT_MAP_FULL_MAP): a u64 per map, the object's
 * .bss (libbpf's "<object>.bss" array: one value of 8 bytes a map), present
 * only when a hash map is updated. */
static struct bpf_map *bss_map(struct bpf_object *bo)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, bo) {
		const char *n = bpf_map__name(m);
		size_t len = strlen(n);

		if (bpf_map__is_internal(m) && len >= 4 && !strcmp(n + len - 4, ".bss"))
			return m;
	}
	return NULL;
}

static void check_map_full(void)
{
	static const struct {
		const char *text;
		bool want;
	} cases[] = {
		{ "begin { @c[1] = count(); @v = 5; exit(); }", true },
		{ "begin { @h = hist(3); exit(); }", true },
		{ "begin { @n = count(); exit(); }", false },
		{ "let @l = lruhash(10); begin { @l[1] = 1; exit(); }", false },
		{ "begin { printf(\"x\\n\"); exit(); }", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct built b;
		struct bpf_map *m;

		build(&b, cases[i].text);
		m = b.bo ? bss_map(b.bo) : NULL;
		if (cases[i].want)
			ok(m && bpf_map__type(m) == BPF_MAP_TYPE_ARRAY &&
				   bpf_map__key_size(m) == 4 && bpf_map__max_entries(m) == 1 &&
				   bpf_map__value_size(m) == 8 * b.res.maps.n,
			   "map_full counter, one slot per map: %s", cases[i].text);
		else
			ok(b.bo && !m, "no map_full counter: %s", cases[i].text);
		built_fini(&b);
	}
}

int main(void)
{
	libbpf_set_print(quiet_print);
	check_prog("begin { printf(\"hello %d\\n\", 42); exit(); }");
	check_prog("i:ms:100 { @x = hist(nsecs % 1000); @y = lhist(1,0,10,2); @s = stats(5); exit(); }");
	check_prog("begin { @a[\"k\", 1] = avg(3); @b = min(-4); @c = max(2); @d = sum(1); print(@a); "
		   "clear(@b); zero(@c); }");
	check_prog("begin { $s = \"abc\"; if ($s == \"abc\" && strcontains($s, \"b\")) { print($s); } }");
	check_prog("begin { $i = 0; while ($i < 10) { $i++; } for ($j : 0..3) { print($j); } "
		   "unroll(2) { print(1); } }");
	check_prog("begin { @m[1] = 2; for ($kv : @m) { print($kv); } print(len(@m)); "
		   "if (has_key(@m, 1)) { delete(@m, 1); } }");
	check_prog("config = { max_strlen = 2048 } begin { $s = str(0); @x[$s] = 1; print($s); }");
	check_prog("begin { $t = (1, \"a\", (2, \"bc\")); @t[$t] = $t; printf(\"%d %s\\n\", $t.0, $t.2.1); }");
	check_prog("begin { @x = 10; print(@x / 0); print(-5 % 3); print((uint8)300); print(1 << 3 >> 1); }");
	check_prog("end { printf(\"%s %d %d %llu\\n\", comm, pid, tid, nsecs); }");
	check_prog("begin { @ts[1] = tseries(3, 1s, 5, \"avg\"); @b[buf(\"ab\", 2)] = 1; "
		   "printf(\"%s %s\\n\", ntop(1), strftime(\"%H:%M\", nsecs)); }");
	check_prog("begin { @a[1] = 1; $o = 2; for ($kv : @a) { for ($i : 0..3) { @b[$kv.0, $i] = $o; } "
		   "if ($kv.1 > 0) { break; } } }");
	check_prog("i:ms:10 { $x = 10; print($x / ($x - 10)); exit(); } end { print(pcomm); }");
	check_prog("struct S { int a[4]; char c[3]; }; begin { $p = (struct S *)0; $i = 7; "
		   "print(($p->a[$i], $p->c)); @avg = avg(1); print(@avg + 1); }");
	check_map_types();
	check_map_full();
	return done_testing();
}
