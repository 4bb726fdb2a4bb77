/* sema.c — runs the semantic passes in order (see sema.h): config, top-level
 * definitions, probe expansion, typing, resources. Stops after the first pass
 * that reported errors, as bpftrace's pass manager does. */
#include <bpf/btf.h>
#include <string.h>

#include "sema/sema_int.h"

int sema_run(struct ast_ctx *cx, struct ast_node *prog, const struct sema_opts *o,
	     struct resources *res)
{
	struct sema s = { 0 };
	int rc = -1;

	s.cx = cx;
	s.a = &cx->arena;
	s.d = cx->diag;
	s.o = o;
	s.res = res;
	s.prog = prog;
	if (o && o->env)
		s.env = *o->env;
	else
		probe_env_default(&s.env);
	if (o && o->pid)
		s.env.pid = o->pid;
	if (o && o->has_child)
		s.env.child_pid = o->cpid;
	if (o)
		s.env.unsafe = o->unsafe;

	sema_config(&s);
	if (s.d->n_errors)
		goto out;
	sema_check_includes(&s);
	if (s.d->n_errors)
		goto out;
	sema_macros(&s);
	if (s.d->n_errors)
		goto out;
	sema_probes(&s);
	if (s.d->n_errors)
		goto out;
	if (o && o->is_listing) {
		rc = 0;
		goto out;
	}
	if (!res->probes.n) {
		/* not an error message: bpftrace prints it on stdout (not with -q)
		 * and fails; the runtime does the same */
		rc = 0;
		goto out;
	}
	sema_types(&s);
	if (s.d->n_errors)
		goto out;
	sema_check_named_params(&s);
	if (s.d->n_errors)
		goto out;
	sema_resources(&s);
	if (!s.d->n_errors)
		rc = 0;
out:
	ptrvec_fini(&s.enums);
	ptrvec_fini(&s.macros);
	ptrvec_fini(&s.cstructs);
	ptrvec_fini(&s.getopts);
	ptrvec_fini(&s.getopt_descs);
	ptrvec_fini(&s.reported);
	ptrvec_fini(&s.expansions);
	if (s.btf)
		btf__free(s.btf);
	return rc;
}

void resources_fini(struct resources *res)
{
	if (!res)
		return;
	ptrvec_fini(&res->maps);
	ptrvec_fini(&res->actions);
	ptrvec_fini(&res->probes);
}
