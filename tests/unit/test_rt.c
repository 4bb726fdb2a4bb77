/* test_rt.c — runtime pieces that need no root: verifier log reading and the
 * -c child (spawn, start, exit detection, errors). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "runtime/rt.h"
#include "tap.h"
#include "util/util.h"

static const char *log1 =
	"arg#0 reference type('UNKNOWN ') size cannot be determined: -22\n"
	"0: R1=ctx() R10=fp0\n"
	"; int tp_1(void *ctx) @ stdin:1\n"
	"0: (b7) r1 = 0                        ; R1=0\n"
	"; @c = count(); @ stdin:3\n"
	"6: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1)\n"
	"; $x = *$p; @ stdin:4\n"
	"7: (79) r1 = *(u64 *)(r0 +0)\n"
	"R0 invalid mem access 'map_value_or_null'\n"
	"processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0\n";

static const char *log2 =
	"; @ stdin:2\n"
	"36: (b7) r3 = 64                      ; R3_w=64\n"
	"37: (85) call bpf_d_path#147\n"
	"helper call is not allowed in probe\n"
	"processed 38 insns\n";

static const char *log3 =
	"371: (55) if r2 != 0x0 goto pc+1      ; R2=0\n"
	"372: (b4) w1 = 0\n"
	"infinite loop detected at insn 373\n"
	"cur state: R0=map_value(map=m4,ks=8,vs=16) R1=0\n"
	"old state: R0=map_value(map=m4,ks=8,vs=16) R1=P0\n"
	"processed 489 insns (limit 1000000) max_states_per_insn 1\n";

int main(void)
{
	struct sbuf b = { 0 };
	uint32_t line = 99;
	struct rt_child *c;

	rt_verifier_reason(log1, &b, &line);
	is_str(sbuf_str(&b), "R0 invalid mem access 'map_value_or_null'", "reason is the last line");
	is_int(line, 4, "line of the last line-info comment before it");

	sbuf_reset(&b);
	rt_verifier_reason("", &b, &line);
	is_int(b.len, 0, "empty log: no reason");
	is_int(line, 0, "empty log: no line");

	sbuf_reset(&b);
	rt_verifier_reason(log2, &b, &line);
	is_str(sbuf_str(&b), "helper call is not allowed in probe", "helper reason");
	is_int(line, 2, "line-info without text");
	sbuf_reset(&b);
	ok(rt_verifier_helper(log2, &b), "helper not allowed detected");
	is_str(sbuf_str(&b), "helper bpf_d_path not allowed in probe", "helper named");
	sbuf_reset(&b);
	ok(!rt_verifier_helper(log1, &b), "no helper problem in an access error");

	sbuf_reset(&b);
	rt_verifier_reason(log3, &b, &line);
	is_str(sbuf_str(&b), "infinite loop detected at insn 373", "state dumps are not the reason");

	fflush(stdout);
	c = rt_child_spawn("/nonexistent/prog arg");
	ok(c == NULL, "missing program: no child");

	c = rt_child_spawn("true");
	ok(c != NULL && rt_child_pid(c) > 0, "child forked (PATH lookup)");
	if (c) {
		ok(!rt_child_exited(c), "child waits until started");
		is_int(rt_child_start(c), 0, "child started");
		for (int i = 0; i < 200 && !rt_child_exited(c); i++)
			usleep(10000);
		ok(rt_child_exited(c), "child exit seen");
		rt_child_free(c);
	}

	c = rt_child_spawn("sleep  100");
	ok(c != NULL, "double space split like bpftrace (empty args dropped)");
	if (c) {
		is_int(rt_child_start(c), 0, "sleep started");
		ok(!rt_child_exited(c), "sleep runs");
		rt_child_free(c); /* must terminate it */
	}

	c = rt_child_spawn("sleep 100");
	if (c) {
		pid_t pid = rt_child_pid(c);

		rt_child_free(c); /* never started: exits on EOF */
		ok(kill(pid, 0) < 0, "unstarted child is gone after free");
	}
	sbuf_fini(&b);
	return done_testing();
}
