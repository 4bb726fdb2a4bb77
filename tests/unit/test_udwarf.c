/* test_udwarf.c — DWARF parameters, types and line addresses of the test
 * programs (tests/progs/uprog.c).
 *
 * Usage: test_udwarf EXE_WITH_DEBUG_INFO EXE_WITHOUT [EXE_SPLIT_DWARF] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast/type.h"
#include "probes/udwarf.h"
#include "probes/uelf.h"
#include "tap.h"
#include "util/util.h"

static const struct type_field *field(const struct type *t, const char *name)
{
	for (uint32_t i = 0; t && i < t->n_fields; i++)
		if (t->fields[i].name && strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

static void check_pair(const struct type *st, const char *what)
{
	const struct type_field *f;

	ok(st && st->kind == TY_STRUCT && st->name && strcmp(st->name, "struct uprog_pair") == 0,
	   "%s: struct uprog_pair", what);
	if (!st || st->kind != TY_STRUCT)
		return;
	ok(st->size == 40, "%s: size 40 (got %u)", what, st->size);
	f = field(st, "a");
	ok(f && f->offset == 0 && f->type->kind == TY_INT && f->type->size == 4 &&
		   f->type->is_signed,
	   "%s: int a at 0", what);
	f = field(st, "b");
	ok(f && f->offset == 8 && f->type->size == 8, "%s: long b at 8", what);
	f = field(st, "name");
	ok(f && f->offset == 16 && f->type->kind == TY_STRING && f->type->size == 8,
	   "%s: char name[8] is a string", what);
	f = field(st, "next");
	ok(f && f->offset == 24 && f->type->kind == TY_POINTER && f->type->elem == st,
	   "%s: self pointer shares the struct type", what);
	f = field(st, "flag");
	ok(f && f->offset == 32 && f->bit_offset == 0 && f->bit_size == 3, "%s: bitfield flag",
	   what);
	f = field(st, "mode");
	ok(f && f->offset == 32 && f->bit_offset == 3 && f->bit_size == 5, "%s: bitfield mode",
	   what);
}

/* A stripped copy of @exe with its debug info in a separate directory. */
static void test_separate_debug(const char *exe, struct arena *a)
{
	char dir[] = "/tmp/scry-udwarf-XXXXXX";
	char *cmd, *stripped, *dbgdir;
	const char *dirs[2];
	struct udwarf *dw = NULL;
	struct udwarf_param *p;
	unsigned n;
	int err;

	if (!mkdtemp(dir))
		return;
	stripped = xasprintf("%s/prog-stripped", dir);
	dbgdir = xasprintf("%s/debug", dir);
	cmd = xasprintf("mkdir -p %s && objcopy --only-keep-debug '%s' %s/prog-stripped.debug && "
			"objcopy --strip-debug '%s' %s",
			dbgdir, exe, dbgdir, exe, stripped);
	if (system(cmd) == 0) {
		dirs[0] = "/nonexistent";
		dirs[1] = dbgdir;
		is_int(udwarf_open(stripped, &dw), -ENODATA, "stripped copy has no DWARF");
		err = udwarf_open_ex(stripped, dirs, 2, &dw);
		is_int(err, 0, "debug file found in --debuginfo directory");
		if (!err) {
			ok(udwarf_func_params(dw, "main", a, &p, &n) == 0 && n == 2,
			   "params through the debug file");
			udwarf_free(dw);
		}
	} else {
		printf("# objcopy failed: separate debug file checks skipped\n");
	}
	free(cmd);
	cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
	free(cmd);
	free(stripped);
	free(dbgdir);
}

int main(int argc, char **argv)
{
	struct udwarf *dw = NULL;
	struct udwarf_param *p;
	struct arena a;
	unsigned n;
	uint64_t addr;
	int err;

	if (argc < 3) {
		fprintf(stderr, "usage: %s EXE_G EXE_NO_G\n", argv[0]);
		return 2;
	}
	arena_init(&a);
	err = udwarf_open(argv[2], &dw);
	if (err == 0) {
		/* sanitizer builds add -g to every target */
		printf("# the -g0 build has DWARF here: check skipped\n");
		udwarf_free(dw);
	} else {
		is_int(err, -ENODATA, "no DWARF in the -g0 build");
	}
	is_int(udwarf_open("/nonexistent/x", &dw), -ENOENT, "missing file");

	err = udwarf_open(argv[1], &dw);
	is_int(err, 0, "open DWARF");
	if (err)
		return done_testing();

	ok(udwarf_func_params(dw, "main", &a, &p, &n) == 0 && n == 2, "main has 2 params");
	if (n == 2) {
		is_str(p[0].type_name, "int", "argc type name");
		is_str(p[0].name, "argc", "argc name");
		is_str(p[1].type_name, "char**", "argv type name");
		const struct type *t = p[1].type;

		ok(t->kind == TY_POINTER && t->elem->kind == TY_POINTER &&
			   t->elem->elem->kind == TY_INT && t->elem->elem->size == 1,
		   "argv is char **");
	}
	ok(udwarf_func_params(dw, "uprobe_struct_func", &a, &p, &n) == 0 && n == 3,
	   "uprobe_struct_func has 3 params");
	if (n == 3) {
		is_str(p[0].type_name, "struct uprog_pair*", "struct pointer type name");
		is_str(p[1].type_name, "const char*", "const char * type name");
		is_str(p[2].type_name, "unsigned char", "unsigned char type name");
		ok(p[2].type->kind == TY_INT && p[2].type->size == 1 && !p[2].type->is_signed,
		   "unsigned char is uint8");
		ok(p[0].type->kind == TY_POINTER && p[0].type->as == AS_USER,
		   "pointer into user memory");
		check_pair(p[0].type->kind == TY_POINTER ? p[0].type->elem : NULL, "param");
	}
	ok(udwarf_func_params(dw, "uprobe_loop_body", &a, &p, &n) == 0 && n == 1 &&
		   strcmp(p[0].name, "i") == 0,
	   "uprobe_loop_body(int i)");
	is_int(udwarf_func_params(dw, "no_such_func", &a, &p, &n), -ENOENT, "unknown function");
	{
		const struct type *rec = NULL;

		ok(udwarf_args_record(dw, "uprobe_struct_func", &a, &rec) == 0 && rec &&
			   rec->kind == TY_RECORD && rec->n_fields == 3,
		   "args record of uprobe_struct_func");
		if (rec && rec->n_fields == 3)
			ok(strcmp(rec->fields[1].name, "s") == 0 && rec->fields[1].offset == 8 &&
				   rec->fields[2].offset == 16 && rec->size == 17,
			   "fields packed in parameter order");
	}

	check_pair(udwarf_type(dw, "struct uprog_pair", &a), "by name");
	ok(udwarf_type(dw, "struct no_such_struct", &a) == NULL, "unknown struct");
	{
		const struct type *t = udwarf_type(dw, "int", &a);

		ok(t && t->kind == TY_INT && t->size == 4 && t->is_signed, "base type by name");
	}

	err = udwarf_line_addr(dw, "uprog.c", 48, &addr);
	ok(err == 0, "line uprog.c:48 has code");
	if (err == 0) {
		struct uelf *e = NULL;
		const struct uelf_sym *s = NULL;

		if (uelf_open(argv[1], &e) == 0)
			s = uelf_sym_by_addr(e, addr);
		ok(s && strcmp(s->name, "uprobe_struct_func") == 0,
		   "line 48 is in uprobe_struct_func");
		uelf_free(e);
	}
	is_int(udwarf_line_addr(dw, "uprog.c", 100000, &addr), -ENOENT, "line without code");
	is_int(udwarf_line_addr(dw, "other.c", 48, &addr), -ENOENT, "file not in the binary");
	udwarf_free(dw);

	test_separate_debug(argv[1], &a);

	/* split DWARF: the parameters live in the .dwo file */
	if (argc > 3) {
		err = udwarf_open(argv[3], &dw);
		is_int(err, 0, "open split-DWARF build");
		if (!err) {
			err = udwarf_func_params(dw, "uprobe_struct_func", &a, &p, &n);
			ok(!err && n == 3 && strcmp(p[2].type_name, "unsigned char") == 0,
			   "params from the .dwo file");
			err = udwarf_line_addr(dw, "uprog.c", 48, &addr);
			ok(!err, "lines from the skeleton");
			udwarf_free(dw);
		}
	}
	arena_fini(&a);
	return done_testing();
}
