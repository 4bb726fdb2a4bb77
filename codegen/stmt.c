/* stmt.c — statements: blocks, assignments, if/else, loops (while, for over a
 * range, unroll, for over a map through bpf_for_each_map_elem with a callback
 * function), break/continue/return. Every statement sets the debug location,
 * so BTF line info maps instructions back to script lines. */
#include <stdlib.h>
#include <string.h>

#include "codegen/cg_int.h"

void cg_block_stmts(struct cg *g, struct ast_node *b)
{
	if (!b)
		return;
	if (b->kind != AST_BLOCK) {
		cg_stmt(g, b);
		return;
	}
	for (struct ast_node *s = b->block.stmts; s; s = s->next) {
		if (cg_terminated(g)) {
			/* code after return/break/continue: unreachable */
			LLVMPositionBuilderAtEnd(g->b, cg_block(g, "dead"));
		}
		cg_stmt(g, s);
	}
}

static void assign(struct cg *g, struct ast_node *n)
{
	struct ast_node *lhs = n->assign.lhs, *rhs = n->assign.rhs;

	switch (lhs->kind) {
	case AST_VAR: {
		LLVMValueRef v = cg_expr(g, rhs);
		LLVMValueRef p = cg_var_ptr(g, lhs->var.info);

		v = cg_convert(g, v, rhs->type, lhs->var.info->type);
		cg_store(g, lhs->var.info->type, v, p);
		break;
	}
	case AST_MAP:
		if (rhs->kind == AST_CALL && rhs->call.info && rhs->call.info->fn >= BI_COUNT &&
		    rhs->call.info->fn <= BI_TSERIES)
			cg_agg(g, lhs, rhs);
		else
			cg_map_assign(g, lhs, rhs);
		break;
	case AST_DISCARD:
		cg_expr(g, rhs);
		break;
	default:
		cg_error(g, n->loc, "unsupported assignment target");
	}
}

static void jump_to(struct cg *g, LLVMBasicBlockRef bb)
{
	LLVMBuildBr(g->b, bb);
}

static void if_stmt(struct cg *g, struct ast_node *n)
{
	LLVMValueRef c = cg_truth(g, n->cond.cond->type, cg_expr(g, n->cond.cond));
	LLVMBasicBlockRef tb = cg_block(g, "if_then"), eb = n->cond.els ? cg_block(g, "if_else") : NULL;
	LLVMBasicBlockRef done = cg_block(g, "if_end");

	LLVMBuildCondBr(g->b, c, tb, eb ? eb : done);
	LLVMPositionBuilderAtEnd(g->b, tb);
	cg_block_stmts(g, n->cond.then);
	if (!cg_terminated(g))
		jump_to(g, done);
	if (eb) {
		LLVMPositionBuilderAtEnd(g->b, eb);
		cg_block_stmts(g, n->cond.els);
		if (!cg_terminated(g))
			jump_to(g, done);
	}
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void push_loop(struct cg *g, LLVMBasicBlockRef brk, LLVMBasicBlockRef cont)
{
	if (g->n_loops >= (int)ARRAY_SIZE(g->loops)) {
		cg_error(g, (struct loc){ 0 }, "loops nested too deeply");
		return;
	}
	g->loops[g->n_loops].brk = brk;
	g->loops[g->n_loops].cont = cont;
	g->n_loops++;
}

static void while_stmt(struct cg *g, struct ast_node *n)
{
	LLVMBasicBlockRef cond = cg_block(g, "while_cond"), body = cg_block(g, "while_body"),
			  done = cg_block(g, "while_end");
	LLVMValueRef c;

	jump_to(g, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	cg_loc(g, n->loop.cond->loc);
	c = cg_truth(g, n->loop.cond->type, cg_expr(g, n->loop.cond));
	LLVMBuildCondBr(g->b, c, body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	push_loop(g, done, cond);
	cg_block_stmts(g, n->loop.body);
	g->n_loops--;
	if (!cg_terminated(g))
		jump_to(g, cond);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void for_range(struct cg *g, struct ast_node *n)
{
	const struct type *t = n->for_.var->var.info->type;
	LLVMValueRef p = cg_var_ptr(g, n->for_.var->var.info);
	LLVMValueRef start = cg_convert(g, cg_expr(g, n->for_.iter), n->for_.iter->type, t);
	LLVMValueRef end = cg_convert(g, cg_expr(g, n->for_.end), n->for_.end->type, t);
	LLVMTypeRef lt = cg_ltype(g, t);
	/* the counter lives on the stack, where the verifier can bound it; the
	 * variable (maybe in the scratch area) gets a copy each iteration */
	LLVMValueRef ctr = cg_alloca(g, lt, "range_i"), c, i;
	LLVMBasicBlockRef cond = cg_block(g, "for_cond"), body = cg_block(g, "for_body"),
			  step = cg_block(g, "for_step"), done = cg_block(g, "for_end");

	g->stack_used += 8;
	LLVMBuildStore(g->b, start, ctr);
	jump_to(g, cond);
	LLVMPositionBuilderAtEnd(g->b, cond);
	i = LLVMBuildLoad2(g->b, lt, ctr, "");
	c = LLVMBuildICmp(g->b, t->is_signed ? LLVMIntSLT : LLVMIntULT, i, end, "");
	LLVMBuildCondBr(g->b, c, body, done);
	LLVMPositionBuilderAtEnd(g->b, body);
	cg_store(g, t, i, p);
	push_loop(g, done, step);
	cg_block_stmts(g, n->for_.body);
	g->n_loops--;
	if (!cg_terminated(g))
		jump_to(g, step);
	LLVMPositionBuilderAtEnd(g->b, step);
	i = LLVMBuildLoad2(g->b, lt, ctr, "");
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, i, LLVMConstInt(lt, 1, 0), ""), ctr);
	jump_to(g, cond);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void unroll(struct cg *g, struct ast_node *n)
{
	int64_t k = n->loop.cond->kind == AST_INT ? (int64_t)n->loop.cond->num.v : 1;
	LLVMBasicBlockRef done = cg_block(g, "unroll_end");

	for (int64_t i = 0; i < k; i++) {
		LLVMBasicBlockRef next = cg_block(g, "unroll_next");

		push_loop(g, done, next);
		cg_block_stmts(g, n->loop.body);
		g->n_loops--;
		if (!cg_terminated(g))
			jump_to(g, next);
		LLVMPositionBuilderAtEnd(g->b, next);
	}
	jump_to(g, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

static void jump(struct cg *g, struct ast_node *n)
{
	switch (n->jump.kind) {
	case JUMP_RETURN:
		if (n->jump.value)
			cg_expr(g, n->jump.value);
		if (g->in_callback) {
			/* leave the probe too: the caller checks the flag */
			LLVMBuildStore(g->b, cg_i64(g, 1), g->cb_ctx);
			LLVMBuildRet(g->b, cg_i64(g, 1));
			return;
		}
		cg_return(g);
		return;
	case JUMP_BREAK:
		if (g->n_loops)
			jump_to(g, g->loops[g->n_loops - 1].brk);
		else if (g->in_callback)
			LLVMBuildRet(g->b, cg_i64(g, 1));
		return;
	case JUMP_CONTINUE:
		if (g->n_loops)
			jump_to(g, g->loops[g->n_loops - 1].cont);
		else if (g->in_callback)
			LLVMBuildRet(g->b, cg_i64(g, 0));
		return;
	}
}

/* Bounds the verifier can see: literals (possibly behind casts). */
/* A range with constant bounds short enough for the verifier to walk every
 * iteration of a plain loop; longer ones go through bpf_loop (a range of a
 * million keys must load too). */
#define RANGE_PLAIN_MAX 1024

static bool range_const(const struct ast_node *n)
{
	const struct ast_node *a = n->for_.iter, *b = n->for_.end;

	while (a->kind == AST_CAST)
		a = a->cast.e;
	while (b->kind == AST_CAST)
		b = b->cast.e;
	if (a->kind != AST_INT || b->kind != AST_INT)
		return false;
	return (int64_t)b->num.v - (int64_t)a->num.v <= RANGE_PLAIN_MAX;
}

void cg_stmt(struct cg *g, struct ast_node *n)
{
	cg_loc(g, n->loc);
	switch (n->kind) {
	case AST_BLOCK: {
		cg_block_stmts(g, n);
		break;
	}
	case AST_EXPR_STMT:
		cg_loc(g, n->stmt.expr->loc);
		cg_expr(g, n->stmt.expr);
		break;
	case AST_ASSIGN:
		assign(g, n);
		break;
	case AST_LET:
		if (n->let.init) {
			struct var_info *v = n->let.var->var.info;
			LLVMValueRef x = cg_expr(g, n->let.init);

			x = cg_convert(g, x, n->let.init->type, v->type);
			cg_store(g, v->type, x, cg_var_ptr(g, v));
		} else if (n->let.var->var.info && n->let.var->var.info->type) {
			struct var_info *v = n->let.var->var.info;

			cg_memset0(g, cg_var_ptr(g, v), v->type->size ? v->type->size : 8);
		}
		break;
	case AST_IF:
		if_stmt(g, n);
		break;
	case AST_WHILE:
		while_stmt(g, n);
		break;
	case AST_FOR_RANGE:
		if (range_const(n))
			for_range(g, n);
		else
			cg_for_range_loop(g, n);
		break;
	case AST_FOR_MAP:
		cg_for_map(g, n);
		break;
	case AST_UNROLL:
		unroll(g, n);
		break;
	case AST_JUMP:
		jump(g, n);
		break;
	default:
		if (n->kind >= AST_INT) {
			cg_expr(g, n);
			break;
		}
		cg_error(g, n->loc, "cannot generate code for %s", ast_kind_names[n->kind]);
	}
}

/* ---- for ($kv : @m) { ... } ----
 * The body becomes a callback `long cb(map, key, value, ctx)` run by
 * bpf_for_each_map_elem. Variables of the enclosing probe live in the per-CPU
 * scratch area when the probe has such a loop, so the callback reaches them at
 * the same offsets through its own scratch lookup. */

struct fn_state {
	bool vis;
	LLVMValueRef fn, ctxp, scratch_base, entry_pos, cb_ctx;
	LLVMBasicBlockRef entry, init_bb, start_bb, cur;
	LLVMMetadataRef sp, dloc;
	uint32_t stack_used;
	struct cg_loop loops[64];
	int n_loops;
	bool in_callback;
	LLVMValueRef *vars;
};

/* Starts a callback function `long name(params)` for a loop body and makes it
 * the current function; the caller's state goes to @st. @ctx_param is the
 * index of the "ctx" parameter (a u64 flag: the body returned). */
static LLVMValueRef cb_open(struct cg *g, struct fn_state *st, struct ast_node *n, unsigned nparams,
			    const char *const *pnames, unsigned ctx_param)
{
	LLVMTypeRef pt[4] = { g->ptr, g->ptr, g->ptr, g->ptr };
	LLVMMetadataRef tys[5] = { g->di_u64, g->di_voidp, g->di_voidp, g->di_voidp, g->di_voidp }, sty;
	char name[32];
	LLVMValueRef cb, zero, args[2];
	LLVMBasicBlockRef ok, bad, body;
	uint32_t line = n->loc.line ? n->loc.line : 1;

	st->fn = g->fn;
	st->ctxp = g->ctxp;
	st->cb_ctx = g->cb_ctx;
	st->scratch_base = g->scratch_base;
	st->entry_pos = g->entry_pos;
	st->entry = g->entry;
	st->init_bb = g->init_bb;
	st->start_bb = g->start_bb;
	st->cur = LLVMGetInsertBlock(g->b);
	st->sp = g->sp;
	st->dloc = LLVMGetCurrentDebugLocation2(g->b);
	st->stack_used = g->stack_used;
	memcpy(st->loops, g->loops, sizeof(st->loops));
	st->n_loops = g->n_loops;
	st->in_callback = g->in_callback;
	st->vars = g->vars;
	st->vis = g->vars_in_scratch;

	if (pnames[0][0] == 'i')
		pt[0] = g->i64; /* bpf_loop: u64 index */
	snprintf(name, sizeof(name), "cb%u", g->n_cbs++);
	cb = LLVMAddFunction(g->mod, name, LLVMFunctionType(g->i64, pt, nparams, 0));
	LLVMSetLinkage(cb, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(cb, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(g->ctx, LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	LLVMAddAttributeAtIndex(cb, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(g->ctx, LLVMGetEnumAttributeKindForName("noinline", 8), 0));
	if (pnames[0][0] == 'i')
		tys[1] = g->di_u64;
	sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, tys, nparams + 1, LLVMDIFlagPrototyped);
	g->sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, name, strlen(name), name, strlen(name),
					    g->di_file, line, sty, 1, 1, line, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(cb, g->sp);
	for (unsigned i = 0; i < nparams; i++)
		LLVMDIBuilderCreateParameterVariable(g->di, g->sp, pnames[i], strlen(pnames[i]), i + 1,
						     g->di_file, line, tys[i + 1], 1, 0);
	g->fn = cb;
	/* outer variables are reached through var_off in the new function */
	g->vars = xcalloc(CG_MAX_VARS, sizeof(*g->vars));
	g->entry = cg_block(g, "entry");
	body = cg_block(g, "body");
	LLVMPositionBuilderAtEnd(g->b, g->entry);
	g->entry_pos = LLVMBuildBr(g->b, body);
	LLVMPositionBuilderAtEnd(g->b, body);
	cg_loc(g, n->loc);
	LLVMInstructionSetDebugLoc(g->entry_pos, LLVMGetCurrentDebugLocation2(g->b));
	g->stack_used = 0;
	g->n_loops = 0;
	g->in_callback = true;
	/* variables first seen in the body are the callback's own: its stack,
	 * where the verifier tracks them (loop counters) */
	g->vars_in_scratch = false;
	zero = cg_alloca(g, g->i32, "cpu");
	g->stack_used += 8;
	LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, cg_helper(g, BH_get_smp_processor_id, g->i64, NULL, 0),
					    g->i32, ""), zero);
	args[0] = g->scratch;
	args[1] = zero;
	g->scratch_base = cg_helper(g, BH_map_lookup_elem, g->ptr, args, 2);
	ok = cg_block(g, "scratch_ok");
	bad = cg_block(g, "scratch_null");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, g->scratch_base, ""), bad, ok);
	LLVMPositionBuilderAtEnd(g->b, bad);
	LLVMBuildRet(g->b, cg_i64(g, 1));
	g->init_bb = ok;
	g->start_bb = cg_block(g, "start");
	LLVMPositionBuilderAtEnd(g->b, g->start_bb);
	g->ctxp = NULL;
	g->cb_ctx = LLVMGetParam(cb, ctx_param);
	return cb;
}

/* Ends the callback and returns to the caller, then calls @helper with
 * (first, cb, flag, 0) and leaves the probe if the body returned. */
static void cb_close(struct cg *g, struct fn_state *st, LLVMValueRef cb, unsigned helper,
		     LLVMValueRef first)
{
	LLVMValueRef ctxv, args[4];
	LLVMBuilderRef ib = LLVMCreateBuilderInContext(g->ctx);

	if (!cg_terminated(g))
		LLVMBuildRet(g->b, cg_i64(g, 0));
	LLVMPositionBuilderAtEnd(ib, g->init_bb);
	LLVMSetCurrentDebugLocation2(ib, LLVMGetCurrentDebugLocation2(g->b));
	LLVMBuildBr(ib, g->start_bb);
	LLVMDisposeBuilder(ib);
	free(g->vars);
	g->vars_in_scratch = st->vis;
	g->fn = st->fn;
	g->ctxp = st->ctxp;
	g->cb_ctx = st->cb_ctx;
	g->scratch_base = st->scratch_base;
	g->entry_pos = st->entry_pos;
	g->entry = st->entry;
	g->init_bb = st->init_bb;
	g->start_bb = st->start_bb;
	g->sp = st->sp;
	g->stack_used = st->stack_used;
	memcpy(g->loops, st->loops, sizeof(st->loops));
	g->n_loops = st->n_loops;
	g->in_callback = st->in_callback;
	g->vars = st->vars;
	LLVMPositionBuilderAtEnd(g->b, st->cur);
	LLVMSetCurrentDebugLocation2(g->b, st->dloc);
	/* the callback sets *ctx when the body returned or exited */
	ctxv = cg_alloca(g, g->i64, "loop_ret"); /* must be on the stack */
	LLVMBuildStore(g->b, cg_i64(g, 0), ctxv);
	args[0] = first;
	args[1] = cb;
	args[2] = ctxv;
	args[3] = cg_i64(g, 0);
	cg_helper(g, helper, g->i64, args, 4);
	{
		LLVMBasicBlockRef ret = cg_block(g, "loop_returned"), cont = cg_block(g, "loop_done");
		LLVMValueRef f = LLVMBuildLoad2(g->b, g->i64, ctxv, "");

		LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, f, ""), ret, cont);
		LLVMPositionBuilderAtEnd(g->b, ret);
		if (g->in_callback) {
			LLVMBuildStore(g->b, cg_i64(g, 1), g->cb_ctx);
			LLVMBuildRet(g->b, cg_i64(g, 1));
		} else {
			cg_return(g);
		}
		LLVMPositionBuilderAtEnd(g->b, cont);
	}
}

void cg_for_map(struct cg *g, struct ast_node *n)
{
	const struct map_info *mi = n->for_.iter->map.info;
	const struct type *kvt = n->for_.var->var.info->type;
	const char *const pnames[4] = { "map", "key", "value", "ctx" };
	struct fn_state st;
	LLVMValueRef cb, kv;

	cb = cb_open(g, &st, n, 4, pnames, 3);
	/* $kv = (key, value); aggregations: this CPU's value (count/sum, or
	 * min/max/avg's first word) */
	kv = cg_var_ptr(g, n->for_.var->var.info);
	cg_memcpy(g, cg_gep(g, kv, kvt->fields[0].offset), LLVMGetParam(cb, 1), kvt->fields[0].type->size);
	cg_memcpy(g, cg_gep(g, kv, kvt->fields[1].offset), LLVMGetParam(cb, 2), kvt->fields[1].type->size);
	cg_block_stmts(g, n->for_.body);
	cb_close(g, &st, cb, BH_for_each_map_elem, g->maps[mi->id]);
}

/* for ($i : a..b) with bounds only known at run time: bpf_loop(b - a, cb). */
void cg_for_range_loop(struct cg *g, struct ast_node *n)
{
	const struct type *t = n->for_.var->var.info->type;
	const char *const pnames[2] = { "index", "ctx" };
	struct fn_state st;
	LLVMValueRef start, end, cnt, cb, startp, i;

	start = cg_convert(g, cg_expr(g, n->for_.iter), n->for_.iter->type, t);
	end = cg_convert(g, cg_expr(g, n->for_.end), n->for_.end->type, t);
	if (LLVMGetIntTypeWidth(LLVMTypeOf(start)) < 64) {
		start = t->is_signed ? LLVMBuildSExt(g->b, start, g->i64, "") : LLVMBuildZExt(g->b, start, g->i64, "");
		end = t->is_signed ? LLVMBuildSExt(g->b, end, g->i64, "") : LLVMBuildZExt(g->b, end, g->i64, "");
	}
	/* the start value travels through the scratch area */
	startp = cg_scratch(g, 8, "range_start");
	LLVMBuildStore(g->b, start, startp);
	{
		uint32_t off = g->scratch_off - 8;
		LLVMValueRef gt = LLVMBuildICmp(g->b, t->is_signed ? LLVMIntSGT : LLVMIntUGT, end, start, "");

		cnt = LLVMBuildSelect(g->b, gt, LLVMBuildSub(g->b, end, start, ""), cg_i64(g, 0), "");
		cnt = LLVMBuildTrunc(g->b, cnt, g->i32, "");
		cb = cb_open(g, &st, n, 2, pnames, 1);
		i = LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i64, cg_gep(g, g->scratch_base, off), ""),
				 LLVMGetParam(cb, 0), "");
		if (LLVMGetIntTypeWidth(cg_ltype(g, t)) < 64)
			i = LLVMBuildTrunc(g->b, i, cg_ltype(g, t), "");
		cg_store(g, t, i, cg_var_ptr(g, n->for_.var->var.info));
		cg_block_stmts(g, n->for_.body);
		cb_close(g, &st, cb, 181 /* bpf_loop */, cnt);
	}
}
