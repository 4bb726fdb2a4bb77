/* builtin_usdt.c — arguments of user-space probes:
 *   argN of a usdt probe, read as the argument spec of the site that fired
 *   says (probes/usdt_notes.h): a constant, a register of struct pt_regs, or
 *   user memory at base + index * scale + displacement; `size` bytes, sign-
 *   or zero-extended to 64 bits. A probe with several sites is attached at
 *   each with the site index as BPF cookie, so the code switches on
 *   bpf_get_attach_cookie() when the sites' specs differ.
 *   args of a uprobe with DWARF: the argument registers packed into the
 *   parameter record (udwarf_args_record()).
 * x86-64 only, as the note decoder. */
#include <string.h>

#include "codegen/cg_int.h"
#include "probes/probe.h"
#include "probes/usdt_notes.h"

#define BH_get_attach_cookie 174

/* x86-64 struct pt_regs offsets of the argument registers */
static const uint32_t uargs_regs[] = { 112, 104, 96, 88, 72, 64 };

/* The 8 bytes of pt_regs at @off (a multiple of 8). */
static LLVMValueRef regs_u64(struct cg *g, uint32_t off)
{
	return LLVMBuildLoad2(g->b, g->i64, cg_gep(g, g->ctxp, off), "");
}

/* Keeps the low @size bytes of @v, sign- or zero-extended. */
static LLVMValueRef extend(struct cg *g, LLVMValueRef v, unsigned size, bool is_signed)
{
	LLVMTypeRef t;

	if (size >= 8 || size == 0)
		return v;
	t = LLVMIntTypeInContext(g->ctx, size * 8);
	v = LLVMBuildTrunc(g->b, v, t, "");
	return is_signed ? LLVMBuildSExt(g->b, v, g->i64, "") : LLVMBuildZExt(g->b, v, g->i64, "");
}

/* The register at pt_regs offset @off (possibly a high byte: %ah), shifted
 * down so that its low bytes are the register's. */
static LLVMValueRef reg_value(struct cg *g, int off)
{
	uint32_t base = (uint32_t)off & ~7u, shift = ((uint32_t)off & 7u) * 8;
	LLVMValueRef v = regs_u64(g, base);

	return shift ? LLVMBuildLShr(g->b, v, cg_i64(g, shift), "") : v;
}

static int64_t const_value(const struct usdt_arg *a)
{
	uint64_t v = (uint64_t)a->val;
	unsigned bits = a->size * 8u;

	if (bits == 0 || bits >= 64)
		return (int64_t)v;
	v &= (1ull << bits) - 1;
	if (a->is_signed && (v >> (bits - 1)) & 1)
		v |= ~((1ull << bits) - 1);
	return (int64_t)v;
}

/* Argument @i of one site. */
static LLVMValueRef site_arg(struct cg *g, const struct usdt_note *s, unsigned i)
{
	const struct usdt_arg *a;
	LLVMValueRef addr, tmp;

	if (i >= s->n_args || s->args_err)
		return cg_i64(g, 0);
	a = &s->args[i];
	switch (a->kind) {
	case USDT_ARG_CONST:
		return cg_i64(g, (uint64_t)const_value(a));
	case USDT_ARG_REG:
		if (a->base_off < 0)
			return cg_i64(g, 0);
		return extend(g, reg_value(g, a->base_off), a->size, a->is_signed);
	case USDT_ARG_MEM:
		addr = a->base_off >= 0 ? reg_value(g, a->base_off) : cg_i64(g, 0);
		if (a->index_off >= 0) {
			LLVMValueRef idx = reg_value(g, a->index_off);

			if (a->scale > 1)
				idx = LLVMBuildMul(g->b, idx, cg_i64(g, a->scale), "");
			addr = LLVMBuildAdd(g->b, addr, idx, "");
		}
		addr = LLVMBuildAdd(g->b, addr, cg_i64(g, (uint64_t)a->val), "");
		tmp = cg_alloca(g, g->i64, "usdt_arg");
		LLVMBuildStore(g->b, cg_i64(g, 0), tmp);
		cg_probe_read(g, tmp, a->size ? a->size : 8, addr, MEM_USER);
		return extend(g, LLVMBuildLoad2(g->b, g->i64, tmp, ""), a->size, a->is_signed);
	}
	return cg_i64(g, 0);
}

static bool same_spec(const struct usdt_note *x, const struct usdt_note *y, unsigned i)
{
	const struct usdt_arg *a, *b;

	if ((i < x->n_args) != (i < y->n_args) || x->args_err != y->args_err)
		return false;
	if (i >= x->n_args)
		return true;
	a = &x->args[i];
	b = &y->args[i];
	return a->kind == b->kind && a->size == b->size && a->is_signed == b->is_signed &&
	       a->val == b->val && a->base_off == b->base_off &&
	       (a->kind != USDT_ARG_MEM || (a->index_off == b->index_off && a->scale == b->scale));
}

LLVMValueRef cg_usdt_arg(struct cg *g, unsigned argn)
{
	const struct probe_ctx *pc = g->probe->ctx;
	const struct usdt_note *const *sites = (const struct usdt_note *const *)pc->usdt_sites;
	uint32_t n = pc->n_usdt_sites;
	LLVMValueRef res, cookie, args[1];
	LLVMBasicBlockRef done;
	bool all_same = true;

	for (uint32_t i = 1; i < n; i++)
		all_same &= same_spec(sites[0], sites[i], argn);
	if (all_same)
		return site_arg(g, sites[0], argn);
	res = cg_alloca(g, g->i64, "usdt_argv");
	LLVMBuildStore(g->b, cg_i64(g, 0), res);
	args[0] = g->ctxp;
	cookie = cg_helper(g, BH_get_attach_cookie, g->i64, args, 1);
	done = cg_block(g, "usdt_arg_done");
	for (uint32_t i = 0; i < n; i++) {
		LLVMBasicBlockRef here = cg_block(g, "usdt_site"), next = cg_block(g, "usdt_next");

		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, cookie, cg_i64(g, i), ""), here,
				next);
		LLVMPositionBuilderAtEnd(g->b, here);
		LLVMBuildStore(g->b, site_arg(g, sites[i], argn), res);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, next);
	}
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return LLVMBuildLoad2(g->b, g->i64, res, "");
}

LLVMValueRef cg_uprobe_args(struct cg *g, const struct type *rec)
{
	uint32_t size = rec->size ? rec->size : 8;
	LLVMValueRef tmp = cg_tmp(g, size, "uargs");

	cg_memset0(g, tmp, size);
	for (uint32_t i = 0; i < rec->n_fields && i < sizeof(uargs_regs) / sizeof(uargs_regs[0]);
	     i++) {
		const struct type_field *f = &rec->fields[i];
		uint32_t fs = f->type ? f->type->size : 8;
		LLVMValueRef v = regs_u64(g, uargs_regs[i]), st;

		if (fs == 0 || fs > 8)
			continue;
		if (fs < 8)
			v = LLVMBuildTrunc(g->b, v, LLVMIntTypeInContext(g->ctx, fs * 8), "");
		st = LLVMBuildStore(g->b, v, cg_gep(g, tmp, f->offset));
		LLVMSetAlignment(st, 1);
	}
	return tmp;
}

#define BH_get_func_ip 173

LLVMValueRef cg_uaddr(struct cg *g, struct ast_node *n)
{
	const struct call_info *ci = n->call.info;
	LLVMValueRef ip, args[1];

	const struct probe_ctx *pc = g->probe ? g->probe->ctx : NULL;
	LLVMValueRef at;

	if (!ci->n)
		return cg_i64(g, ci->uaddr);
	/* runtime address = ELF address + (probed address - its ELF address) */
	args[0] = g->ctxp;
	ip = cg_helper(g, BH_get_func_ip, g->i64, args, 1);
	if (!pc || pc->n_usdt_sites < 2)
		return LLVMBuildAdd(g->b, cg_i64(g, ci->uaddr - ci->uaddr_at), ip, "uaddr");
	/* a usdt probe with several sites: the ELF address of the site that
	 * fired (BPF cookie = site index) */
	{
		const struct usdt_note *const *sites =
			(const struct usdt_note *const *)pc->usdt_sites;
		LLVMValueRef cookie = cg_helper(g, BH_get_attach_cookie, g->i64, args, 1);

		at = cg_i64(g, sites[0]->pc);
		for (uint32_t i = 1; i < pc->n_usdt_sites; i++)
			at = LLVMBuildSelect(g->b,
					     LLVMBuildICmp(g->b, LLVMIntEQ, cookie, cg_i64(g, i), ""),
					     cg_i64(g, sites[i]->pc), at, "");
	}
	return LLVMBuildAdd(g->b, cg_i64(g, ci->uaddr), LLVMBuildSub(g->b, ip, at, ""), "uaddr");
}
