/* usdt.c — `usdt:<binary>:[<provider>:]<name>` (U): user statically defined
 * tracepoints (SystemTap SDT notes).
 *
 *   usdt:./prog:provider:name     one probe (all of its sites)
 *   usdt:./prog:name              any provider
 *   usdt:./prog:*, usdt:./p*::*   wildcards over probes and files
 *   usdt::provider:name -p PID    every file the process maps
 *
 * One target per probe (file, provider, name), as bpftrace counts probes; its
 * sites (a probe inlined or written twice has several, each with its own
 * argument locations) are attached one by one with the site index as BPF
 * cookie, and codegen reads argN per site from probe_ctx.usdt_sites. A
 * semaphore is passed to the kernel as the uprobe's ref_ctr_offset: the
 * kernel increments it in every process mapping the file while the probe is
 * attached and decrements it when the link goes away. */
#include "probes/probe_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "probes/libpath.h"
#include "probes/usdt_notes.h"
#include "probes/utargets.h"

/* probe_target.priv of a usdt target: its sites, in note order. */
struct usdt_priv {
	const char *attach_path;
	const struct usdt_note **sites;
	uint32_t n_sites;
};

static pid_t usdt_pid(const struct probe_env *env)
{
	return env->pid > 0 ? env->pid : env->child_pid > 0 ? env->child_pid : 0;
}

static int usdt_expand(const struct probe_env *env, const struct ast_node *ap, struct ptrvec *out,
		       struct arena *a, struct diag *d)
{
	const char *bin, *prov = NULL, *name;
	struct ptrvec ut = { 0 };
	pid_t pid = usdt_pid(env);
	int n;

	if (ap->attach.n_parts == 1 && env->pid > 0) {
		bin = "";
		name = ap->attach.parts[0];
	} else if (ap->attach.n_parts != 2 && ap->attach.n_parts != 3) {
		probe_arg_count_error(d, ap, &usdt_probe, 2, 3);
		return -EINVAL;
	} else {
		bin = ap->attach.parts[0];
		name = ap->attach.parts[ap->attach.n_parts - 1];
		if (ap->attach.n_parts == 3)
			prov = ap->attach.parts[1];
	}
	if (!*name) {
		diag_error(d, ap->loc, "usdt probe must have a target function or wildcard");
		return -EINVAL;
	}
	if (!*bin && env->pid <= 0) {
		diag_error(d, ap->loc, "usdt probe must have a target");
		return -EINVAL;
	}
	if (prov && !*prov)
		prov = NULL;
	n = utargets_usdt(*bin ? bin : "*", prov, name, env->pid > 0 ? env->pid : 0, a, &ut);
	if (n < 0) {
		if (probe_has_wildcard(bin) || !*bin)
			return 0;
		if (n == -ENOEXEC)
			diag_error(d, ap->loc, "usdt target file '%s' is not an ELF file", bin);
		else
			diag_error(d, ap->loc,
				   "usdt target file '%s' does not exist or is not executable", bin);
		return n;
	}
	for (int i = 0; i < n;) {
		const struct utarget *u = ut.v[i];
		struct usdt_priv *pv = arena_alloc(a, sizeof(*pv));
		struct probe_target *t;
		int j;

		for (j = i + 1; j < n; j++) {
			const struct utarget *v = ut.v[j];

			if (v->path != u->path || strcmp(v->provider, u->provider) ||
			    strcmp(v->name, u->name))
				break;
		}
		pv->attach_path = u->attach_path;
		pv->n_sites = (uint32_t)(j - i);
		pv->sites = arena_alloc(a, sizeof(*pv->sites) * pv->n_sites);
		for (int k = i; k < j; k++)
			pv->sites[k - i] = ((const struct utarget *)ut.v[k])->note;
		t = probe_target_new(a, &usdt_probe,
				     arena_printf(a, "%s:%s:%s", u->path, u->provider, u->name),
				     u->name,
				     arena_printf(a, "usdt:%s:%s:%s", u->path, u->provider, u->name));
		t->path = str_intern0(a, u->path);
		t->offset = u->offset;
		t->pid = pid;
		t->priv = pv;
		ptrvec_push(out, t);
		i = j;
	}
	ptrvec_fini(&ut);
	return 0;
}

/* "did you mean": the closest probe ("provider:name", or just the name when
 * the provider was left out) of the one named file. */
static const char *usdt_suggest(const struct probe_env *env, const struct ast_node *ap,
				struct arena *a)
{
	const char *bin, *want, *best, *res = NULL;
	struct ptrvec ut = { 0 }, cands = { 0 };
	int n;

	if (ap->attach.n_parts != 2 && ap->attach.n_parts != 3)
		return NULL;
	bin = ap->attach.parts[0];
	for (uint32_t i = 0; i < ap->attach.n_parts; i++)
		if (probe_has_wildcard(ap->attach.parts[i]))
			return NULL;
	if (!*bin)
		return NULL;
	want = ap->attach.n_parts == 3
		       ? arena_printf(a, "%s:%s", ap->attach.parts[1], ap->attach.parts[2])
		       : ap->attach.parts[1];
	n = utargets_usdt(bin, NULL, "*", env->pid > 0 ? env->pid : 0, a, &ut);
	for (int i = 0; i < n; i++) {
		const struct utarget *u = ut.v[i];

		ptrvec_push(&cands, ap->attach.n_parts == 3
					    ? (void *)arena_printf(a, "%s:%s", u->provider, u->name)
					    : (void *)u->name);
	}
	best = util_closest(want, (const char *const *)cands.v, cands.n);
	if (best)
		res = arena_printf(a, "%s:%s", bin, best);
	ptrvec_fini(&cands);
	ptrvec_fini(&ut);
	return res;
}

static const char *usdt_section(const struct probe_target *t, struct arena *a)
{
	return "usdt";
}

static int usdt_context(const struct probe_env *env, const struct probe_target *t,
			struct probe_ctx *out, struct arena *a, struct diag *d)
{
	const struct usdt_priv *pv = t->priv;

	memset(out, 0, sizeof(*out));
	out->kind = PCTX_PT_REGS;
	out->max_argn = USDT_MAX_ARGS;
	if (pv) {
		out->usdt_sites = (const void *const *)pv->sites;
		out->n_usdt_sites = pv->n_sites;
	}
	return 0;
}

static int usdt_attach(struct bpf_program *prog, const struct probe_target *t,
		       struct ptrvec *links)
{
	const struct usdt_priv *pv = t->priv;
	int err = 0;

	if (!pv)
		return -EINVAL;
	for (uint32_t i = 0; i < pv->n_sites && !err; i++)
		err = probe_uprobe_attach_at(prog, t, pv->attach_path, pv->sites[i]->pc_offset,
					     pv->sites[i]->sema_offset, i, links);
	return err;
}

/* -l: "usdt:<file>:<provider>:<name>" for a glob "<file>:[<provider>:]<name>". */
static int usdt_list(const struct probe_env *env, const char *glob, bool verbose, FILE *out)
{
	char *g = xstrdup(glob ? glob : "*"), *c1, *c2;
	const char *bin = "*", *prov = NULL, *name = g;
	struct arena a;
	struct ptrvec ut = { 0 };
	const char *last = NULL;
	int n;

	c1 = strchr(g, ':');
	if (c1) {
		*c1 = 0;
		bin = g;
		name = c1 + 1;
		c2 = strchr(name, ':');
		if (c2) {
			*c2 = 0;
			prov = name;
			name = c2 + 1;
		}
	}
	if ((!*bin || !strcmp(bin, "*")) && env->pid <= 0) {
		free(g);
		return 0;
	}
	arena_init(&a);
	n = utargets_usdt(*bin ? bin : "*", prov && *prov ? prov : NULL, *name ? name : "*",
			  env->pid, &a, &ut);
	for (int i = 0; i < n; i++) {
		const struct utarget *u = ut.v[i];
		char *line = xasprintf("usdt:%s:%s:%s", u->path, u->provider, u->name);

		if (!last || strcmp(last, line))
			fprintf(out, "%s\n", line);
		free((char *)last);
		last = line;
	}
	free((char *)last);
	ptrvec_fini(&ut);
	arena_fini(&a);
	free(g);
	return 0;
}

const struct probe_ops usdt_probe = {
	.name = "usdt",
	.aliases = (const char *const[]){ "U", NULL },
	.min_parts = 1,
	.max_parts = 3,
	.expand = usdt_expand,
	.section = usdt_section,
	.context = usdt_context,
	.attach = usdt_attach,
	.list = usdt_list,
	.available = probe_uprobe_available,
	.suggest = usdt_suggest,
};
