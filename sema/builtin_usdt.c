/* builtin_usdt.c — built-ins of user-space probes resolved at compile time:
 * uaddr("sym"), the address of a symbol of the probe's binary. The symbol is
 * looked up in the ELF file now; for a PIE executable or a library the
 * program adds the load bias at run time (codegen/builtin_usdt.c), found as
 * bpf_get_func_ip() minus the attach point's ELF address. The pointee type
 * follows the symbol size (1, 2, 4, 8 bytes: uint8..uint64, else uint64),
 * in user memory, as bpftrace types it. sema_user_type() finds C types that
 * the kernel BTF lacks in the DWARF of the probe's binary. */
#include <string.h>

#include "sema/sema_int.h"

const struct type *sema_bi_uaddr(struct sema *s, struct ast_node *n, struct call_info *ci)
{
	const struct probe_target *tg = s->pinfo ? s->pinfo->target : NULL;
	struct ast_node *a = n->call.args;
	uint64_t addr = 0, size = 0, at = 0;
	bool is_biased = false;
	uint32_t psize;
	int err;

	if (!sema_arity(s, n, 1, 1))
		return NULL;
	if (a->kind != AST_STR) {
		sema_err(s, a->loc, "uaddr() expects a string literal");
		return NULL;
	}
	if (!tg || !tg->ops ||
	    (strcmp(tg->ops->name, "uprobe") && strcmp(tg->ops->name, "uretprobe") &&
	     strcmp(tg->ops->name, "usdt"))) {
		sema_err(s, n->loc, "uaddr can not be used with \"%s\" probes",
			 tg && tg->ops ? tg->ops->name : "");
		return NULL;
	}
	err = probe_uaddr(tg, a->str.s, &addr, &size, &is_biased, &at);
	if (err) {
		sema_err(s, n->loc, "Could not resolve symbol: %s:%s", tg->path ? tg->path : "",
			 a->str.s);
		return NULL;
	}
	ci->uaddr = addr;
	ci->uaddr_at = at;
	ci->n = is_biased;
	psize = size == 1 || size == 2 || size == 4 || size == 8 ? (uint32_t)size : 8;
	return sema_ty_ptr(s, sema_ty_int(s, psize, false), AS_USER);
}

const struct type *sema_user_type(struct sema *s, const char *name)
{
	const struct probe_target *tg = s->pinfo ? s->pinfo->target : NULL;

	return tg ? probe_user_type(&s->env, tg, name, s->a) : NULL;
}
