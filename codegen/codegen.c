/* codegen.c — the LLVM module for one program: BPF target set-up, BTF-defined
 * maps (through DIBuilder debug info, which the BPF backend turns into BTF),
 * one function per probe in its section, then O2 and emission to memory.
 *
 * Every value bigger than a register lives in memory: small temporaries on the
 * BPF stack (512 bytes), bigger ones in a per-CPU array map "scratch" whose
 * single value is carved into fixed offsets per function. Events are built in
 * the scratch area too and copied to the "events" ring buffer. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "codegen/cg_int.h"
#include "probes/probe.h"

#define S(x) x, strlen(x)

enum { DW_ATE_signed = 5, DW_ATE_unsigned = 7, DW_ATE_unsigned_char = 8 };

enum {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_RINGBUF = 27,
};

#define STACK_LIMIT 320 /* bytes of BPF stack for temporaries before using scratch */

void cg_error(struct cg *g, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg(g->cx->diag, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	g->failed = true;
}

void cg_loc(struct cg *g, struct loc loc)
{
	if (!g->sp || !loc.line)
		return;
	LLVMSetCurrentDebugLocation2(g->b, LLVMDIBuilderCreateDebugLocation(g->ctx, loc.line,
									       loc.col, g->sp, NULL));
}

LLVMValueRef cg_i64(struct cg *g, uint64_t v)
{
	return LLVMConstInt(g->i64, v, 0);
}

LLVMValueRef cg_i32(struct cg *g, uint64_t v)
{
	return LLVMConstInt(g->i32, v, 0);
}

LLVMValueRef cg_helper(struct cg *g, unsigned id, LLVMTypeRef ret, LLVMValueRef *args, unsigned n)
{
	LLVMTypeRef at[8];
	LLVMValueRef callee;

	for (unsigned i = 0; i < n; i++)
		at[i] = LLVMTypeOf(args[i]);
	callee = LLVMConstIntToPtr(cg_i64(g, id), g->ptr);
	return LLVMBuildCall2(g->b, LLVMFunctionType(ret, at, n, 0), callee, args, n, "");
}

LLVMValueRef cg_alloca(struct cg *g, LLVMTypeRef t, const char *name)
{
	LLVMBuilderRef ab = LLVMCreateBuilderInContext(g->ctx);
	LLVMValueRef a;

	LLVMPositionBuilderBefore(ab, g->entry_pos);
	a = LLVMBuildAlloca(ab, t, name);
	LLVMSetAlignment(a, 8);
	LLVMDisposeBuilder(ab);
	return a;
}

LLVMValueRef cg_gep(struct cg *g, LLVMValueRef p, uint64_t off)
{
	LLVMValueRef idx;

	if (!off)
		return p;
	idx = cg_i64(g, off);
	return LLVMBuildGEP2(g->b, g->i8, p, &idx, 1, "");
}

LLVMValueRef cg_scratch(struct cg *g, uint32_t size, const char *name)
{
	uint32_t sz = (size + 7) / 8 * 8;
	LLVMValueRef idx = cg_i64(g, g->scratch_off), p;

	/* base + fixed offset (the base is looked up at function entry) */
	p = LLVMBuildGEP2(g->b, g->i8, g->scratch_base, &idx, 1, name);
	g->scratch_off += sz ? sz : 8;
	if (g->scratch_off > g->scratch_max)
		g->scratch_max = g->scratch_off;
	return p;
}

LLVMValueRef cg_tmp(struct cg *g, uint32_t size, const char *name)
{
	uint32_t sz = (size + 7) / 8 * 8;

	if (!sz)
		sz = 8;
	if (g->stack_used + sz <= STACK_LIMIT && sz <= 64) {
		g->stack_used += sz;
		return cg_alloca(g, LLVMArrayType(g->i8, sz), name);
	}
	return cg_scratch(g, sz, name);
}

/* The BPF backend expands memset/memcpy inline only up to a limit; bigger
 * ones become a loop of 8-byte moves (sizes are multiples of 8 there). */
#define INLINE_MEM_MAX 256

static void mem_loop(struct cg *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
	uint32_t words = size / 8;
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b), body = cg_block(g, "mem_loop"),
			  done = cg_block(g, "mem_done");
	LLVMValueRef i, off, v, inc, c, iv[2];
	LLVMBasicBlockRef ib[2];

	LLVMBuildBr(g->b, body);
	LLVMPositionBuilderAtEnd(g->b, body);
	i = LLVMBuildPhi(g->b, g->i64, "w");
	off = LLVMBuildShl(g->b, i, cg_i64(g, 3), "");
	/* volatile: keeps loop idiom recognition from turning this back into a
	 * memset/memcpy call the backend cannot lower */
	if (src) {
		v = LLVMBuildLoad2(g->b, g->i64, LLVMBuildGEP2(g->b, g->i8, src, &off, 1, ""), "");
		LLVMSetAlignment(v, 1);
		LLVMSetVolatile(v, 1);
	} else {
		v = cg_i64(g, 0);
	}
	v = LLVMBuildStore(g->b, v, LLVMBuildGEP2(g->b, g->i8, dst, &off, 1, ""));
	LLVMSetAlignment(v, 1);
	LLVMSetVolatile(v, 1);
	inc = LLVMBuildAdd(g->b, i, cg_i64(g, 1), "");
	c = LLVMBuildICmp(g->b, LLVMIntULT, inc, cg_i64(g, words), "");
	LLVMBuildCondBr(g->b, c, body, done);
	iv[0] = cg_i64(g, 0);
	iv[1] = inc;
	ib[0] = pre;
	ib[1] = body;
	LLVMAddIncoming(i, iv, ib, 2);
	LLVMPositionBuilderAtEnd(g->b, done);
	/* the tail */
	for (uint32_t k = words * 8; k < size; k++) {
		LLVMValueRef b = src ? LLVMBuildLoad2(g->b, g->i8, cg_gep(g, src, k), "") :
				       LLVMConstInt(g->i8, 0, 0);

		LLVMBuildStore(g->b, b, cg_gep(g, dst, k));
	}
}

void cg_memset0(struct cg *g, LLVMValueRef p, uint32_t size)
{
	if (!size)
		return;
	if (size > INLINE_MEM_MAX) {
		mem_loop(g, p, NULL, size);
		return;
	}
	LLVMBuildMemSet(g->b, p, LLVMConstInt(g->i8, 0, 0), cg_i64(g, size), 1);
}

void cg_memcpy(struct cg *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
	if (!size || dst == src)
		return;
	if (size > INLINE_MEM_MAX) {
		mem_loop(g, dst, src, size);
		return;
	}
	LLVMBuildMemCpy(g->b, dst, 1, src, 1, cg_i64(g, size));
}

LLVMBasicBlockRef cg_block(struct cg *g, const char *name)
{
	return LLVMAppendBasicBlockInContext(g->ctx, g->fn, name);
}

bool cg_terminated(struct cg *g)
{
	return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(g->b)) != NULL;
}

void cg_counter_inc(struct cg *g, LLVMValueRef map, uint32_t slot, LLVMBasicBlockRef done)
{
	LLVMBasicBlockRef inc = cg_block(g, "counter_inc");
	LLVMValueRef args[2], v;

	/* One stack slot per function serves every counter; a slot in the
	 * scratch area is a GEP at this point, which later failure blocks need
	 * not be dominated by, so it is made anew each time. */
	if (g->count_key_fn != g->fn) {
		g->count_key = cg_tmp(g, 8, "counter_key");
		g->count_key_fn = LLVMIsAAllocaInst(g->count_key) ? g->fn : NULL;
	}
	LLVMBuildStore(g->b, cg_i32(g, slot), g->count_key);
	args[0] = map;
	args[1] = g->count_key;
	v = cg_helper(g, BH_map_lookup_elem, g->ptr, args, 2);
	LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, v, ""), inc, done);
	LLVMPositionBuilderAtEnd(g->b, inc);
	/* per-CPU value: no other writer, a plain add is enough */
	LLVMBuildStore(g->b, LLVMBuildAdd(g->b, LLVMBuildLoad2(g->b, g->i64, v, ""), cg_i64(g, 1), ""),
		       v);
	LLVMBuildBr(g->b, done);
}

void cg_return(struct cg *g)
{
	LLVMTypeRef rt = LLVMGetReturnType(LLVMGlobalGetValueType(g->fn));

	LLVMBuildRet(g->b, LLVMConstInt(rt, 0, 0));
}

/* ---- maps ---- */

static LLVMMetadataRef di_uint_member(struct cg *g, const char *name, uint32_t val, unsigned idx)
{
	LLVMMetadataRef sr = LLVMDIBuilderGetOrCreateSubrange(g->di, 0, val);
	LLVMMetadataRef arr = LLVMDIBuilderCreateArrayType(g->di, 32ull * val, 32, g->di_int, &sr, 1);
	LLVMMetadataRef p = LLVMDIBuilderCreatePointerType(g->di, arr, 64, 0, 0, NULL, 0);

	return LLVMDIBuilderCreateMemberType(g->di, g->di_file, S(name), g->di_file, 0, 64, 0,
					     64ull * idx, 0, p);
}

static LLVMMetadataRef di_sized(struct cg *g, uint32_t size)
{
	LLVMMetadataRef sr;

	if (size == 4)
		return g->di_u32;
	if (size == 8)
		return g->di_u64;
	sr = LLVMDIBuilderGetOrCreateSubrange(g->di, 0, size);
	return LLVMDIBuilderCreateArrayType(g->di, 8ull * size, 8, g->di_u8, &sr, 1);
}

static LLVMMetadataRef di_type_member(struct cg *g, const char *name, uint32_t size, unsigned idx)
{
	LLVMMetadataRef p = LLVMDIBuilderCreatePointerType(g->di, di_sized(g, size), 64, 0, 0, NULL, 0);

	return LLVMDIBuilderCreateMemberType(g->di, g->di_file, S(name), g->di_file, 0, 64, 0,
					     64ull * idx, 0, p);
}

static LLVMValueRef map_global(struct cg *g, const char *name)
{
	LLVMTypeRef f[4] = { g->ptr, g->ptr, g->ptr, g->ptr };
	LLVMTypeRef st = LLVMStructTypeInContext(g->ctx, f, 4, 0);
	LLVMValueRef gv = LLVMAddGlobal(g->mod, st, name);

	LLVMSetInitializer(gv, LLVMConstNull(st));
	LLVMSetSection(gv, ".maps");
	LLVMSetAlignment(gv, 8);
	LLVMSetLinkage(gv, LLVMExternalLinkage);
	return gv;
}

/* Attaches the BTF map definition to @gv; key_size 0 = no key/value (ringbuf). */
static void map_btf_flags(struct cg *g, LLVMValueRef gv, const char *name, unsigned type,
			  uint32_t max_entries, uint32_t key_size, uint32_t value_size, uint32_t flags)
{
	LLVMMetadataRef mem[5], sty, gve;
	unsigned n = 0;
	LLVMTypeRef f[5] = { g->ptr, g->ptr, g->ptr, g->ptr, g->ptr };

	mem[n] = di_uint_member(g, "type", type, n);
	n++;
	mem[n] = di_uint_member(g, "max_entries", max_entries, n);
	n++;
	if (key_size) {
		mem[n] = di_type_member(g, "key", key_size, n);
		n++;
		mem[n] = di_type_member(g, "value", value_size, n);
		n++;
	}
	if (flags) {
		mem[n] = di_uint_member(g, "map_flags", flags, n);
		n++;
	}
	/* the IR type must match the member count */
	if (n != 4) {
		LLVMTypeRef st = LLVMStructTypeInContext(g->ctx, f, n, 0);
		LLVMValueRef ngv = LLVMAddGlobal(g->mod, st, "");

		LLVMSetInitializer(ngv, LLVMConstNull(st));
		LLVMSetSection(ngv, ".maps");
		LLVMSetAlignment(ngv, 8);
		LLVMSetLinkage(ngv, LLVMExternalLinkage);
		LLVMReplaceAllUsesWith(gv, ngv);
		LLVMDeleteGlobal(gv);
		LLVMSetValueName2(ngv, S(name));
		gv = ngv;
	}
	sty = LLVMDIBuilderCreateStructType(g->di, g->di_file, NULL, 0, g->di_file, 0, 64ull * n, 64,
					    0, NULL, mem, n, 0, NULL, NULL, 0);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(g->di, g->di_cu, S(name), S(name), g->di_file,
							  0, sty, 0,
							  LLVMDIBuilderCreateExpression(g->di, NULL, 0),
							  NULL, 64);
	LLVMGlobalSetMetadata(gv, LLVMGetMDKindIDInContext(g->ctx, S("dbg")), gve);
}

static void map_btf(struct cg *g, LLVMValueRef gv, const char *name, unsigned type,
		    uint32_t max_entries, uint32_t key_size, uint32_t value_size)
{
	map_btf_flags(g, gv, name, type, max_entries, key_size, value_size, 0);
}

static unsigned map_type_id(enum map_kind k)
{
	switch (k) {
	case MAPK_HASH:
		return BPF_MAP_TYPE_HASH;
	case MAPK_PERCPU_HASH:
		return BPF_MAP_TYPE_PERCPU_HASH;
	case MAPK_LRU_HASH:
		return BPF_MAP_TYPE_LRU_HASH;
	case MAPK_PERCPU_LRU_HASH:
		return BPF_MAP_TYPE_LRU_PERCPU_HASH;
	case MAPK_ARRAY:
		return BPF_MAP_TYPE_ARRAY;
	case MAPK_PERCPU_ARRAY:
		return BPF_MAP_TYPE_PERCPU_ARRAY;
	case MAPK_STACK_TRACE:
		return BPF_MAP_TYPE_STACK_TRACE;
	case MAPK_RINGBUF:
		return BPF_MAP_TYPE_RINGBUF;
	}
	return BPF_MAP_TYPE_HASH;
}

static void maps_create(struct cg *g)
{
	const struct resources *res = g->res;

	g->maps = xcalloc(res->maps.n + 1, sizeof(*g->maps));
	for (size_t i = 0; i < res->maps.n; i++) {
		const struct map_info *m = res->maps.v[i];

		g->maps[m->id] = map_global(g, m->bpf_name);
	}
	g->events = map_global(g, RT_EVENTS_MAP);
	g->lost = map_global(g, RT_LOST_MAP);
	{
		/* failed updates by map id: a u64 array in .bss (the only variable
		 * there, at offset 0), incremented atomically by the failure path */
		LLVMTypeRef at = LLVMArrayType(g->i64, res->maps.n ? (unsigned)res->maps.n : 1);

		g->map_full = LLVMAddGlobal(g->mod, at, RT_MAP_FULL_MAP);
		LLVMSetInitializer(g->map_full, LLVMConstNull(at));
		LLVMSetSection(g->map_full, ".bss");
		LLVMSetAlignment(g->map_full, 8);
		LLVMSetLinkage(g->map_full, LLVMInternalLinkage);
	}
	g->scratch = map_global(g, "scratch");
	g->stacks = map_global(g, "stacks");
	g->state = map_global(g, "state");
	g->stacks_bid = map_global(g, "stacks_bid");
	for (size_t i = 0; i < res->actions.n; i++) {
		const struct action *a = res->actions.v[i];

		g->has_exit |= a->kind == ACT_EXIT;
	}
}

static bool module_uses(LLVMValueRef gv)
{
	return LLVMGetFirstUse(gv) != NULL;
}

static void maps_finish(struct cg *g)
{
	const struct resources *res = g->res;
	uint32_t rb;

	for (size_t i = 0; i < res->maps.n; i++) {
		const struct map_info *m = res->maps.v[i];
		uint32_t ks = m->key_size ? m->key_size : 8, vs = m->value_size ? m->value_size : 8;
		uint32_t me = m->max_entries ? m->max_entries : 4096;

		if (m->kind == MAPK_ARRAY || m->kind == MAPK_PERCPU_ARRAY)
			ks = 4;
		map_btf(g, g->maps[m->id], m->bpf_name, map_type_id(m->kind), me, ks, vs);
	}
	{
		/* The runtime sizes the ring buffer before load from the config;
		 * with the default size it keeps this one when larger: programs
		 * whose attached probes stream events get CG_RINGBUF_STREAM so a
		 * burst outlasts a reader waiting for a CPU (bpftrace's default is
		 * ~16 MiB for every program; a begin/end-only program keeps the
		 * small ring, which costs less to create). */
		uint64_t want = (res->cfg.perf_rb_pages ? res->cfg.perf_rb_pages : 64) * 4096ull;

		if (g->events_streaming && res->cfg.perf_rb_pages == RES_DEFAULT_RB_PAGES &&
		    want < CG_RINGBUF_STREAM)
			want = CG_RINGBUF_STREAM;
		uint32_t p = 4096;

		while (p < want && p < (1u << 31))
			p <<= 1;
		rb = p;
	}
	/* maps nothing refers to are not created (count/hist-only programs
	 * need no ring buffer: one map, one mmap and its pages fewer) */
	if (module_uses(g->events))
		map_btf(g, g->events, RT_EVENTS_MAP, BPF_MAP_TYPE_RINGBUF, rb, 0, 0);
	else
		LLVMDeleteGlobal(g->events);
	if (module_uses(g->scratch))
		map_btf(g, g->scratch, "scratch", BPF_MAP_TYPE_ARRAY, g->n_cpus, 4,
			g->scratch_max ? (g->scratch_max + 7) / 8 * 8 : 8);
	else
		LLVMDeleteGlobal(g->scratch);
	if (module_uses(g->lost))
		map_btf(g, g->lost, RT_LOST_MAP, BPF_MAP_TYPE_PERCPU_ARRAY, 1, 4, 8);
	else
		LLVMDeleteGlobal(g->lost);
	if (!module_uses(g->map_full))
		LLVMDeleteGlobal(g->map_full);
	if (module_uses(g->state))
		map_btf(g, g->state, "state", BPF_MAP_TYPE_ARRAY, 2, 4, 8); /* [1]: event wake-up time */
	else
		LLVMDeleteGlobal(g->state);
	if (module_uses(g->stacks_bid))
		map_btf_flags(g, g->stacks_bid, "stacks_bid", BPF_MAP_TYPE_STACK_TRACE, 4096, 4, 127 * 32,
			      32 /* BPF_F_STACK_BUILD_ID */);
	else
		LLVMDeleteGlobal(g->stacks_bid);
	if (module_uses(g->stacks))
		map_btf(g, g->stacks, "stacks", BPF_MAP_TYPE_STACK_TRACE, 4096, 4, 127 * 8);
	else
		LLVMDeleteGlobal(g->stacks);
}

/* ---- functions ---- */

static void fn_begin(struct cg *g, const char *name, const char *section, uint32_t line)
{
	LLVMTypeRef fty = LLVMFunctionType(g->i32, &g->ptr, 1, 0);
	LLVMMetadataRef tys[2] = { g->di_int, g->di_voidp }, sty;
	LLVMBasicBlockRef body;
	LLVMValueRef key, args[2];
	LLVMBasicBlockRef ok, bad;

	g->fn = LLVMAddFunction(g->mod, name, fty);
	LLVMSetSection(g->fn, section);
	LLVMSetLinkage(g->fn, LLVMExternalLinkage);
	LLVMAddAttributeAtIndex(g->fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(g->ctx, LLVMGetEnumAttributeKindForName(S("nounwind")), 0));
	sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, tys, 2, LLVMDIFlagPrototyped);
	g->sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, S(name), S(name), g->di_file, line, sty, 0,
					    1, line, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(g->fn, g->sp);
	LLVMDIBuilderCreateParameterVariable(g->di, g->sp, S("ctx"), 1, g->di_file, line, g->di_voidp, 1, 0);
	g->ctxp = LLVMGetParam(g->fn, 0);
	g->entry = cg_block(g, "entry");
	body = cg_block(g, "body");
	LLVMPositionBuilderAtEnd(g->b, g->entry);
	g->entry_pos = LLVMBuildBr(g->b, body);
	LLVMPositionBuilderAtEnd(g->b, body);
	{
		struct loc l = { 0 };

		l.line = line;
		l.col = 1;
		cg_loc(g, l);
		LLVMInstructionSetDebugLoc(g->entry_pos, LLVMGetCurrentDebugLocation2(g->b));
	}
	g->stack_used = 0;
	g->n_loops = 0;
	/* the per-CPU scratch area */
	/* one scratch area per CPU: a plain array indexed by the CPU number (a
	 * per-CPU array value may not exceed 32 KiB) */
	key = cg_alloca(g, g->i32, "cpu");
	g->stack_used += 8;
	LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, cg_helper(g, BH_get_smp_processor_id, g->i64, NULL, 0),
					    g->i32, ""), key);
	args[0] = g->scratch;
	args[1] = key;
	g->scratch_base = cg_helper(g, BH_map_lookup_elem, g->ptr, args, 2);
	ok = cg_block(g, "scratch_ok");
	bad = cg_block(g, "scratch_null");
	g->scratch_br = LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, g->scratch_base, ""), bad, ok);
	LLVMPositionBuilderAtEnd(g->b, bad);
	cg_return(g);
	/* "ok" stays open for variable set-up; the body starts in "start" */
	g->init_bb = ok;
	g->start_bb = cg_block(g, "start");
	LLVMPositionBuilderAtEnd(g->b, g->start_bb);
}

/* Closes the init block with a branch to the body. */
/* A probe that never used the scratch area loses its look-up: the null check
 * (its only user), the look-up and the CPU-number call that fed it. */
static void drop_unused_scratch(struct cg *g)
{
	LLVMValueRef look = g->scratch_base, br = g->scratch_br, cmp, ok, store, cpu, trunc;
	LLVMUseRef u = look ? LLVMGetFirstUse(look) : NULL;
	LLVMBasicBlockRef bad;

	if (!u || LLVMGetNextUse(u) || !br || LLVMGetUser(u) != LLVMGetCondition(br))
		return;
	cmp = LLVMGetCondition(br);
	if (LLVMGetFirstUse(cmp) && LLVMGetNextUse(LLVMGetFirstUse(cmp)))
		return;
	/* the CPU number: call -> trunc -> store to the key slot -> look-up */
	store = LLVMGetPreviousInstruction(look);
	trunc = store && LLVMIsAStoreInst(store) ? LLVMGetOperand(store, 0) : NULL;
	cpu = trunc && LLVMIsATruncInst(trunc) ? LLVMGetOperand(trunc, 0) : NULL;
	bad = LLVMGetSuccessor(br, 0);
	ok = LLVMBasicBlockAsValue(LLVMGetSuccessor(br, 1));
	{
		LLVMBuilderRef ib = LLVMCreateBuilderInContext(g->ctx);

		LLVMPositionBuilderBefore(ib, br);
		LLVMSetCurrentDebugLocation2(ib, LLVMInstructionGetDebugLoc(br));
		LLVMBuildBr(ib, LLVMValueAsBasicBlock(ok));
		LLVMDisposeBuilder(ib);
	}
	LLVMInstructionEraseFromParent(br);
	LLVMInstructionEraseFromParent(cmp);
	LLVMInstructionEraseFromParent(look);
	if (cpu && LLVMIsACallInst(cpu)) {
		LLVMInstructionEraseFromParent(store);
		if (!LLVMGetFirstUse(trunc))
			LLVMInstructionEraseFromParent(trunc);
		if (!LLVMGetFirstUse(cpu))
			LLVMInstructionEraseFromParent(cpu);
	}
	if (!LLVMGetFirstUse(LLVMBasicBlockAsValue(bad)))
		LLVMDeleteBasicBlock(bad);
	g->scratch_base = NULL;
	g->scratch_br = NULL;
}

static void fn_end(struct cg *g)
{
	LLVMBuilderRef ib = LLVMCreateBuilderInContext(g->ctx);

	if (!cg_terminated(g))
		cg_return(g);
	drop_unused_scratch(g);
	LLVMPositionBuilderAtEnd(ib, g->init_bb);
	LLVMSetCurrentDebugLocation2(ib, LLVMGetCurrentDebugLocation2(g->b));
	LLVMBuildBr(ib, g->start_bb);
	LLVMDisposeBuilder(ib);
	memset(g->vars, 0, CG_MAX_VARS * sizeof(*g->vars));
}

static bool has_for_map(const struct ast_node *n)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case AST_FOR_MAP:
			return true;
		case AST_BLOCK:
		case AST_BLOCK_EXPR:
			if (has_for_map(n->block.stmts) || has_for_map(n->block.expr))
				return true;
			break;
		case AST_EXPR_STMT:
			if (has_for_map(n->stmt.expr))
				return true;
			break;
		case AST_ASSIGN:
			if (has_for_map(n->assign.rhs))
				return true;
			break;
		case AST_LET:
			if (has_for_map(n->let.init))
				return true;
			break;
		case AST_IF:
		case AST_TERNARY:
			if (has_for_map(n->cond.cond) || has_for_map(n->cond.then) || has_for_map(n->cond.els))
				return true;
			break;
		case AST_WHILE:
		case AST_UNROLL:
			if (has_for_map(n->loop.body))
				return true;
			break;
		case AST_FOR_RANGE: {
			const struct ast_node *a = n->for_.iter, *b = n->for_.end;

			while (a->kind == AST_CAST)
				a = a->cast.e;
			while (b->kind == AST_CAST)
				b = b->cast.e;
			/* run-time bounds: the body becomes a bpf_loop callback */
			if (a->kind != AST_INT || b->kind != AST_INT || has_for_map(n->for_.body))
				return true;
			break;
		}
		case AST_CALL:
			if (has_for_map(n->call.args))
				return true;
			break;
		case AST_BINOP:
			if (has_for_map(n->bin.l) || has_for_map(n->bin.r))
				return true;
			break;
		case AST_UNOP:
			if (has_for_map(n->un.e))
				return true;
			break;
		case AST_TUPLE:
		case AST_RECORD:
			if (has_for_map(n->tuple.elems))
				return true;
			break;
		case AST_NAMED:
			if (has_for_map(n->named.e))
				return true;
			break;
		case AST_CAST:
			if (has_for_map(n->cast.e))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static bool probe_is_timer(const struct probe_info *pi)
{
	const char *name = pi->target && pi->target->ops ? pi->target->ops->name : "";

	return strcmp(name, "interval") == 0 || strcmp(name, "profile") == 0;
}

static void probe_fn(struct cg *g, struct ast_node *p)
{
	const struct probe_info *pi = p->probe.info;

	g->probe = pi;
	g->scratch_off = 0;
	g->vars_in_scratch = has_for_map(p->probe.body);
	for (uint32_t i = 0; i < CG_MAX_VARS; i++)
		g->var_off[i] = -1;
	fn_begin(g, pi->prog_name, pi->section, p->loc.line ? p->loc.line : 1);
	/* event buffer first, at offset 0 of scratch */
	g->event_off = 0;
	if (g->res->event_max_size) {
		g->scratch_off = (g->res->event_max_size + 7) / 8 * 8;
		if (g->scratch_off > g->scratch_max)
			g->scratch_max = g->scratch_off;
	}
	if (g->has_exit && probe_is_timer(pi)) {
		/* after exit() no timer probe body runs again: the next tick may
		 * come before the runtime has detached (an event probe's burst is
		 * counted, as bpftrace does: exit() is asynchronous) */
		LLVMValueRef key = cg_alloca(g, g->i32, "skey"), args[2], v;
		LLVMBasicBlockRef chk = cg_block(g, "exit_chk"), go = cg_block(g, "not_exited"),
				  stop = cg_block(g, "exited");

		g->stack_used += 8;
		LLVMBuildStore(g->b, cg_i32(g, 0), key);
		args[0] = g->state;
		args[1] = key;
		v = cg_helper(g, BH_map_lookup_elem, g->ptr, args, 2);
		LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, v, ""), go, chk);
		LLVMPositionBuilderAtEnd(g->b, chk);
		LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, LLVMBuildLoad2(g->b, g->i64, v, ""), ""), go, stop);
		LLVMPositionBuilderAtEnd(g->b, stop);
		cg_return(g);
		LLVMPositionBuilderAtEnd(g->b, go);
	}
	if (p->probe.pred) {
		LLVMValueRef c;
		LLVMBasicBlockRef yes = cg_block(g, "pred_true"), no = cg_block(g, "pred_false");

		cg_loc(g, p->probe.pred->loc);
		c = cg_truth(g, p->probe.pred->type, cg_expr(g, p->probe.pred));
		LLVMBuildCondBr(g->b, c, yes, no);
		LLVMPositionBuilderAtEnd(g->b, no);
		cg_return(g);
		LLVMPositionBuilderAtEnd(g->b, yes);
	}
	cg_block_stmts(g, p->probe.body);
	fn_end(g);
}

LLVMValueRef cg_var_ptr(struct cg *g, const struct var_info *v)
{
	LLVMBuilderRef save, ib;
	LLVMValueRef p;
	uint32_t sz;

	if (v->id >= CG_MAX_VARS) {
		cg_error(g, (struct loc){ 0 }, "too many variables");
		return cg_tmp(g, 8, "var");
	}
	if (g->vars[v->id])
		return g->vars[v->id];
	sz = v->type && v->type->size ? v->type->size : 8;
	sz = (sz + 7) / 8 * 8;
	/* built in the init block so it dominates every use */
	save = g->b;
	ib = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderAtEnd(ib, g->init_bb);
	g->b = ib;
	if (g->var_off[v->id] >= 0) {
		/* a variable of the enclosing probe, seen from a loop callback */
		p = cg_gep(g, g->scratch_base, g->var_off[v->id]);
	} else if (g->vars_in_scratch) {
		g->var_off[v->id] = g->scratch_off;
		p = cg_scratch(g, sz, v->name);
		/* a variable declared with let and no value reads as 0 */
		cg_memset0(g, p, sz);
	} else {
		p = cg_tmp(g, sz, v->name);
		cg_memset0(g, p, sz);
	}
	/* a big memset is a loop: the init block continues after it */
	g->init_bb = LLVMGetInsertBlock(ib);
	g->b = save;
	LLVMDisposeBuilder(ib);
	g->vars[v->id] = p;
	return p;
}

/* ---- module ---- */

static int emit(struct cg *g, struct cg_obj *out)
{
	char *err = NULL;
	LLVMTargetRef T;
	LLVMTargetMachineRef tm;
	LLVMTargetDataRef dl;
	LLVMPassBuilderOptionsRef po;
	LLVMErrorRef e;
	LLVMMemoryBufferRef mb;

	LLVMDIBuilderFinalize(g->di);
	if (g->o && g->o->dump_ir) {
		char *s = LLVMPrintModuleToString(g->mod);

		fputs(s, g->o->dump_ir);
		LLVMDisposeMessage(s);
	}
	if (LLVMVerifyModule(g->mod, LLVMReturnStatusAction, &err)) {
		diag_plain_error(g->cx->diag, "LLVM IR verification failed: %s", err);
		LLVMDisposeMessage(err);
		return -1;
	}
	LLVMDisposeMessage(err);
	if (LLVMGetTargetFromTriple("bpfel", &T, &err)) {
		diag_plain_error(g->cx->diag, "no BPF target: %s", err);
		LLVMDisposeMessage(err);
		return -1;
	}
	tm = LLVMCreateTargetMachine(T, "bpfel", "v3", "", LLVMCodeGenLevelDefault, LLVMRelocStatic,
				     LLVMCodeModelDefault);
	dl = LLVMCreateTargetDataLayout(tm);
	LLVMSetModuleDataLayout(g->mod, dl);
	LLVMDisposeTargetData(dl);
	po = LLVMCreatePassBuilderOptions();
	e = LLVMRunPasses(g->mod, "default<O2>", tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (e) {
		char *m = LLVMGetErrorMessage(e);

		diag_plain_error(g->cx->diag, "LLVM passes failed: %s", m);
		LLVMDisposeErrorMessage(m);
		LLVMDisposeTargetMachine(tm);
		return -1;
	}
	if (g->o && g->o->dump_ir_opt) {
		char *s = LLVMPrintModuleToString(g->mod);

		fputs(s, g->o->dump_ir_opt);
		LLVMDisposeMessage(s);
	}
	if (g->o && g->o->emit_llvm) {
		if (LLVMPrintModuleToFile(g->mod, g->o->emit_llvm, &err)) {
			diag_plain_error(g->cx->diag, "cannot write %s: %s", g->o->emit_llvm, err);
			LLVMDisposeMessage(err);
		}
	}
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, g->mod, LLVMObjectFile, &err, &mb)) {
		diag_plain_error(g->cx->diag, "BPF code emission failed: %s", err);
		LLVMDisposeMessage(err);
		LLVMDisposeTargetMachine(tm);
		return -1;
	}
	if (g->failed) { /* an error reported through llvm_diag */
		LLVMDisposeMemoryBuffer(mb);
		LLVMDisposeTargetMachine(tm);
		return -1;
	}
	out->size = LLVMGetBufferSize(mb);
	out->data = xmalloc(out->size);
	memcpy(out->data, LLVMGetBufferStart(mb), out->size);
	LLVMDisposeMemoryBuffer(mb);
	LLVMDisposeTargetMachine(tm);
	return 0;
}

/* LLVM reports some errors (e.g. the BPF backend's "stack limit exceeded")
 * through the context's diagnostic handler; the default one prints and calls
 * exit(). Errors become a diagnostic and fail the compile; the rest is
 * dropped. */
static void llvm_diag(LLVMDiagnosticInfoRef di, void *arg)
{
	struct cg *g = arg;
	char *msg;

	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
		return;
	msg = LLVMGetDiagInfoDescription(di);
	if (!g->failed) {
		size_t n = strlen(msg);

		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		diag_plain_error(g->cx->diag, "%.*s", (int)n, msg);
	}
	g->failed = true;
	LLVMDisposeMessage(msg);
}

static void llvm_init_once(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
}

int cg_compile(struct ast_ctx *cx, const struct ast_node *prog, const struct resources *res,
	       const struct cg_opts *o, struct cg_obj *out)
{
	struct cg g = { 0 };
	const char *fname = cx->src && cx->src->name ? cx->src->name : "stdin";
	const char *lic = res->cfg.license ? res->cfg.license : "GPL";
	LLVMValueRef lv;
	int rc;
	long nc;

	memset(out, 0, sizeof(*out));
	llvm_init_once();
	g.cx = cx;
	g.res = res;
	g.o = o;
	nc = sysconf(_SC_NPROCESSORS_CONF);
	g.n_cpus = nc > 0 ? nc : 1;
	g.ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(g.ctx, llvm_diag, &g);
	g.mod = LLVMModuleCreateWithNameInContext(fname, g.ctx);
	g.b = LLVMCreateBuilderInContext(g.ctx);
	g.i1 = LLVMInt1TypeInContext(g.ctx);
	g.i8 = LLVMInt8TypeInContext(g.ctx);
	g.i16 = LLVMInt16TypeInContext(g.ctx);
	g.i32 = LLVMInt32TypeInContext(g.ctx);
	g.i64 = LLVMInt64TypeInContext(g.ctx);
	g.ptr = LLVMPointerTypeInContext(g.ctx, 0);
	g.voidt = LLVMVoidTypeInContext(g.ctx);
	LLVMSetTarget(g.mod, "bpfel");
	/* the BPF target's layout from the start: loads and stores built without
	 * an explicit alignment get i64's natural 8 (the default layout says 4,
	 * which makes the backend split every 64-bit access in two) */
	LLVMSetDataLayout(g.mod, "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128");
	LLVMAddModuleFlag(g.mod, LLVMModuleFlagBehaviorWarning, S("Debug Info Version"),
			  LLVMValueAsMetadata(LLVMConstInt(g.i32, LLVMDebugMetadataVersion(), 0)));
	LLVMAddModuleFlag(g.mod, LLVMModuleFlagBehaviorWarning, S("Dwarf Version"),
			  LLVMValueAsMetadata(LLVMConstInt(g.i32, 5, 0)));
	g.di = LLVMCreateDIBuilder(g.mod);
	g.di_file = LLVMDIBuilderCreateFile(g.di, S(fname), S("."));
	g.di_cu = LLVMDIBuilderCreateCompileUnit(g.di, LLVMDWARFSourceLanguageC11, g.di_file, S("scry"), 1,
						 "", 0, 0, "", 0, LLVMDWARFEmissionFull, 0, 0, 0, "", 0, "", 0);
	g.di_int = LLVMDIBuilderCreateBasicType(g.di, S("int"), 32, DW_ATE_signed, 0);
	g.di_u32 = LLVMDIBuilderCreateBasicType(g.di, S("unsigned int"), 32, DW_ATE_unsigned, 0);
	g.di_u64 = LLVMDIBuilderCreateBasicType(g.di, S("unsigned long long"), 64, DW_ATE_unsigned, 0);
	g.di_u8 = LLVMDIBuilderCreateBasicType(g.di, S("unsigned char"), 8, DW_ATE_unsigned_char, 0);
	g.di_voidp = LLVMDIBuilderCreatePointerType(g.di, NULL, 64, 0, 0, NULL, 0);

	g.vars = xcalloc(CG_MAX_VARS, sizeof(*g.vars));
	g.var_off = xcalloc(CG_MAX_VARS, sizeof(*g.var_off));
	maps_create(&g);
	for (const struct ast_node *it = prog->program.items; it; it = it->next) {
		if (it->kind != AST_PROBE || !it->probe.info)
			continue;
		probe_fn(&g, (struct ast_node *)it);
		if (g.failed)
			break;
	}
	g.sp = NULL;
	LLVMSetCurrentDebugLocation2(g.b, NULL);
	maps_finish(&g);
	lv = LLVMConstStringInContext(g.ctx, lic, strlen(lic), 0);
	{
		LLVMValueRef gv = LLVMAddGlobal(g.mod, LLVMTypeOf(lv), "_license");

		LLVMSetInitializer(gv, lv);
		LLVMSetSection(gv, "license");
		LLVMSetLinkage(gv, LLVMExternalLinkage);
	}
	rc = g.failed ? -1 : emit(&g, out);
	free(g.maps);
	free(g.vars);
	free(g.var_off);
	LLVMDisposeDIBuilder(g.di);
	LLVMDisposeBuilder(g.b);
	LLVMDisposeModule(g.mod);
	LLVMContextDispose(g.ctx);
	return rc;
}

void cg_obj_free(struct cg_obj *obj)
{
	if (!obj)
		return;
	free(obj->data);
	obj->data = NULL;
	obj->size = 0;
}
