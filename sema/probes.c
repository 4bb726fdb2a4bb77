/* probes.c — probe expansion: every AST_PROBE with several attach points or
 * wildcards becomes one AST_PROBE per concrete target (bodies cloned), each with
 * its probe_info (program name, section, context). begin/end probes are marked
 * so the runtime test-runs them instead of attaching. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema_int.h"

/* bpftrace's program names: the probe name with every character that is not
 * valid in a C identifier replaced by '_', then "_<probe index>" (so verifier
 * messages name the same program); a collision gets a further suffix. */
static const char *prog_name(struct sema *s, const struct probe_target *t, uint32_t order)
{
	const char *full = t->full && *t->full ? t->full : t->ops->name;
	char *n = arena_printf(s->a, "%.100s_%u", full, order + 1);

	for (char *c = n; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
			*c = '_';
	for (size_t i = 0; i < s->res->probes.n; i++) {
		const struct probe_info *o = s->res->probes.v[i];

		if (!strcmp(o->prog_name, n))
			return arena_printf(s->a, "%s_%zu", n, s->res->probes.n);
	}
	return n;
}

/* The probe types whose attachment has no process filter (bpftrace's list). */
static bool needs_pid_filter(const struct probe_ops *ops)
{
	static const char *const names[] = { "kprobe", "kretprobe", "fentry", "fexit",
					     "tracepoint", "rawtracepoint" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(ops->name, names[i]))
			return true;
	return false;
}

static struct ast_node *new_probe(struct sema *s, struct ast_node *orig, struct ast_node *ap,
				  struct probe_target *t, bool clone, uint32_t order)
{
	struct ast_node *p = ast_new(s->cx, AST_PROBE, orig->loc);
	struct probe_info *pi = arena_alloc(s->a, sizeof(*pi));
	struct probe_ctx *pc = arena_alloc(s->a, sizeof(*pc));
	const struct probe_ops *ops = t->ops;

	p->probe.attach = ast_clone(s->cx, ap);
	p->probe.attach->next = NULL;
	p->probe.pred = orig->probe.pred ? (clone ? ast_clone(s->cx, orig->probe.pred) : orig->probe.pred) : NULL;
	p->probe.body = clone ? ast_clone(s->cx, orig->probe.body) : orig->probe.body;
	if (s->env.pid > 0 && needs_pid_filter(ops)) {
		/* -p: kernel probes cannot filter by process when attached, so
		 * the program does, first (as bpftrace) */
		struct ast_node *f = ast_bin(s->cx, orig->loc, AST_OP_EQ,
					     ast_ident(s->cx, orig->loc, "pid"),
					     ast_int(s->cx, orig->loc, (uint64_t)s->env.pid));

		p->probe.pred = p->probe.pred ? ast_bin(s->cx, orig->loc, AST_OP_LAND, f, p->probe.pred)
					      : f;
	}
	pi->index = s->res->probes.n;
	pi->prog_name = prog_name(s, t, order);
	pi->section = ops->section ? ops->section(t, s->a) : ops->name;
	pi->target = t;
	pi->ctx = pc;
	pi->is_begin = !strcmp(ops->name, "begin") || !strcmp(ops->name, "BEGIN");
	pi->is_end = !strcmp(ops->name, "end") || !strcmp(ops->name, "END");
	pi->order = order;
	if (pi->is_end)
		s->res->has_end = true;
	if (ops->context && ops->context(&s->env, t, pc, s->a, s->d) < 0)
		pc->kind = PCTX_NONE;
	p->probe.info = pi;
	ptrvec_push(&s->res->probes, pi);
	return p;
}

static bool sema_ap_has_wildcard(const struct ast_node *ap)
{
	for (uint32_t i = 0; i < ap->attach.n_parts; i++)
		if (probe_has_wildcard(ap->attach.parts[i]))
			return true;
	return false;
}

void sema_probes(struct sema *s)
{
	struct ast_node *out = NULL, **tail = &out;
	uint32_t order = 0;
	const struct probe_ops *checked[32];
	unsigned n_checked = 0;
	/* bpftrace's BPFTRACE_MAX_BPF_PROGS: one program per expanded target */
	const char *env_max = getenv("BPFTRACE_MAX_BPF_PROGS");
	size_t n_progs = 0, max_progs = env_max && *env_max ? strtoull(env_max, NULL, 10) : 1024;

	for (struct ast_node *it = s->prog->program.items, *next; it; it = next) {
		struct ptrvec targets = { 0 };
		unsigned n_made = 0, n_errors = s->d->n_errors;
		const char *near_all = NULL;
		const struct probe_ops *near_ops = NULL;

		next = it->next;
		it->next = NULL;
		if (it->kind != AST_PROBE) {
			*tail = it;
			tail = &it->next;
			continue;
		}
		/* -l with a program lists every function a wildcard matches */
		s->env.no_multi = sema_probe_needs_single(it) || (s->o && s->o->is_listing);
		s->env.missing_probes = s->res->cfg.missing_probes;
		for (struct ast_node *ap = it->probe.attach; ap; ap = ap->next) {
			const struct probe_ops *ops = probe_lookup(ap->attach.provider);
			size_t before = targets.n;
			bool seen = false;

			if (!ops) {
				sema_err(s, ap->loc, "Invalid probe type: %s", ap->attach.provider);
				continue;
			}
			for (unsigned i = 0; i < n_checked; i++)
				seen |= checked[i] == ops;
			if (!seen && ops->available && !s->env.compile_only &&
			    !(s->o && s->o->is_listing)) {
				const char *why = NULL;

				if (n_checked < ARRAY_SIZE(checked))
					checked[n_checked++] = ops;
				if (ops->available(&s->env, &why) < 0) {
					sema_err(s, ap->loc, "%s: %s", ap->attach.raw,
						 why ? why : "probe type not available");
					continue;
				}
			}
			if (!ops->expand) {
				sema_err(s, ap->loc, "Invalid probe type: %s", ap->attach.provider);
				continue;
			}
			if (ops->expand(&s->env, ap, &targets, s->a, s->d) < 0)
				continue;
			n_progs += targets.n - before;
			if (n_progs > max_progs) {
				sema_err(s, ap->loc, "Your program is trying to generate more than %zu BPF "
					 "programs, which exceeds the current limit of %zu", n_progs, max_progs);
				diag_hint(s->d, "You can increase the limit through the "
					  "BPFTRACE_MAX_BPF_PROGS environment variable.");
				targets.n = before;
				max_progs = SIZE_MAX; /* reported once */
				break;
			}
			if (targets.n == before && probe_expands_wildcard(ops, ap) &&
			    !near_all && ops->suggest && !sema_ap_has_wildcard(ap))
				/* an implied wildcard (rawtracepoint:name over modules):
				 * the hint goes after "Probe has no valid attach points" */
				near_all = ops->suggest(&s->env, ap, s->a);
			if (near_all && !near_ops)
				near_ops = ops;
			if (targets.n == before && !probe_expands_wildcard(ops, ap)) {
				const char *spec = probe_spec(ap, s->a);

				if (s->res->cfg.missing_probes == 0)
					sema_err(s, ap->loc, "No matches for %s %s.", ops->name, spec);
				else if (s->res->cfg.missing_probes == 1)
					sema_warn(s, ap->loc, "No matches for %s %s. Skipping.", ops->name,
						  spec);
				if (s->res->cfg.missing_probes <= 1 && ops->suggest) {
					const char *near = ops->suggest(&s->env, ap, s->a);

					if (near)
						diag_hint(s->d, "did you mean '%s:%s'?", ops->name, near);
				}
			}
			for (size_t i = before; i < targets.n; i++) {
				struct ast_node *p = new_probe(s, it, ap, targets.v[i],
							       n_made++ > 0 || targets.n > 1, order);

				*tail = p;
				tail = &p->next;
			}
		}
		/* every attach point matched nothing (bpftrace's wording) */
		if (!n_made && s->d->n_errors == n_errors) {
			if (s->res->cfg.missing_probes == 0)
				sema_err(s, it->loc, "Probe has no valid attach points.");
			else if (s->res->cfg.missing_probes == 1)
				sema_warn(s, it->loc, "Probe has no valid attach points. It is being "
					  "removed which may cause issues with program behavior.");
			if (near_all && s->res->cfg.missing_probes <= 1)
				diag_hint(s->d, "did you mean '%s:%s'?", near_ops->name, near_all);
		}
		order++;
		ptrvec_fini(&targets);
	}
	*tail = NULL;
	s->prog->program.items = out;
}
