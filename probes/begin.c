/* begin.c — `begin` (BEGIN): runs once before any other probe fires.
 *
 * The program is a raw tracepoint program with a bare "raw_tp" section: libbpf
 * opens and loads it without a tracepoint name, and the runtime runs it once
 * with BPF_PROG_TEST_RUN instead of attaching it. */
#include "probes/probe_int.h"

#include <errno.h>
#include <string.h>

int probe_expand_special(const struct probe_ops *ops, const struct ast_node *ap,
			 struct ptrvec *out, struct arena *a, struct diag *d)
{
	uint32_t n = ap->attach.n_parts;

	/* "begin:*" is accepted and means begin */
	if (n == 1 && ap->attach.parts[0][0] == '*' && !ap->attach.parts[0][1])
		n = 0;
	if (n != 0) {
		probe_arg_count_error(d, ap, ops, 0, 0);
		return -EINVAL;
	}
	ptrvec_push(out, probe_target_new(a, ops, "", "", ops->name));
	return 0;
}

const char *probe_section_special(const struct probe_target *t, struct arena *a)
{
	return "raw_tp";
}

int probe_context_special(const struct probe_env *env, const struct probe_target *t,
			  struct probe_ctx *out, struct arena *a, struct diag *d)
{
	memset(out, 0, sizeof(*out));
	out->kind = PCTX_NONE;
	return 0;
}

int probe_attach_special(struct bpf_program *prog, const struct probe_target *t,
			 struct ptrvec *links)
{
	return -EINVAL;
}

static int begin_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
			struct arena *a, struct diag *d)
{
	return probe_expand_special(&begin_probe, ap, out, a, d);
}

const struct probe_ops begin_probe = {
	.name = "begin",
	.aliases = (const char *const[]){ "BEGIN", NULL },
	.min_parts = 0,
	.max_parts = 0,
	.expand = begin_expand,
	.section = probe_section_special,
	.context = probe_context_special,
	.attach = probe_attach_special,
};
