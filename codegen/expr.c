/* expr.c — expressions. Scalars (integers, bools, enums, pointers) are LLVM
 * integers; everything else is a pointer to its bytes in BPF-readable memory
 * (stack, scratch area, map value). Sema made every conversion an AST_CAST, so
 * operands here already have matching types. Integer division and modulo are
 * unsigned and yield 1 for a zero divisor, as in bpftrace. */
#include <string.h>

#include "codegen/cg_int.h"

bool cg_is_scalar(const struct type *t)
{
	if (!t)
		return false;
	switch (t->kind) {
	case TY_INT:
	case TY_BOOL:
	case TY_ENUM:
	case TY_POINTER:
		return true;
	case TY_KSYM:
	case TY_USERNAME:
	case TY_TIMESTAMP:
	case TY_KSTACK:
	case TY_STRERROR:
	case TY_CGROUP_PATH:
		return t->size == 8;
	default:
		return false;
	}
}

LLVMTypeRef cg_ltype(struct cg *g, const struct type *t)
{
	if (t->kind == TY_BOOL)
		return g->i1;
	if ((t->kind == TY_INT || t->kind == TY_ENUM) && t->size && t->size <= 8)
		return LLVMIntTypeInContext(g->ctx, t->size * 8);
	return g->i64;
}

static LLVMTypeRef mem_ltype(struct cg *g, const struct type *t)
{
	if (t->kind == TY_BOOL)
		return g->i8;
	return cg_ltype(g, t);
}

void cg_store(struct cg *g, const struct type *t, LLVMValueRef v, LLVMValueRef p)
{
	if (cg_is_scalar(t)) {
		LLVMValueRef st;

		if (t->kind == TY_BOOL)
			v = LLVMBuildZExt(g->b, v, g->i8, "");
		st = LLVMBuildStore(g->b, v, p);
		/* storage layouts align scalars naturally; byte-wise stores of a
		 * pointer value would be rejected by the verifier */
		LLVMSetAlignment(st, t->size >= 8 ? 8 : t->size ? t->size : 1);
		return;
	}
	/* values are laid out at their type's alignment on both sides */
	if (t->align >= 8 && t->size % 8 == 0 && t->size <= 256 && p != v)
		LLVMBuildMemCpy(g->b, p, 8, v, 8, cg_i64(g, t->size));
	else
		cg_memcpy(g, p, v, t->size);
}

LLVMValueRef cg_load(struct cg *g, const struct type *t, LLVMValueRef p)
{
	LLVMValueRef v;

	if (!cg_is_scalar(t))
		return p;
	v = LLVMBuildLoad2(g->b, mem_ltype(g, t), p, "");
	LLVMSetAlignment(v, 1);
	if (t->kind == TY_BOOL)
		v = LLVMBuildICmp(g->b, LLVMIntNE, v, LLVMConstInt(g->i8, 0, 0), "");
	return v;
}

LLVMValueRef cg_truth(struct cg *g, const struct type *t, LLVMValueRef v)
{
	(void)t;
	if (LLVMTypeOf(v) == g->i1)
		return v;
	if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMPointerTypeKind)
		return LLVMBuildIsNotNull(g->b, v, "");
	return LLVMBuildICmp(g->b, LLVMIntNE, v, LLVMConstInt(LLVMTypeOf(v), 0, 0), "");
}

static LLVMValueRef resize(struct cg *g, LLVMValueRef v, LLVMTypeRef to, bool is_signed)
{
	unsigned fw = LLVMGetIntTypeWidth(LLVMTypeOf(v)), tw = LLVMGetIntTypeWidth(to);

	if (fw == tw)
		return v;
	if (fw > tw)
		return LLVMBuildTrunc(g->b, v, to, "");
	if (fw == 1)
		return LLVMBuildZExt(g->b, v, to, "");
	return is_signed ? LLVMBuildSExt(g->b, v, to, "") : LLVMBuildZExt(g->b, v, to, "");
}

void cg_probe_read(struct cg *g, LLVMValueRef dst, uint32_t size, LLVMValueRef addr, enum cg_mem mem)
{
	LLVMValueRef args[3];
	unsigned id = mem == MEM_USER ? BH_probe_read_user : mem == MEM_ANY ? BH_probe_read :
		      BH_probe_read_kernel;

	if (LLVMGetTypeKind(LLVMTypeOf(addr)) != LLVMPointerTypeKind)
		addr = LLVMBuildIntToPtr(g->b, addr, g->ptr, "");
	args[0] = dst;
	args[1] = cg_i32(g, size);
	args[2] = addr;
	cg_helper_error_check(g, g->read_err, cg_helper(g, id, g->i64, args, 3));
}

LLVMValueRef cg_convert(struct cg *g, LLVMValueRef v, const struct type *from, const struct type *to)
{
	if (!from || !to)
		return v;
	if (cg_is_scalar(to)) {
		LLVMTypeRef lt = cg_ltype(g, to);

		if (to->kind == TY_BOOL && from->kind == TY_STRING) {
			LLVMValueRef c = LLVMBuildLoad2(g->b, g->i8, v, "");

			return LLVMBuildICmp(g->b, LLVMIntNE, c, LLVMConstInt(g->i8, 0, 0), "");
		}
		if (!cg_is_scalar(from)) {
			/* array/struct bytes reinterpreted as an integer */
			LLVMValueRef x = LLVMBuildLoad2(g->b, lt == g->i1 ? g->i8 : lt, v, "");

			LLVMSetAlignment(x, 1);
			return lt == g->i1 ? cg_truth(g, to, x) : x;
		}
		if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMPointerTypeKind)
			v = LLVMBuildPtrToInt(g->b, v, g->i64, "");
		if (to->kind == TY_BOOL)
			return cg_truth(g, from, v);
		return resize(g, v, lt, from->is_signed);
	}
	if (to->kind == TY_BUFFER && from->kind == TY_BUFFER && to->size != from->size) {
		LLVMValueRef t = cg_tmp(g, to->size, "bufcast");

		cg_memset0(g, t, to->size);
		cg_memcpy(g, t, v, from->size < to->size ? from->size : to->size);
		return t;
	}
	if (to->kind == TY_STRING && from->kind == TY_STRING) {
		LLVMValueRef t;

		if (to->size == from->size)
			return v;
		t = cg_tmp(g, to->size, "strcast");
		if (to->size > from->size) {
			cg_memset0(g, cg_gep(g, t, from->size), to->size - from->size);
			cg_memcpy(g, t, v, from->size);
		} else {
			cg_memcpy(g, t, v, to->size - 1);
			LLVMBuildStore(g->b, LLVMConstInt(g->i8, 0, 0), cg_gep(g, t, to->size - 1));
		}
		return t;
	}
	if ((to->kind == TY_TUPLE || to->kind == TY_RECORD) && from->kind == to->kind &&
	    from->n_fields == to->n_fields) {
		LLVMValueRef t = cg_tmp(g, to->size, "tuplecast");

		cg_memset0(g, t, to->size);
		for (uint32_t i = 0; i < to->n_fields; i++) {
			uint32_t j = i;
			const struct type *ft, *tt = to->fields[i].type;
			LLVMValueRef fv;

			if (to->kind == TY_RECORD && from->fields[i].name != to->fields[i].name)
				for (j = 0; j + 1 < from->n_fields && from->fields[j].name != to->fields[i].name; j++)
					;
			ft = from->fields[j].type;
			fv = cg_load(g, ft, cg_gep(g, v, from->fields[j].offset));

			fv = cg_convert(g, fv, ft, tt);
			cg_store(g, tt, fv, cg_gep(g, t, to->fields[i].offset));
		}
		return t;
	}
	if (cg_is_scalar(from)) {
		/* integer into array bytes */
		LLVMValueRef t = cg_tmp(g, to->size > 8 ? to->size : 8, "cast");

		cg_memset0(g, t, to->size > 8 ? to->size : 8);
		cg_store(g, from, v, t);
		return t;
	}
	return v;
}

void cg_expr_into(struct cg *g, struct ast_node *n, LLVMValueRef dst)
{
	LLVMValueRef v = cg_expr(g, n);

	cg_store(g, n->type, v, dst);
}

static LLVMValueRef str_lit(struct cg *g, struct ast_node *n)
{
	uint32_t size = n->type->size;
	LLVMValueRef t = cg_tmp(g, size, "str");
	uint32_t full = (size + 7) / 8 * 8;

	for (uint32_t off = 0; off < full; off += 8) {
		uint64_t w = 0;
		LLVMValueRef st;

		for (uint32_t k = 0; k < 8; k++)
			if (off + k < n->str.len)
				w |= (uint64_t)(unsigned char)n->str.s[off + k] << (8 * k);
		st = LLVMBuildStore(g->b, cg_i64(g, w), cg_gep(g, t, off));
		LLVMSetAlignment(st, 1);
		/* a long run of equal words would be merged into a memset call,
		 * which BPF has not got */
		if (full > 64)
			LLVMSetVolatile(st, 1);
	}
	return t;
}

LLVMValueRef cg_str_eq(struct cg *g, LLVMValueRef a, uint32_t asz, LLVMValueRef b, uint32_t bsz,
		       uint32_t limit)
{
	uint32_t n = asz < bsz ? asz : bsz;
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef loop = cg_block(g, "streq_loop"), next = cg_block(g, "streq_next");
	LLVMBasicBlockRef cont = cg_block(g, "streq_cont"), end = cg_block(g, "streq_end");
	LLVMBasicBlockRef done = cg_block(g, "streq_done");
	LLVMValueRef i, ca, cb, ne, z, inc, fin, phi, endv;
	LLVMValueRef vals[4];
	LLVMBasicBlockRef bbs[4];

	if (limit && limit < n)
		n = limit;
	if (!n)
		return LLVMConstInt(g->i1, 1, 0);
	LLVMBuildBr(g->b, loop);
	LLVMPositionBuilderAtEnd(g->b, loop);
	i = LLVMBuildPhi(g->b, g->i64, "i");
	ca = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, a, &i, 1, ""), "");
	cb = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, b, &i, 1, ""), "");
	ne = LLVMBuildICmp(g->b, LLVMIntNE, ca, cb, "");
	LLVMBuildCondBr(g->b, ne, done, next);
	LLVMPositionBuilderAtEnd(g->b, next);
	z = LLVMBuildICmp(g->b, LLVMIntEQ, ca, LLVMConstInt(g->i8, 0, 0), "");
	LLVMBuildCondBr(g->b, z, done, cont);
	LLVMPositionBuilderAtEnd(g->b, cont);
	inc = LLVMBuildAdd(g->b, i, cg_i64(g, 1), "");
	fin = LLVMBuildICmp(g->b, LLVMIntEQ, inc, cg_i64(g, n), "");
	LLVMBuildCondBr(g->b, fin, end, loop);
	{
		LLVMValueRef iv[2] = { cg_i64(g, 0), inc };
		LLVMBasicBlockRef ib[2] = { pre, cont };

		LLVMAddIncoming(i, iv, ib, 2);
	}
	LLVMPositionBuilderAtEnd(g->b, end);
	if ((limit && n == limit) || asz == bsz) {
		endv = LLVMConstInt(g->i1, 1, 0);
	} else {
		LLVMValueRef longer = asz > bsz ? a : b;
		LLVMValueRef c = LLVMBuildLoad2(g->b, g->i8, cg_gep(g, longer, n), "");

		endv = LLVMBuildICmp(g->b, LLVMIntEQ, c, LLVMConstInt(g->i8, 0, 0), "");
	}
	end = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, g->i1, "streq");
	vals[0] = LLVMConstInt(g->i1, 0, 0);
	bbs[0] = loop;
	vals[1] = LLVMConstInt(g->i1, 1, 0);
	bbs[1] = next;
	vals[2] = endv;
	bbs[2] = end;
	LLVMAddIncoming(phi, vals, bbs, 3);
	return phi;
}

/* The ACT_RUNTIME_WARNING sema made for @n (found by location), or NULL. */
const struct action *cg_warning_for(struct cg *g, const struct ast_node *n)
{
	for (size_t i = 0; i < g->res->actions.n; i++) {
		const struct action *a = g->res->actions.v[i];

		if (a->kind == ACT_RUNTIME_WARNING && a->loc.off == n->loc.off && a->loc.len == n->loc.len &&
		    a->loc.src == n->loc.src)
			return a;
	}
	return NULL;
}

/* Sends the (payload-less) warning event @w when @cond holds. */
void cg_runtime_warning(struct cg *g, const struct action *w, LLVMValueRef cond)
{
	LLVMBasicBlockRef warn = cg_block(g, "rt_warn"), cont = cg_block(g, "rt_ok");
	LLVMValueRef ev;

	LLVMBuildCondBr(g->b, cond, warn, cont);
	LLVMPositionBuilderAtEnd(g->b, warn);
	ev = cg_gep(g, g->scratch_base, g->event_off);
	LLVMBuildStore(g->b, cg_i64(g, w->id), ev);
	cg_event_output(g, ev, cg_i64(g, 8));
	LLVMBuildBr(g->b, cont);
	LLVMPositionBuilderAtEnd(g->b, cont);
}

static LLVMValueRef logical(struct cg *g, struct ast_node *n)
{
	bool is_and = n->bin.op == AST_OP_LAND;
	LLVMValueRef l, r;
	LLVMBasicBlockRef lb, rb, rhs = cg_block(g, "logic_rhs"), done = cg_block(g, "logic_done");
	LLVMValueRef phi, vals[2];
	LLVMBasicBlockRef bbs[2];

	l = cg_truth(g, n->bin.l->type, cg_expr(g, n->bin.l));
	lb = LLVMGetInsertBlock(g->b);
	if (is_and)
		LLVMBuildCondBr(g->b, l, rhs, done);
	else
		LLVMBuildCondBr(g->b, l, done, rhs);
	LLVMPositionBuilderAtEnd(g->b, rhs);
	r = cg_truth(g, n->bin.r->type, cg_expr(g, n->bin.r));
	rb = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, g->i1, "");
	vals[0] = LLVMConstInt(g->i1, is_and ? 0 : 1, 0);
	bbs[0] = lb;
	vals[1] = r;
	bbs[1] = rb;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

static LLVMValueRef binop(struct cg *g, struct ast_node *n)
{
	const struct type *lt = n->bin.l->type;
	LLVMValueRef l, r;
	bool sg;

	if (n->bin.op == AST_OP_LAND || n->bin.op == AST_OP_LOR)
		return logical(g, n);
	l = cg_expr(g, n->bin.l);
	r = cg_expr(g, n->bin.r);
	if (lt->kind == TY_TUPLE || lt->kind == TY_RECORD || lt->kind == TY_ARRAY) {
		/* bytewise: both sides have the same layout and zeroed padding */
		LLVMValueRef eq = LLVMConstInt(g->i1, 1, 0);

		for (uint32_t off = 0; off < lt->size; off++) {
			LLVMValueRef x = LLVMBuildLoad2(g->b, g->i8, cg_gep(g, l, off), "");
			LLVMValueRef y = LLVMBuildLoad2(g->b, g->i8, cg_gep(g, r, off), "");

			eq = LLVMBuildAnd(g->b, eq, LLVMBuildICmp(g->b, LLVMIntEQ, x, y, ""), "");
		}
		return n->bin.op == AST_OP_EQ ? eq : LLVMBuildNot(g->b, eq, "");
	}
	if (lt->kind == TY_STRING) {
		LLVMValueRef eq = cg_str_eq(g, l, lt->size, r, n->bin.r->type->size, 0);

		return n->bin.op == AST_OP_EQ ? eq : LLVMBuildNot(g->b, eq, "");
	}
	if (lt->kind == TY_POINTER && n->bin.r->type->kind != TY_POINTER) {
		/* pointer arithmetic scales by the pointee size */
		uint32_t es = lt->elem && lt->elem->size ? lt->elem->size : 1;
		LLVMValueRef off = LLVMBuildMul(g->b, resize(g, r, g->i64, true), cg_i64(g, es), "");

		return n->bin.op == AST_OP_SUB ? LLVMBuildSub(g->b, l, off, "") : LLVMBuildAdd(g->b, l, off, "");
	}
	if (n->bin.r->type->kind == TY_POINTER && lt->kind != TY_POINTER) {
		const struct type *rt = n->bin.r->type;
		uint32_t es = rt->elem && rt->elem->size ? rt->elem->size : 1;

		return LLVMBuildAdd(g->b, r, LLVMBuildMul(g->b, resize(g, l, g->i64, true), cg_i64(g, es), ""), "");
	}
	if (LLVMTypeOf(l) != LLVMTypeOf(r)) {
		/* sema casts operands; bools may stay i1 against i8 */
		LLVMTypeRef wide = LLVMGetIntTypeWidth(LLVMTypeOf(l)) > LLVMGetIntTypeWidth(LLVMTypeOf(r)) ?
					   LLVMTypeOf(l) : LLVMTypeOf(r);

		l = resize(g, l, wide, lt->is_signed);
		r = resize(g, r, wide, n->bin.r->type->is_signed);
	}
	sg = lt->is_signed && lt->kind != TY_BOOL;
	switch (n->bin.op) {
	case AST_OP_ADD:
		return LLVMBuildAdd(g->b, l, r, "");
	case AST_OP_SUB:
		return LLVMBuildSub(g->b, l, r, "");
	case AST_OP_MUL:
		return LLVMBuildMul(g->b, l, r, "");
	case AST_OP_DIV:
	case AST_OP_MOD: {
		LLVMTypeRef ty = LLVMTypeOf(l);
		LLVMValueRef z = LLVMBuildICmp(g->b, LLVMIntEQ, r, LLVMConstInt(ty, 0, 0), "");
		const struct action *w = NULL;

		w = cg_warning_for(g, n);
		if (w)
			cg_runtime_warning(g, w, z); /* tell user space about the zero divisor */
		LLVMValueRef safe = LLVMBuildSelect(g->b, z, LLVMConstInt(ty, 1, 0), r, "");
		LLVMValueRef q = n->bin.op == AST_OP_DIV ? LLVMBuildUDiv(g->b, l, safe, "") :
							   LLVMBuildURem(g->b, l, safe, "");

		return LLVMBuildSelect(g->b, z, LLVMConstInt(ty, 1, 0), q, "");
	}
	case AST_OP_BAND:
		return LLVMBuildAnd(g->b, l, r, "");
	case AST_OP_BOR:
		return LLVMBuildOr(g->b, l, r, "");
	case AST_OP_BXOR:
		return LLVMBuildXor(g->b, l, r, "");
	case AST_OP_SHL:
		return LLVMBuildShl(g->b, l, r, "");
	case AST_OP_SHR:
		return LLVMBuildLShr(g->b, l, r, "");
	case AST_OP_EQ:
		return LLVMBuildICmp(g->b, LLVMIntEQ, l, r, "");
	case AST_OP_NE:
		return LLVMBuildICmp(g->b, LLVMIntNE, l, r, "");
	case AST_OP_LT:
		return LLVMBuildICmp(g->b, sg ? LLVMIntSLT : LLVMIntULT, l, r, "");
	case AST_OP_LE:
		return LLVMBuildICmp(g->b, sg ? LLVMIntSLE : LLVMIntULE, l, r, "");
	case AST_OP_GT:
		return LLVMBuildICmp(g->b, sg ? LLVMIntSGT : LLVMIntUGT, l, r, "");
	case AST_OP_GE:
		return LLVMBuildICmp(g->b, sg ? LLVMIntSGE : LLVMIntUGE, l, r, "");
	default:
		cg_error(g, n->loc, "unsupported operator '%s'", ast_op_names[n->bin.op]);
		return LLVMConstInt(cg_ltype(g, n->type), 0, 0);
	}
}

/* ++/-- on a variable or map element */
static LLVMValueRef incdec(struct cg *g, struct ast_node *n)
{
	struct ast_node *e = n->un.e;
	const struct type *t = e->type;
	LLVMValueRef old, nv, one;

	if (!t || !cg_is_scalar(t)) {
		cg_error(g, n->loc, "unsupported operand for %s", ast_op_names[n->un.op]);
		return cg_i64(g, 0);
	}
	one = LLVMConstInt(cg_ltype(g, t), t->kind == TY_POINTER && t->elem && t->elem->size ? t->elem->size : 1, 0);
	if (e->kind == AST_VAR) {
		LLVMValueRef p = cg_var_ptr(g, e->var.info);

		old = cg_load(g, t, p);
		nv = n->un.op == AST_OP_INC ? LLVMBuildAdd(g->b, old, one, "") : LLVMBuildSub(g->b, old, one, "");
		cg_store(g, t, nv, p);
	} else {
		LLVMValueRef key = cg_map_key(g, e, 0);

		old = cg_map_read(g, e);
		old = cg_convert(g, old, e->map.info->value_type->kind == TY_INT ? e->map.info->value_type : t, t);
		nv = n->un.op == AST_OP_INC ? LLVMBuildAdd(g->b, old, one, "") : LLVMBuildSub(g->b, old, one, "");
		cg_map_store(g, e, key, nv);
	}
	return n->un.is_postfix ? old : nv;
}

static enum cg_mem mem_of(enum addrspace as)
{
	return as == AS_USER ? MEM_USER : as == AS_KERNEL ? MEM_KERNEL : MEM_ANY;
}

/* Address of an lvalue-like expression: *mem tells how to read it. For MEM_BPF
 * (and MEM_CTX, flagged by *is_ctx) the result is a pointer; otherwise an i64
 * address. NULL if @n has no address. */
static LLVMValueRef addr_of(struct cg *g, struct ast_node *n, enum cg_mem *mem, bool *is_ctx)
{
	*is_ctx = false;
	switch (n->kind) {
	case AST_CALL:
		if (n->call.info && n->call.info->fn == BI_ARGS) {
			*mem = MEM_BPF;
			*is_ctx = true;
			return g->ctxp;
		}
		break;
	case AST_UNOP:
		if (n->un.op == AST_OP_DEREF) {
			const struct type *pt = n->un.e->type;

			*mem = mem_of(pt->as);
			return cg_expr(g, n->un.e);
		}
		break;
	case AST_FIELD: {
		const struct type *bt = n->field.e->type;
		LLVMValueRef base;
		uint32_t off = n->field.field ? n->field.field->offset : 0;

		if (bt->kind == TY_POINTER) {
			base = cg_expr(g, n->field.e);
			*mem = mem_of(bt->as);
		} else {
			base = addr_of(g, n->field.e, mem, is_ctx);
			if (!base) {
				base = cg_expr(g, n->field.e);
				*mem = MEM_BPF;
			}
		}
		if (*mem == MEM_BPF)
			return cg_gep(g, base, off);
		return LLVMBuildAdd(g->b, base, cg_i64(g, off), "");
	}
	case AST_INDEX: {
		const struct type *bt = n->index.e->type;
		uint32_t es = n->type->size;
		LLVMValueRef base, idx = resize(g, cg_expr(g, n->index.index), g->i64, true);
		LLVMValueRef off;
		const struct action *w = bt->kind == TY_ARRAY ? cg_warning_for(g, n) : NULL;

		if (w && bt->n) {
			LLVMValueRef oob = LLVMBuildICmp(g->b, LLVMIntUGE, idx, cg_i64(g, bt->n), "");

			cg_runtime_warning(g, w, oob);
			/* stay inside the array where the verifier can see it */
			idx = LLVMBuildSelect(g->b, oob, cg_i64(g, 0), idx, "");
		}
		off = LLVMBuildMul(g->b, idx, cg_i64(g, es), "");

		if (bt->kind == TY_POINTER) {
			base = cg_expr(g, n->index.e);
			*mem = mem_of(bt->as);
			return LLVMBuildAdd(g->b, base, off, "");
		}
		base = addr_of(g, n->index.e, mem, is_ctx);
		if (!base) {
			base = cg_expr(g, n->index.e);
			*mem = MEM_BPF;
		}
		if (*mem == MEM_BPF)
			return LLVMBuildGEP2(g->b, g->i8, base, &off, 1, "");
		return LLVMBuildAdd(g->b, base, off, "");
	}
	case AST_VAR:
		*mem = MEM_BPF;
		return cg_var_ptr(g, n->var.info);
	default:
		break;
	}
	return NULL;
}

/* Reads a value of type @t at @addr. */
static LLVMValueRef read_at(struct cg *g, const struct type *t, LLVMValueRef addr, enum cg_mem mem,
			    bool is_ctx, const struct type_field *bf)
{
	LLVMValueRef v;

	if (bf && t->kind == TY_STRING && bf->type->size < t->size) {
		/* char[N] field as string[N + 1]: read N bytes, keep the NUL */
		LLVMValueRef tmp = cg_tmp(g, t->size, "chars");

		cg_memset0(g, tmp, t->size);
		if (mem == MEM_BPF && !is_ctx)
			cg_memcpy(g, tmp, addr, bf->type->size);
		else
			cg_probe_read(g, tmp, bf->type->size, mem == MEM_BPF ?
				      LLVMBuildPtrToInt(g->b, addr, g->i64, "") : addr,
				      mem == MEM_BPF ? MEM_KERNEL : mem);
		return tmp;
	}

	if (mem == MEM_BPF && !is_ctx) {
		v = cg_load(g, t, addr);
	} else if (mem == MEM_BPF && cg_is_scalar(t)) {
		/* direct context load (tracepoint record, raw tracepoint args) */
		v = LLVMBuildLoad2(g->b, mem_ltype(g, t), addr, "");
		if (t->kind == TY_BOOL)
			v = cg_truth(g, t, v);
	} else {
		uint32_t sz = t->size ? t->size : 8;
		LLVMValueRef tmp = cg_tmp(g, sz, "rd");

		if (mem == MEM_BPF) {
			/* aggregate out of the context: helper copy */
			cg_probe_read(g, tmp, sz, LLVMBuildPtrToInt(g->b, addr, g->i64, ""), MEM_KERNEL);
		} else {
			if (!cg_is_scalar(t) || t->kind == TY_STRING)
				cg_memset0(g, tmp, sz);
			cg_probe_read(g, tmp, sz, addr, mem);
		}
		v = cg_load(g, t, tmp);
	}
	if (bf && bf->bit_size && cg_is_scalar(t)) {
		LLVMTypeRef lt = LLVMTypeOf(v);
		uint64_t mask = bf->bit_size >= 64 ? ~0ull : ((1ull << bf->bit_size) - 1);

		v = LLVMBuildLShr(g->b, v, LLVMConstInt(lt, bf->bit_offset, 0), "");
		v = LLVMBuildAnd(g->b, v, LLVMConstInt(lt, mask, 0), "");
	}
	return v;
}

static LLVMValueRef field(struct cg *g, struct ast_node *n)
{
	const struct type_field *f = n->field.field;
	const struct type *bt = n->field.e->type;
	enum cg_mem mem;
	bool is_ctx;
	LLVMValueRef a;

	if (bt->kind == TY_RECORD || bt->kind == TY_TUPLE) {
		LLVMValueRef base;

		if (cg_ctx_slot_field(bt, f) && cg_is_ctx_args(g, n->field.e))
			return cg_ctx_slot(g, n->type, f->offset);
		base = cg_expr(g, n->field.e);

		return cg_load(g, n->type, cg_gep(g, base, f->offset));
	}
	if (f && f->is_data_loc) {
		/* u32 (len << 16 | offset); the value is the address ctx + offset */
		bool ctx_base = false;
		LLVMValueRef p = addr_of(g, n, &mem, &ctx_base);
		LLVMValueRef w, off;

		w = LLVMBuildLoad2(g->b, g->i32, p, "");
		off = LLVMBuildAnd(g->b, LLVMBuildZExt(g->b, w, g->i64, ""), cg_i64(g, 0xffff), "");
		return LLVMBuildAdd(g->b, LLVMBuildPtrToInt(g->b, g->ctxp, g->i64, ""), off, "");
	}
	a = addr_of(g, n, &mem, &is_ctx);
	if (!a) {
		cg_error(g, n->loc, "cannot access field '%s' here", n->field.name);
		return LLVMConstInt(g->i64, 0, 0);
	}
	return read_at(g, n->type, a, mem, is_ctx, f);
}

static LLVMValueRef tuple(struct cg *g, struct ast_node *n)
{
	const struct type *t = n->type;
	LLVMValueRef p = cg_tmp(g, t->size, "tuple");
	uint32_t i = 0;

	cg_memset0(g, p, t->size);
	for (struct ast_node *e = n->tuple.elems; e; e = e->next, i++) {
		struct ast_node *x = e->kind == AST_NAMED ? e->named.e : e;
		LLVMValueRef v = cg_expr(g, x);

		v = cg_convert(g, v, x->type, t->fields[i].type);
		cg_store(g, t->fields[i].type, v, cg_gep(g, p, t->fields[i].offset));
	}
	return p;
}

static LLVMValueRef ternary(struct cg *g, struct ast_node *n)
{
	LLVMValueRef c = cg_truth(g, n->cond.cond->type, cg_expr(g, n->cond.cond));
	LLVMBasicBlockRef tb = cg_block(g, "tern_then"), eb = cg_block(g, "tern_else"),
			  done = cg_block(g, "tern_done");
	bool scalar = cg_is_scalar(n->type);
	LLVMValueRef tmp = NULL, tv, ev, phi;
	LLVMBasicBlockRef tbe, ebe;

	if (!scalar && n->type->kind != TY_NONE)
		tmp = cg_tmp(g, n->type->size, "tern");
	LLVMBuildCondBr(g->b, c, tb, eb);
	LLVMPositionBuilderAtEnd(g->b, tb);
	tv = cg_expr(g, n->cond.then);
	if (tmp)
		cg_store(g, n->type, tv, tmp);
	tbe = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, eb);
	ev = cg_expr(g, n->cond.els);
	if (tmp)
		cg_store(g, n->type, ev, tmp);
	ebe = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	if (!scalar)
		return tmp ? tmp : cg_i64(g, 0);
	phi = LLVMBuildPhi(g->b, LLVMTypeOf(tv), "");
	{
		LLVMValueRef vals[2] = { tv, ev };
		LLVMBasicBlockRef bbs[2] = { tbe, ebe };

		LLVMAddIncoming(phi, vals, bbs, 2);
	}
	return phi;
}

static LLVMValueRef expr_node(struct cg *g, struct ast_node *n);

/* Generates @n with g->read_err set to the -k check of its own probe reads. */
LLVMValueRef cg_expr(struct cg *g, struct ast_node *n)
{
	const struct action *saved = g->read_err;
	LLVMValueRef v;

	g->read_err = cg_read_error_for(g, n);
	v = expr_node(g, n);
	g->read_err = saved;
	return v;
}

static LLVMValueRef expr_node(struct cg *g, struct ast_node *n)
{
	const struct type *t = n->type;

	switch (n->kind) {
	case AST_INT:
		return LLVMConstInt(cg_ltype(g, t), n->num.v, 0);
	case AST_BOOL:
		return LLVMConstInt(g->i1, n->boolean.v, 0);
	case AST_STR:
		return str_lit(g, n);
	case AST_VAR:
		return cg_load(g, t, cg_var_ptr(g, n->var.info));
	case AST_MAP:
		return cg_map_read(g, n);
	case AST_CALL: {
		enum builtin_fn fn;

		if (!n->call.info) {
			cg_error(g, n->loc, "internal: untyped call '%s'", n->call.name);
			return cg_i64(g, 0);
		}
		fn = n->call.info->fn;
		if (fn <= BI_PPID)
			return cg_bi_proc(g, n);
		if (fn >= BI_PRINTF && fn <= BI_DEBUGF)
			return cg_bi_print(g, n);
		if (fn == BI_EXIT || fn == BI_SIGNAL || fn == BI_OVERRIDE)
			return cg_bi_print(g, n);
		if (fn >= BI_COUNT && fn <= BI_HAS_KEY)
			return cg_bi_map(g, n);
		if (fn >= BI_PERCPU_KADDR) /* the stdlib ones, at the end of builtins.def */
			return cg_bi_stdlib(g, n);
		return cg_bi_mem(g, n);
	}
	case AST_BINOP:
		return binop(g, n);
	case AST_UNOP: {
		LLVMValueRef v;

		switch (n->un.op) {
		case AST_OP_INC:
		case AST_OP_DEC:
			return incdec(g, n);
		case AST_OP_DEREF: {
			enum cg_mem mem;
			bool is_ctx;
			LLVMValueRef a = addr_of(g, n, &mem, &is_ctx);

			return read_at(g, t, a, mem, is_ctx, NULL);
		}
		case AST_OP_ADDR: {
			enum cg_mem mem;
			bool is_ctx;
			LLVMValueRef a = addr_of(g, n->un.e, &mem, &is_ctx);

			if (!a) {
				cg_error(g, n->loc, "cannot take the address of this expression");
				return cg_i64(g, 0);
			}
			if (LLVMGetTypeKind(LLVMTypeOf(a)) == LLVMPointerTypeKind)
				return LLVMBuildPtrToInt(g->b, a, g->i64, "");
			return a;
		}
		default:
			break;
		}
		v = cg_expr(g, n->un.e);
		switch (n->un.op) {
		case AST_OP_NOT:
			return LLVMBuildNot(g->b, cg_truth(g, n->un.e->type, v), "");
		case AST_OP_BNOT:
			return LLVMBuildNot(g->b, v, "");
		case AST_OP_NEG:
			return LLVMBuildNeg(g->b, v, "");
		case AST_OP_PLUS:
			return v;
		default:
			cg_error(g, n->loc, "unsupported operator '%s'", ast_op_names[n->un.op]);
			return v;
		}
	}
	case AST_TERNARY:
		return ternary(g, n);
	case AST_FIELD:
		return field(g, n);
	case AST_INDEX: {
		enum cg_mem mem;
		bool is_ctx;
		LLVMValueRef a;

		if (n->index.e->type->kind == TY_STRING) {
			LLVMValueRef base = cg_expr(g, n->index.e);
			LLVMValueRef idx = resize(g, cg_expr(g, n->index.index), g->i64, true);

			return LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, base, &idx, 1, ""), "");
		}
		a = addr_of(g, n, &mem, &is_ctx);
		return read_at(g, t, a, mem, is_ctx, NULL);
	}
	case AST_TUPLE_INDEX: {
		const struct type *tt = n->tindex.e->type;
		LLVMValueRef base = cg_expr(g, n->tindex.e);

		return cg_load(g, t, cg_gep(g, base, tt->fields[n->tindex.idx].offset));
	}
	case AST_CAST:
		return cg_convert(g, cg_expr(g, n->cast.e), n->cast.e->type, t);
	case AST_TUPLE:
	case AST_RECORD:
		return tuple(g, n);
	case AST_BLOCK_EXPR:
		for (struct ast_node *s = n->block.stmts; s; s = s->next)
			cg_stmt(g, s);
		if (n->block.expr)
			return cg_expr(g, n->block.expr);
		return cg_i64(g, 0);
	default:
		cg_error(g, n->loc, "cannot generate code for %s", ast_kind_names[n->kind]);
		return cg_i64(g, 0);
	}
}
