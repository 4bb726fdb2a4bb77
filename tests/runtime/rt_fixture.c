/* rt_fixture.c — runs tests/data/rt_fixture.bpf.o through rt_run with
 * resources written by hand (what sema would produce for that object), so
 * the runtime is tested on its own. Usage: rt_fixture OBJ [-q] [--dry-run]
 * [-c CMD] [--bad-attach] [--missing-warn] [--probe-filter RE] [--json] [-v] [--src FILE]. Prints what scry would print; exits with rt_run's status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe.h"
#include "runtime/rt.h"
#include "sema/resources.h"
#include "util/util.h"

static struct type t_u64 = { .kind = TY_INT, .size = 8, .align = 8 };
static struct type t_s64 = { .kind = TY_INT, .size = 8, .align = 8, .is_signed = true };
static struct type_field f_one[] = { { .type = &t_u64, .offset = 0 } };
static struct type t_tuple1 = { .kind = TY_TUPLE, .size = 8, .align = 8, .fields = f_one, .n_fields = 1 };
static struct type t_count = { .kind = TY_COUNT, .size = 8, .align = 8, .is_signed = true, .elem = &t_s64 };

int main(int argc, char **argv)
{
	struct resources res = { 0 };
	struct map_info m0 = { .name = "@c", .bpf_name = "m0", .id = 0, .kind = MAPK_PERCPU_HASH,
			       .value_type = &t_count, .key_size = 8, .value_size = 8,
			       .max_entries = 128 };
	struct map_info m1 = { .name = "@s", .bpf_name = "m1", .id = 1, .kind = MAPK_HASH,
			       .value_type = &t_u64, .key_size = 8, .value_size = 8,
			       .max_entries = 128 };
	struct action a[5] = {
		{ .kind = ACT_PRINTF, .id = 0, .fmt = "begin %d\n", .args = &t_tuple1, .size = 16 },
		{ .kind = ACT_PRINTF, .id = 1, .fmt = "hits %d\n", .args = &t_tuple1, .size = 16 },
		{ .kind = ACT_EXIT, .id = 2, .size = 16 },
		{ .kind = ACT_PRINTF, .id = 3, .fmt = "end\n", .size = 8 },
		{ .kind = ACT_PRINT_MAP, .id = 4, .map = &m0, .size = 24 },
	};
	struct probe_target tp = { .target = "syscalls:sys_enter_getppid",
				   .full = "tracepoint:syscalls:sys_enter_getppid" };
	struct probe_target tb = { .full = "begin" }, te = { .full = "end" };
	struct probe_info p[3] = {
		{ .index = 0, .prog_name = "begin_0", .section = "raw_tp", .target = &tb,
		  .is_begin = true, .order = 0 },
		{ .index = 1, .prog_name = "tp_1", .section = "tracepoint/syscalls/sys_enter_getppid",
		  .target = &tp, .order = 1 },
		{ .index = 2, .prog_name = "end_2", .section = "raw_tp", .target = &te,
		  .is_end = true, .order = 2 },
	};
	struct rt_opts o = { .out = stdout };
	struct src *obj;
	bool only_special = false, bad_attach = false;
	int missing = 0;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: rt_fixture OBJ [-q] [--dry-run] [--only-special] [-c CMD]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-q"))
			o.quiet = true;
		else if (!strcmp(argv[i], "--probe-filter") && i + 1 < argc)
			o.probe_filter = argv[++i];
		else if (!strcmp(argv[i], "--bad-attach"))
			bad_attach = true;
		else if (!strcmp(argv[i], "--missing-warn"))
			missing = 1;
		else if (!strcmp(argv[i], "--json"))
			o.json = true;
		else if (!strcmp(argv[i], "-v"))
			o.verbose = true;
		else if (!strcmp(argv[i], "--src") && i + 1 < argc)
			o.src = src_from_file(argv[++i], "stdin");
		else if (!strcmp(argv[i], "--dry-run"))
			o.dry_run = true;
		else if (!strcmp(argv[i], "--only-special"))
			only_special = true;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			o.child = rt_child_spawn(argv[++i]);
	}
	obj = src_from_file(argv[1], argv[1]);
	if (!obj) {
		perror(argv[1]);
		return 2;
	}
	tp.ops = probe_lookup("tracepoint");
	tb.ops = probe_lookup("begin");
	te.ops = probe_lookup("end");
	ptrvec_push(&res.maps, &m0);
	ptrvec_push(&res.maps, &m1);
	for (size_t i = 0; i < ARRAY_SIZE(a); i++)
		ptrvec_push(&res.actions, &a[i]);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		if (!only_special || i != 1)
			ptrvec_push(&res.probes, &p[i]);
	if (bad_attach) {
		/* the tracepoint program attached to a tracepoint that does not exist */
		tp.target = "syscalls:sys_enter_no_such_call";
		tp.full = "tracepoint:syscalls:sys_enter_no_such_call";
	}
	res.cfg.missing_probes = missing;
	res.cfg.perf_rb_pages = 64;
	res.cfg.print_maps_on_exit = true;
	res.cfg.max_strlen = 1024;
	res.needs_events = true;
	res.has_end = true;

	status = rt_run(&o, obj->text, obj->len, &res);
	rt_child_free(o.child);
	src_free((struct src *)o.src);
	src_free(obj);
	ptrvec_fini(&res.maps);
	ptrvec_fini(&res.actions);
	ptrvec_fini(&res.probes);
	return status;
}
