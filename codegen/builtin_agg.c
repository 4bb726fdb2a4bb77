/* builtin_agg.c — maps: keys, reads, writes, aggregations and the map
 * functions (delete, has_key, len, clear/zero through events).
 *
 * Aggregations update the per-CPU value in place after one lookup; only a
 * missing key costs a second helper call (update). Storage per map_info:
 * count/sum s64; min/max {s64 value; u64 is_set}; avg/stats {s64 total; u64
 * count}; hist/lhist: key = user key + u64 bucket, value u64 count. Reading a
 * per-CPU value from BPF sums every CPU with bpf_map_lookup_percpu_elem. */
#include <errno.h>
#include <string.h>

#include "codegen/cg_int.h"

/* bpf_get_stack(ctx, buf, size, flags) */
#define CG_HELPER_GET_STACK 67

static void map_update(struct cg *g, struct ast_node *m, const struct map_info *mi, LLVMValueRef key,
		       LLVMValueRef val);

static bool is_bucketed(const struct map_info *mi)
{
	return mi->value_type && (mi->value_type->kind == TY_HIST || mi->value_type->kind == TY_LHIST ||
				  mi->value_type->kind == TY_TSERIES);
}

/* tseries: slot (epoch % n) holds { val, meta, epoch }; a slot from an older
 * epoch is overwritten. meta: write time (plain), count (avg), 1 (min/max/sum). */
static void tseries(struct cg *g, struct ast_node *m, struct ast_node *call)
{
	const struct map_info *mi = m->map.info;
	const struct type *vt = mi->value_type;
	struct ast_node *a = call->call.args;
	struct ast_node *dummy = a->next->next->next->next;
	uint32_t ks = mi->key_type ? mi->key_type->size : 0;
	LLVMValueRef x = cg_expr(g, a), now, epoch, key, p, init, meta0;
	LLVMBasicBlockRef hit, miss, done, fresh, same;
	bool sg = vt->is_signed;

	if (LLVMGetIntTypeWidth(LLVMTypeOf(x)) < 64)
		x = sg ? LLVMBuildSExt(g->b, x, g->i64, "") : LLVMBuildZExt(g->b, x, g->i64, "");
	now = dummy ? cg_expr(g, dummy) : cg_helper(g, BH_ktime_get_tai_ns, g->i64, NULL, 0);
	epoch = LLVMBuildUDiv(g->b, now, cg_i64(g, vt->lmin), "");
	key = cg_map_key(g, m, 8);
	LLVMSetAlignment(LLVMBuildStore(g->b, LLVMBuildURem(g->b, epoch, cg_i64(g, vt->lmax), ""),
					cg_gep(g, key, ks)), 1);
	meta0 = vt->agg_fn == 0 ? now : cg_i64(g, 1);
	p = cg_map_lookup(g, mi, key);
	hit = cg_block(g, "ts_hit");
	miss = cg_block(g, "ts_miss");
	done = cg_block(g, "ts_done");
	fresh = cg_block(g, "ts_fresh");
	same = cg_block(g, "ts_same");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, LLVMBuildLoad2(g->b, g->i64, cg_gep(g, p, 16), ""),
					    epoch, ""), same, fresh);
	LLVMPositionBuilderAtEnd(g->b, fresh);
	LLVMBuildStore(g->b, x, p);
	LLVMBuildStore(g->b, meta0, cg_gep(g, p, 8));
	LLVMBuildStore(g->b, epoch, cg_gep(g, p, 16));
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, same);
	{
		LLVMValueRef v0 = LLVMBuildLoad2(g->b, g->i64, p, "");
		LLVMValueRef m0 = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, p, 8), "");

		switch (vt->agg_fn) {
		case 1: /* avg */
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, v0, x, ""), p);
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, m0, cg_i64(g, 1), ""), cg_gep(g, p, 8));
			break;
		case 2:
		case 3: {
			LLVMValueRef better = LLVMBuildICmp(g->b, vt->agg_fn == 2 ? (sg ? LLVMIntSLT : LLVMIntULT) :
								     (sg ? LLVMIntSGT : LLVMIntUGT), x, v0, "");

			LLVMBuildStore(g->b, LLVMBuildSelect(g->b, better, x, v0, ""), p);
			break;
		}
		case 4:
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, v0, x, ""), p);
			break;
		default:
			LLVMBuildStore(g->b, x, p);
			LLVMBuildStore(g->b, now, cg_gep(g, p, 8));
			break;
		}
	}
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, miss);
	init = cg_tmp(g, 24, "ts_init");
	LLVMBuildStore(g->b, x, init);
	LLVMBuildStore(g->b, meta0, cg_gep(g, init, 8));
	LLVMBuildStore(g->b, epoch, cg_gep(g, init, 16));
	map_update(g, m, mi, key, init);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

LLVMValueRef cg_map_key(struct cg *g, struct ast_node *m, uint32_t extra)
{
	const struct map_info *mi = m->map.info;
	uint32_t ks = mi->key_type ? mi->key_type->size : is_bucketed(mi) ? 0 : 8;
	LLVMValueRef k;

	/* @[comm]: the helper writes the key in place (a fresh 16-byte buffer) */
	if (mi->key_type && m->map.keys && !extra && ks == 16 && m->map.keys->kind == AST_CALL &&
	    m->map.keys->call.info && m->map.keys->call.info->fn == BI_COMM &&
	    mi->key_type->kind == TY_STRING && m->map.keys->type &&
	    m->map.keys->type->kind == TY_STRING && m->map.keys->type->size == 16)
		return cg_expr(g, m->map.keys);
	k = cg_tmp(g, ks + extra, "key");
	if (mi->key_type && m->map.keys) {
		struct ast_node *kn = m->map.keys;
		LLVMValueRef v = cg_expr(g, kn);

		v = cg_convert(g, v, kn->type, mi->key_type);
		if (cg_is_scalar(mi->key_type)) {
			if (mi->key_type->size < 8)
				cg_memset0(g, k, ks);
			cg_store(g, mi->key_type, v, k);
		} else {
			cg_memcpy(g, k, v, ks);
		}
	} else if (ks) {
		LLVMBuildStore(g->b, cg_i64(g, 0), k);
	}
	return k;
}

LLVMValueRef cg_map_lookup(struct cg *g, const struct map_info *mi, LLVMValueRef key)
{
	LLVMValueRef args[2] = { g->maps[mi->id], key };

	return cg_helper(g, BH_map_lookup_elem, g->ptr, args, 2);
}

/* A failed update of a hash map adds 1 to the map's slot of RT_MAP_FULL_MAP
 * (a .bss array), which the runtime reports by map name. With BPF_ANY the
 * update fails only when the map is full (-E2BIG) or the kernel cannot
 * allocate the element (-ENOMEM). A success costs one branch; a failure
 * four instructions (the slot's address, 1, an atomic add). */
static void map_update(struct cg *g, struct ast_node *m, const struct map_info *mi, LLVMValueRef key,
		       LLVMValueRef val)
{
	const struct action *w = m && mi->is_declared ? cg_warning_for(g, m) : NULL;
	LLVMValueRef args[4] = { g->maps[mi->id], key, val, cg_i64(g, 0) }, r, idx[2], slot;
	LLVMBasicBlockRef count, done;

	r = g->last_update = cg_helper(g, BH_map_update_elem, g->i64, args, 4);
	if (mi->kind != MAPK_HASH && mi->kind != MAPK_PERCPU_HASH)
		return; /* arrays have every element; LRU hashes evict */
	count = cg_block(g, "map_full");
	done = cg_block(g, "update_done");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, r, cg_i64(g, 0), ""), count, done);
	LLVMPositionBuilderAtEnd(g->b, count);
	idx[0] = cg_i64(g, 0);
	idx[1] = cg_i64(g, mi->id);
	slot = LLVMBuildInBoundsGEP2(g->b, LLVMGlobalGetValueType(g->map_full), g->map_full, idx, 2,
				     "");
	LLVMBuildAtomicRMW(g->b, LLVMAtomicRMWBinOpAdd, slot, cg_i64(g, 1),
			   LLVMAtomicOrderingMonotonic, 0);
	/* a declared map also says where, as bpftrace does: "Map full; can't
	 * update element." at the update */
	if (w)
		cg_runtime_warning(g, w, LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0));
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* Sums (or min/max/avg-combines) the per-CPU values of @key. */
static LLVMValueRef percpu_read(struct cg *g, const struct map_info *mi, LLVMValueRef key)
{
	enum type_kind k = mi->value_type->kind;
	LLVMValueRef acc = cg_tmp(g, 16, "acc"), args[3], p, res;
	bool sg = mi->value_type->is_signed;

	LLVMBuildStore(g->b, cg_i64(g, 0), acc);
	LLVMBuildStore(g->b, cg_i64(g, 0), cg_gep(g, acc, 8));
	/* unrolled over the CPUs: straight-line code keeps the verifier simple */
	for (uint32_t cpu = 0; cpu < g->n_cpus; cpu++) {
		LLVMBasicBlockRef hit = cg_block(g, "pcpu_hit"), step = cg_block(g, "pcpu_next");
		LLVMValueRef v0, a0;

		args[0] = g->maps[mi->id];
		args[1] = key;
		args[2] = cg_i32(g, cpu);
		p = cg_helper(g, BH_map_lookup_percpu_elem, g->ptr, args, 3);
		LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), step, hit);
		LLVMPositionBuilderAtEnd(g->b, hit);
		v0 = LLVMBuildLoad2(g->b, g->i64, p, "");
		a0 = LLVMBuildLoad2(g->b, g->i64, acc, "");
		if (k == TY_COUNT || k == TY_SUM) {
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, a0, v0, ""), acc);
		} else if (k == TY_AVG || k == TY_STATS) {
			LLVMValueRef v1 = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, p, 8), "");
			LLVMValueRef a1 = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, acc, 8), "");

			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, a0, v0, ""), acc);
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, a1, v1, ""), cg_gep(g, acc, 8));
		} else {
			/* min/max: {value, is_set} */
			LLVMValueRef set = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, p, 8), "");
			LLVMValueRef aset = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, acc, 8), "");
			LLVMValueRef better = LLVMBuildICmp(g->b, k == TY_MIN ? (sg ? LLVMIntSLT : LLVMIntULT) :
								     (sg ? LLVMIntSGT : LLVMIntUGT), v0, a0, "");
			LLVMValueRef take = LLVMBuildAnd(g->b, LLVMBuildIsNotNull(g->b, set, ""),
							 LLVMBuildOr(g->b, LLVMBuildIsNull(g->b, aset, ""), better, ""), "");

			LLVMBuildStore(g->b, LLVMBuildSelect(g->b, take, v0, a0, ""), acc);
			LLVMBuildStore(g->b, LLVMBuildSelect(g->b, take, cg_i64(g, 1), aset, ""), cg_gep(g, acc, 8));
		}
		LLVMBuildBr(g->b, step);
		LLVMPositionBuilderAtEnd(g->b, step);
	}
	res = LLVMBuildLoad2(g->b, g->i64, acc, "");
	if (k == TY_AVG || k == TY_STATS) {
		LLVMValueRef cnt = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, acc, 8), "");
		LLVMValueRef z = LLVMBuildICmp(g->b, LLVMIntEQ, cnt, cg_i64(g, 0), "");
		LLVMValueRef safe = LLVMBuildSelect(g->b, z, cg_i64(g, 1), cnt, "");

		LLVMValueRef q;

		if (sg) {
			/* no signed division in BPF v3: divide magnitudes */
			LLVMValueRef neg = LLVMBuildICmp(g->b, LLVMIntSLT, res, cg_i64(g, 0), "");
			LLVMValueRef mag = LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, res, ""), res, "");

			q = LLVMBuildUDiv(g->b, mag, safe, "");
			q = LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, q, ""), q, "");
		} else {
			q = LLVMBuildUDiv(g->b, res, safe, "");
		}
		res = LLVMBuildSelect(g->b, z, cg_i64(g, 0), q, "");
	}
	return res;
}

LLVMValueRef cg_map_read(struct cg *g, struct ast_node *m)
{
	const struct map_info *mi = m->map.info;
	const struct type *vt = mi->value_type, *t = m->type;
	LLVMValueRef key = cg_map_key(g, m, 0), p;
	LLVMBasicBlockRef hit, miss, done, pre;

	if (vt && vt->kind >= TY_COUNT && vt->kind <= TY_TSERIES)
		return percpu_read(g, mi, key);
	p = cg_map_lookup(g, mi, key);
	cg_helper_error_check(g, cg_helper_error_for(g, "map_lookup_elem", m), p);
	if (!cg_is_scalar(t)) {
		LLVMValueRef tmp = cg_tmp(g, t->size, "mapval");

		hit = cg_block(g, "map_hit");
		miss = cg_block(g, "map_miss");
		done = cg_block(g, "map_done");
		LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);
		LLVMPositionBuilderAtEnd(g->b, hit);
		cg_memcpy(g, tmp, p, t->size);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, miss);
		cg_memset0(g, tmp, t->size);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
		return tmp;
	}
	pre = LLVMGetInsertBlock(g->b);
	hit = cg_block(g, "map_hit");
	done = cg_block(g, "map_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), done, hit);
	LLVMPositionBuilderAtEnd(g->b, hit);
	{
		LLVMValueRef v = cg_load(g, t, p), phi;
		LLVMValueRef vals[2];
		LLVMBasicBlockRef bbs[2];

		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
		phi = LLVMBuildPhi(g->b, LLVMTypeOf(v), "");
		vals[0] = LLVMConstInt(LLVMTypeOf(v), 0, 0);
		bbs[0] = pre;
		vals[1] = v;
		bbs[1] = hit;
		LLVMAddIncoming(phi, vals, bbs, 2);
		return phi;
	}
}

void cg_map_store(struct cg *g, struct ast_node *m, LLVMValueRef key, LLVMValueRef v)
{
	const struct map_info *mi = m->map.info;
	const struct type *vt = mi->value_type;
	LLVMValueRef vp;

	if (cg_is_scalar(vt)) {
		vp = cg_tmp(g, vt->size ? vt->size : 8, "val");
		cg_store(g, vt, v, vp);
	} else {
		vp = v;
	}
	map_update(g, m, mi, key, vp);
}

void cg_map_assign(struct cg *g, struct ast_node *m, struct ast_node *rhs)
{
	const struct map_info *mi = m->map.info;
	LLVMValueRef v = cg_expr(g, rhs), key;

	v = cg_convert(g, v, rhs->type, mi->value_type);
	key = cg_map_key(g, m, 0);
	cg_map_store(g, m, key, v);
}

/* log2 bucket of bpftrace's hist(): 0 for negative values, 1 + v below 2^k,
 * then k sub-buckets per power of two. */
static LLVMValueRef log2_bucket(struct cg *g, LLVMValueRef v, uint32_t k)
{
	LLVMValueRef one = cg_i64(g, 1), mask = cg_i64(g, (1ull << k) - 1);
	LLVMValueRef n = v, l = cg_i64(g, 0), x, r;

	for (int i = 5; i >= 0; i--) {
		LLVMValueRef ge = LLVMBuildICmp(g->b, LLVMIntUGE, n, cg_i64(g, 1ull << (1u << i)), "");
		LLVMValueRef sh = LLVMBuildShl(g->b, LLVMBuildZExt(g->b, ge, g->i64, ""), cg_i64(g, i), "");

		n = LLVMBuildLShr(g->b, n, sh, "");
		l = LLVMBuildAdd(g->b, l, sh, "");
	}
	l = LLVMBuildSub(g->b, l, cg_i64(g, k), "");
	/* l may underflow for small values; those take the 1 + v branch below */
	x = LLVMBuildAnd(g->b, LLVMBuildLShr(g->b, v, LLVMBuildAnd(g->b, l, cg_i64(g, 63), ""), ""), mask, "");
	r = LLVMBuildAdd(g->b, LLVMBuildAdd(g->b, LLVMBuildShl(g->b, LLVMBuildAdd(g->b, l, one, ""),
								cg_i64(g, k), ""), x, ""), one, "");
	r = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntULE, v, mask, ""),
			    LLVMBuildAdd(g->b, v, one, ""), r, "");
	return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, v, cg_i64(g, 0), ""), cg_i64(g, 0), r, "");
}

static LLVMValueRef linear_bucket(struct cg *g, LLVMValueRef v, const struct type *t)
{
	LLVMValueRef mn = cg_i64(g, t->lmin), mx = cg_i64(g, t->lmax), st = cg_i64(g, t->lstep);
	LLVMValueRef in = LLVMBuildAdd(g->b, LLVMBuildUDiv(g->b, LLVMBuildSub(g->b, v, mn, ""), st, ""),
				       cg_i64(g, 1), "");
	LLVMValueRef over = cg_i64(g, 1 + (t->lmax - t->lmin) / t->lstep);

	in = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSGT, v, mx, ""), over, in, "");
	return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, v, mn, ""), cg_i64(g, 0), in, "");
}

void cg_agg(struct cg *g, struct ast_node *m, struct ast_node *call)
{
	const struct map_info *mi = m->map.info;
	const struct type *vt = mi->value_type;
	enum builtin_fn fn = call->call.info->fn;
	LLVMValueRef x = NULL, key, p, init;
	LLVMBasicBlockRef hit, miss, done;
	bool sg = vt->is_signed;

	if (fn == BI_TSERIES) {
		tseries(g, m, call);
		return;
	}
	if (call->call.args) {
		x = cg_expr(g, call->call.args);
		if (LLVMGetTypeKind(LLVMTypeOf(x)) == LLVMPointerTypeKind)
			x = LLVMBuildPtrToInt(g->b, x, g->i64, "");
		else if (LLVMGetIntTypeWidth(LLVMTypeOf(x)) < 64)
			x = call->call.args->type->is_signed ? LLVMBuildSExt(g->b, x, g->i64, "") :
							       LLVMBuildZExt(g->b, x, g->i64, "");
	}
	if (fn == BI_HIST || fn == BI_LHIST) {
		uint32_t ks = mi->key_type ? mi->key_type->size : 0;
		LLVMValueRef b = fn == BI_HIST ? log2_bucket(g, x, vt->n) : linear_bucket(g, x, vt);

		key = cg_map_key(g, m, 8);
		LLVMSetAlignment(LLVMBuildStore(g->b, b, cg_gep(g, key, ks)), 1);
		x = NULL;
	} else {
		key = cg_map_key(g, m, 0);
	}
	p = cg_map_lookup(g, mi, key);
	hit = cg_block(g, "agg_hit");
	miss = cg_block(g, "agg_miss");
	done = cg_block(g, "agg_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), miss, hit);

	/* existing per-CPU value: update in place */
	LLVMPositionBuilderAtEnd(g->b, hit);
	{
		LLVMValueRef v0 = LLVMBuildLoad2(g->b, g->i64, p, "");

		switch (fn) {
		case BI_COUNT:
		case BI_HIST:
		case BI_LHIST:
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, v0, cg_i64(g, 1), ""), p);
			break;
		case BI_SUM:
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, v0, x, ""), p);
			break;
		case BI_AVG:
		case BI_STATS: {
			LLVMValueRef c = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, p, 8), "");

			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, v0, x, ""), p);
			LLVMBuildStore(g->b, LLVMBuildAdd(g->b, c, cg_i64(g, 1), ""), cg_gep(g, p, 8));
			break;
		}
		case BI_MIN:
		case BI_MAX: {
			LLVMValueRef set = LLVMBuildLoad2(g->b, g->i64, cg_gep(g, p, 8), "");
			LLVMValueRef better = LLVMBuildICmp(g->b, fn == BI_MIN ? (sg ? LLVMIntSLT : LLVMIntULT) :
								      (sg ? LLVMIntSGT : LLVMIntUGT), x, v0, "");
			LLVMValueRef take = LLVMBuildOr(g->b, LLVMBuildIsNull(g->b, set, ""), better, "");

			LLVMBuildStore(g->b, LLVMBuildSelect(g->b, take, x, v0, ""), p);
			LLVMBuildStore(g->b, cg_i64(g, 1), cg_gep(g, p, 8));
			break;
		}
		default:
			cg_error(g, call->loc, "%s() is not supported", call->call.name);
		}
	}
	LLVMBuildBr(g->b, done);

	/* first value on this CPU: create it */
	LLVMPositionBuilderAtEnd(g->b, miss);
	init = cg_tmp(g, 16, "agg_init");
	switch (fn) {
	case BI_COUNT:
	case BI_HIST:
	case BI_LHIST:
		LLVMBuildStore(g->b, cg_i64(g, 1), init);
		break;
	case BI_SUM:
		LLVMBuildStore(g->b, x, init);
		break;
	case BI_AVG:
	case BI_STATS:
	case BI_MIN:
	case BI_MAX:
		LLVMBuildStore(g->b, x, init);
		LLVMBuildStore(g->b, cg_i64(g, 1), cg_gep(g, init, 8));
		break;
	default:
		break;
	}
	map_update(g, m, mi, key, init);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* len(@m): counts the elements with a bpf_for_each_map_elem callback. */
static LLVMValueRef len_callback(struct cg *g)
{
	LLVMValueRef f = LLVMGetNamedFunction(g->mod, "len_cb");
	LLVMTypeRef pt[4] = { g->ptr, g->ptr, g->ptr, g->ptr };
	LLVMTypeRef fty = LLVMFunctionType(g->i64, pt, 4, 0);
	LLVMBuilderRef b;
	LLVMValueRef c;
	LLVMMetadataRef tys[5] = { g->di_u64, g->di_voidp, g->di_voidp, g->di_voidp, g->di_voidp }, sty, sp;
	const char *const pnames[4] = { "map", "key", "value", "ctx" };

	if (f)
		return f;
	f = LLVMAddFunction(g->mod, "len_cb", fty);
	LLVMSetLinkage(f, LLVMInternalLinkage);
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(g->ctx, LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(g->ctx, LLVMGetEnumAttributeKindForName("noinline", 8), 0));
	sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, tys, 5, LLVMDIFlagPrototyped);
	sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, "len_cb", 6, "len_cb", 6, g->di_file, 1, sty, 1,
					 1, 1, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(f, sp);
	for (unsigned i = 0; i < 4; i++)
		LLVMDIBuilderCreateParameterVariable(g->di, sp, pnames[i], strlen(pnames[i]), i + 1,
						     g->di_file, 1, g->di_voidp, 1, 0);
	b = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(g->ctx, f, "entry"));
	LLVMSetCurrentDebugLocation2(b, LLVMDIBuilderCreateDebugLocation(g->ctx, 1, 1, sp, NULL));
	/* two 32-bit halves on purpose: the verifier then sees an unknown count
	 * and merges the callback's states; a known 64-bit constant that grows at
	 * every call makes it walk each iteration until the 1M-insn limit */
	c = LLVMBuildLoad2(b, g->i64, LLVMGetParam(f, 3), "");
	LLVMSetAlignment(c, 4);
	LLVMSetAlignment(LLVMBuildStore(b, LLVMBuildAdd(b, c, cg_i64(g, 1), ""), LLVMGetParam(f, 3)), 4);
	LLVMBuildRet(b, cg_i64(g, 0));
	LLVMDisposeBuilder(b);
	return f;
}

LLVMValueRef cg_bi_map(struct cg *g, struct ast_node *n)
{
	struct call_info *ci = n->call.info;
	struct ast_node *a = n->call.args;

	switch (ci->fn) {
	case BI_DELETE: {
		LLVMValueRef key = cg_map_key(g, a, 0);
		LLVMValueRef args[2] = { g->maps[ci->map->id], key };

		LLVMValueRef r = cg_helper(g, BH_map_delete_elem, g->i64, args, 2);

		return LLVMBuildICmp(g->b, LLVMIntEQ, r, cg_i64(g, 0), "");
	}
	case BI_HAS_KEY: {
		LLVMValueRef key = cg_map_key(g, a, 0);

		return LLVMBuildIsNotNull(g->b, cg_map_lookup(g, ci->map, key), "");
	}
	case BI_LEN: {
		LLVMValueRef cnt, args[4];

		if (!ci->map) {
			/* len(kstack/ustack): the frames bpf_get_stack() finds here, up
			 * to the stack's limit */
			bool user = a->type && a->type->kind == TY_USTACK;
			LLVMValueRef buf = cg_tmp(g, ci->n * 8, "stack_frames"), r;

			args[0] = g->ctxp;
			args[1] = buf;
			args[2] = cg_i32(g, ci->n * 8);
			args[3] = cg_i64(g, user ? 256 : 0);
			r = cg_helper(g, CG_HELPER_GET_STACK, g->i64, args, 4);
			r = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, r, cg_i64(g, 0), ""),
					    cg_i64(g, 0), r, "");
			return LLVMBuildUDiv(g->b, r, cg_i64(g, 8), "frames");
		}
		cnt = cg_tmp(g, 8, "len");

		LLVMBuildStore(g->b, cg_i64(g, 0), cnt);
		args[0] = g->maps[ci->map->id];
		args[1] = len_callback(g);
		args[2] = cnt;
		args[3] = cg_i64(g, 0);
		cg_helper(g, BH_for_each_map_elem, g->i64, args, 4);
		return LLVMBuildLoad2(g->b, g->i64, cnt, "");
	}
	case BI_CLEAR:
	case BI_ZERO:
		return cg_bi_print(g, n);
	default:
		cg_error(g, n->loc, "%s() must be assigned to a map", n->call.name);
		return cg_i64(g, 0);
	}
}
