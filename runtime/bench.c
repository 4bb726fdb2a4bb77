/* bench.c — --bench and --test: run the program's bench:NAME / test:NAME
 * probes as bpftrace's benchmark and test modes do.
 *
 * --test runs each test program once, capturing its output; a test passes
 * when it returns 0 and calls no exit() with a non-zero code. The output is
 * shown only for a failing test, then a summary (gtest-like, in colour).
 *
 * Each bench program (an XDP program, see probes/bench.c) is test-run with a
 * growing repeat count until one batch takes at least a millisecond; the
 * kernel measures the average time per run. Output the benchmarks make is
 * dropped. A benchmark that returns non-zero is skipped; one that calls
 * exit() with a non-zero code fails the run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/probe.h"
#include "runtime/output.h"
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

/* bpftrace prints a test's duration as the scale of its unit ("1 ns",
 * "1000 us"); kept for identical output. */
static void test_duration(FILE *out, uint64_t ns)
{
	if (ns >= 1000000000ull)
		fprintf(out, " (1000000000 s)");
	else if (ns >= 1000000ull)
		fprintf(out, " (1000000 ms)");
	else if (ns >= 1000ull)
		fprintf(out, " (1000 us)");
	else
		fprintf(out, " (1 ns)");
}

#define GREEN "\033[32m"
#define RED "\033[31m"
#define RESET "\033[0m"

int rt_run_tests(struct rt *rt, unsigned *count)
{
	const struct resources *res = rt->res;
	FILE *out = rt->out;
	size_t n_tests = 0, n_failed = 0, k = 0;
	bool *passed;
	int rc = 0;

	for (size_t i = 0; i < res->probes.n; i++)
		n_tests += rt_probe_is(res->probes.v[i], "test");
	passed = xcalloc(n_tests + 1, sizeof(*passed));
	for (size_t i = 0; i < res->probes.n; i++) {
		const struct probe_info *pi = res->probes.v[i];
		LIBBPF_OPTS(bpf_test_run_opts, topts);
		struct bpf_program *prog;
		char data[14] = { 0 }, *text = NULL;
		size_t text_size = 0;
		FILE *cap;
		int r;

		if (!rt_probe_is(pi, "test"))
			continue;
		prog = bpf_object__find_program_by_name(rt->obj, pi->prog_name);
		if (!prog || bpf_program__fd(prog) < 0) {
			fprintf(stderr, "ERROR: no loaded program for %s\n", pi->target->full);
			rc = -ENOENT;
			break;
		}
		(*count)++;
		/* the test's output is captured; shown only when it fails */
		cap = open_memstream(&text, &text_size);
		if (!cap) {
			rc = -errno;
			break;
		}
		rt->out = cap;
		rt->exit_code = 0;
		topts.data_in = data;
		topts.data_size_in = sizeof(data);
		topts.repeat = 1;
		r = bpf_prog_test_run_opts(bpf_program__fd(prog), &topts);
		if (!r && rt->rb)
			for (int j = 0; j < 1000 && ring_buffer__consume(rt->rb) > 0; j++)
				;
		rt->finalize = false;
		if (rt->state) {
			/* exit() in one test must not stop the next ones */
			uint32_t key = 0;
			uint64_t zero = 0;

			bpf_map_update_elem(bpf_map__fd(rt->state), &key, &zero, BPF_ANY);
		}
		fclose(cap);
		rt->out = out;
		if (r) {
			rc = -errno;
			fprintf(stderr, "ERROR: bpf_prog_test_run_opts failed: %d\n", rc);
			free(text);
			break;
		}
		passed[k] = topts.retval == 0 && rt->exit_code == 0;
		rt->exit_code = 0;
		if (!passed[k])
			n_failed++;
		if (rt->o->json) {
			struct sbuf b = { 0 };

			out_json_str(&b, text ? text : "", text_size);
			fprintf(out, "{\"type\": \"test_result\", \"data\": {\"%s\": {\"duration\": %u, "
				     "\"passed\": %s, \"output\": %.*s}}}\n",
				pi->target->target, topts.duration, passed[k] ? "true" : "false",
				(int)b.len, b.s ? b.s : "");
			sbuf_fini(&b);
		} else {
			if (k == 0)
				fprintf(out, GREEN "[==========]" RESET " Running %zu tests.\n", n_tests);
			fprintf(out, GREEN "[ RUN      ]" RESET " %s\n", pi->target->target);
			if (passed[k]) {
				fprintf(out, GREEN "[       OK ]" RESET " %s", pi->target->target);
			} else {
				/* the captured output, without its empty lines */
				for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
					nl = strchr(line, '\n');
					if (nl != line)
						fprintf(out, "%.*s\n", nl ? (int)(nl - line) : (int)strlen(line),
							line);
					if (!nl)
						break;
				}
				fprintf(out, RED "[  FAILED  ]" RESET " %s", pi->target->target);
			}
			test_duration(out, topts.duration);
			fputc('\n', out);
		}
		free(text);
		k++;
	}
	if (!rc && !rt->o->json && n_tests) {
		fprintf(out, GREEN "[==========]" RESET " %zu %s ran.\n", n_tests,
			n_tests == 1 ? "test" : "tests");
		fprintf(out, GREEN "[  PASSED  ]" RESET " %zu %s.\n", n_tests - n_failed,
			n_tests - n_failed == 1 ? "test" : "tests");
		if (n_failed) {
			fprintf(out, RED "[  FAILED  ]" RESET " %zu %s, listed below:\n", n_failed,
				n_failed == 1 ? "test" : "tests");
			k = 0;
			for (size_t i = 0; i < res->probes.n; i++) {
				const struct probe_info *pi = res->probes.v[i];

				if (!rt_probe_is(pi, "test"))
					continue;
				if (!passed[k++])
					fprintf(out, RED "[  FAILED  ]" RESET " %s\n", pi->target->target);
			}
		}
	}
	fflush(out);
	free(passed);
	if (rc)
		return rc;
	return n_failed ? 1 : 0;
}
