/* rt_fixture.bpf.c — a hand-written BPF object shaped like scry's codegen output,
 * so the runtime can be tested before (and independently of) the compiler.
 * Built with clang -target bpf by tests/meson.build when clang is available.
 *
 * begin: printf("begin %d\n", 42) (action 0)
 * tracepoint:syscalls:sys_enter_getppid: @c[0] = count() in m0 (per-CPU hash);
 *   after FIXTURE_N hits, printf("hits %d\n", n) (action 1) and exit(3) (action 2)
 * end: printf("end\n") (action 3), print(@c) (action 4)
 * With -DFIXTURE_BAD, tp_1 fails verification (a load-error test).
 * lost_events: set to 2 by begin (the runtime reports 2 lost events).
 * m1: @s plain hash u64 -> u64, set to 7 in begin (printed at exit) */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef FIXTURE_N
#define FIXTURE_N 5
#endif

typedef unsigned long long u64;
typedef long long s64;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 128);
	__type(key, u64);
	__type(value, s64);
} m0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, u64);
	__type(value, u64);
} m1 SEC(".maps");

/* RT_LOST_MAP: begin pretends 2 events were lost, to test the reporting */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, unsigned int);
	__type(value, u64);
} lost_events SEC(".maps");

struct ev1 {
	u64 id;
	u64 v;
};

static __always_inline void emit1(u64 id, u64 v)
{
	struct ev1 e = { id, v };

	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
}

SEC("raw_tp")
int begin_0(void *ctx)
{
	u64 k = 0, v = 7;

	unsigned int z = 0;
	u64 two = 2;

	bpf_map_update_elem(&m1, &k, &v, BPF_ANY);
	bpf_map_update_elem(&lost_events, &z, &two, BPF_ANY);
	emit1(0, 42);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_1(void *ctx)
{
	u64 k = 0;
	s64 one = 1, *c;

	c = bpf_map_lookup_elem(&m0, &k);
#ifdef FIXTURE_BAD
	*c += 1; /* no NULL check: the verifier rejects this */
#endif
	if (!c) {
		bpf_map_update_elem(&m0, &k, &one, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&m0, &k);
		if (!c)
			return 0;
	} else {
		*c += 1;
	}
	if (*c == FIXTURE_N) {
		emit1(1, *c);
		emit1(2, 3);
	}
	return 0;
}

SEC("raw_tp")
int end_2(void *ctx)
{
	u64 id = 3;

	bpf_ringbuf_output(&events, &id, sizeof(id), 0);
	emit1(4, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
