/* bench.c — --bench: runs the program's bench:NAME probes and reports the
 * time per run, as bpftrace's benchmark mode does.
 *
 * Each bench program (an XDP program, see probes/bench.c) is test-run with a
 * growing repeat count until one batch takes at least a millisecond; the
 * kernel measures the average time per run. Output the benchmarks make is
 * dropped. A benchmark that returns non-zero is skipped; one that calls
 * exit() with a non-zero code fails the run. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/probe.h"
#include "runtime/rt_int.h"

bool rt_probe_is(const struct probe_info *pi, const char *type)
{
	return pi->target && pi->target->ops && pi->target->ops->name &&
	       strcmp(pi->target->ops->name, type) == 0;
}

static void drop_events(struct rt *rt)
{
	bool fin = rt->finalize;

	rt->finalize = true;
	if (rt->rb)
		for (int i = 0; i < 1000 && ring_buffer__consume(rt->rb) > 0; i++)
			;
	rt->finalize = fin;
}

static void print_result(struct rt *rt, const char *name, size_t width, bool first,
			 uint64_t avg, uint64_t iters)
{
	if (rt->o->json) {
		fprintf(rt->out, "{\"type\": \"benchmark_result\", \"data\": {\"%s\": "
				 "{\"average\": %llu, \"iters\": %llu}}}\n",
			name, (unsigned long long)avg, (unsigned long long)iters);
	} else {
		if (first) {
			fprintf(rt->out, "%-*s%-15s%s\n", (int)width + 1, "Benchmark", "Time(ns)",
				"Iterations");
			for (size_t i = 0; i < width + 1 + 15 + strlen("Iterations"); i++)
				fputc('-', rt->out);
			fputc('\n', rt->out);
		}
		fprintf(rt->out, "%-*s%-15llu%llu\n", (int)width + 1, name,
			(unsigned long long)avg, (unsigned long long)iters);
	}
	fflush(rt->out);
}

int rt_run_benches(struct rt *rt, unsigned *count)
{
	const struct resources *res = rt->res;
	size_t width = 40;
	bool first = true;
	int rc = 0;

	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];

		if (rt_probe_is(pi, "bench") && strlen(pi->target->target) > width)
			width = strlen(pi->target->target);
	}
	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];
		struct bpf_program *prog;
		uint64_t iters = 1;
		char data[14] = { 0 }; /* XDP test runs need an Ethernet header's worth */

		if (!rt_probe_is(pi, "bench"))
			continue;
		prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name);
		if (!prog || bpf_program__fd(prog) < 0) {
			fprintf(stderr, "ERROR: no loaded program for %s\n", pi->target->full);
			return -ENOENT;
		}
		(*count)++;
		for (;;) {
			LIBBPF_OPTS(bpf_test_run_opts, topts);
			uint64_t total;

			topts.data_in = data;
			topts.data_size_in = sizeof(data);
			topts.repeat = (int)iters;
			rt->exit_code = 0;
			if (bpf_prog_test_run_opts(bpf_program__fd(prog), &topts)) {
				int err = -errno;

				fprintf(stderr, "ERROR: bpf_prog_test_run_opts failed: %d\n", err);
				return err;
			}
			drop_events(rt);
			if (rt->exit_code == 0 && topts.retval != 0)
				break; /* skipped */
			total = (uint64_t)topts.duration * iters;
			if (total < 1000 && iters < 100000000) {
				iters *= 1000;
				continue;
			}
			if (total < 10000 && iters < 100000000) {
				iters *= 100;
				continue;
			}
			if (total < 100000 && iters < 100000000) {
				iters *= 10;
				continue;
			}
			if (total < 1000000 && iters < 100000000) {
				iters *= 2;
				continue;
			}
			if (rt->exit_code != 0) {
				fflush(rt->out);
				fprintf(stderr, "ERROR: Benchmark '%s' failed.\n", pi->target->target);
				rt->exit_code = 0;
				rc = 1;
				break;
			}
			print_result(rt, pi->target->target, width, first, topts.duration, iters);
			first = false;
			break;
		}
	}
	return rc;
}
