/* self.c — `self:signal:SIGUSR1`: fires when scry itself receives the signal.
 * A bare "raw_tp" program that the runtime test-runs from its signal handling
 * loop; nothing is attached in the kernel. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const self_signals[] = { "SIGUSR1" };

static int self_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d)
{
	const char *trigger, *sig;
	bool ok = false;

	if (ap->attach.n_parts != 2) {
		probe_arg_count_error(d, ap, &self_probe, 2, 2);
		return -EINVAL;
	}
	trigger = ap->attach.parts[0];
	sig = ap->attach.parts[1];
	if (strcmp(trigger, "signal") != 0) {
		diag_error(d, ap->loc, "%s is not a supported trigger", trigger);
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(self_signals); i++)
		if (strcmp(sig, self_signals[i]) == 0)
			ok = true;
	if (!ok) {
		diag_error(d, ap->loc, "%s is not a supported signal", sig);
		return -EINVAL;
	}
	ptrvec_push(out, probe_target_new(a, &self_probe, arena_printf(a, "signal:%s", sig), sig,
					  arena_printf(a, "self:signal:%s", sig)));
	return 0;
}

static int self_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(self_signals); i++) {
		char *s = xasprintf("signal:%s", self_signals[i]);

		if (!glob || probe_glob_match(glob, s))
			fprintf(out, "self:%s\n", s);
		free(s);
	}
	return 0;
}

const struct probe_ops self_probe = {
	.name = "self",
	.aliases = (const char *const[]){ NULL },
	.min_parts = 2,
	.max_parts = 2,
	.expand = self_expand,
	.section = probe_section_special,
	.context = probe_context_special,
	.attach = probe_attach_special,
	.list = self_list,
};
