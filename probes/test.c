/* test.c — `test:NAME`: a test, run only with --test (--mode test).
 *
 * Never attached: an XDP program the runtime runs once with
 * BPF_PROG_TEST_RUN; the test passes when it neither calls exit() with a
 * non-zero code nor reports an error. Without --test the probe is ignored.
 * The target is the test's name (see bench.c). */
#include "probes/probe_int.h"

static int test_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d)
{
	return probe_expand_named(&test_probe, ap, out, a, d);
}

const struct probe_ops test_probe = {
	.name = "test",
	.min_parts = 1,
	.max_parts = 1,
	.expand = test_expand,
	.section = probe_section_named,
	.context = probe_context_special,
	.attach = probe_attach_special,
};
