/* fuzz_parse.c — libFuzzer target over the front end: lexer, parser (programs and
 * single expressions), -d ast printer and ast_clone; parsed trees must have exact
 * locations (checked against src_loc()). Any input must give either a tree or diagnostics, never a crash,
 * hang or leak. Built by build.sh (clang, -fsanitize=fuzzer,address,undefined). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ast/ast.h"
#include "parser/parser.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every node's location must be a range of the source whose line/column fields
 * agree with src_loc(). Returns the number of bad nodes (reported to @out). */
static unsigned check_locs(const struct src *s, const struct ast_node *n, FILE *out)
{
	unsigned bad = 0;

	for (; n; n = n->next) {
		struct loc l = n->loc, want;

		if (l.src != s || l.off + l.len > s->len) {
			fprintf(out, "# %s node with a location outside the source\n",
				ast_kind_names[n->kind]);
			bad++;
		} else {
			want = src_loc(s, l.off, l.len);
			if (want.line != l.line || want.col != l.col ||
			    (l.len && (want.end_line != l.end_line || want.end_col != l.end_col))) {
				fprintf(out, "# %s node at %u+%u: %u:%u-%u:%u, want %u:%u-%u:%u\n",
					ast_kind_names[n->kind], l.off, l.len, l.line, l.col,
					l.end_line, l.end_col, want.line, want.col, want.end_line,
					want.end_col);
				bad++;
			}
		}
#define C(x) bad += check_locs(s, n->x, out)
		switch (n->kind) {
		case AST_PROGRAM: C(program.items); break;
		case AST_PROBE: C(probe.attach); C(probe.pred); C(probe.body); break;
		case AST_CONFIG: C(config.value); break;
		case AST_MACRO: case AST_FUNC_DEF: C(macro.params); C(macro.ret); C(macro.body); break;
		case AST_MAP_DECL: C(map_decl.init); break;
		case AST_BLOCK: case AST_BLOCK_EXPR: C(block.stmts); C(block.expr); break;
		case AST_EXPR_STMT: C(stmt.expr); break;
		case AST_ASSIGN: C(assign.lhs); C(assign.rhs); break;
		case AST_LET: C(let.var); C(let.typ); C(let.init); break;
		case AST_IF: case AST_TERNARY: C(cond.cond); C(cond.then); C(cond.els); break;
		case AST_WHILE: case AST_UNROLL: C(loop.cond); C(loop.body); break;
		case AST_FOR_MAP: case AST_FOR_RANGE:
			C(for_.var); C(for_.iter); C(for_.end); C(for_.body); break;
		case AST_JUMP: C(jump.value); break;
		case AST_MAP: C(map.keys); break;
		case AST_CALL: C(call.args); break;
		case AST_BINOP: C(bin.l); C(bin.r); break;
		case AST_UNOP: C(un.e); break;
		case AST_FIELD: C(field.e); break;
		case AST_INDEX: C(index.e); C(index.index); break;
		case AST_TUPLE_INDEX: C(tindex.e); break;
		case AST_CAST: C(cast.typ); C(cast.e); break;
		case AST_TUPLE: case AST_RECORD: C(tuple.elems); break;
		case AST_NAMED: C(named.e); break;
		case AST_SIZEOF: case AST_TYPEOF: case AST_COMPTIME: C(size.arg); break;
		case AST_OFFSETOF: C(offsetof_.typ); break;
		default: break;
		}
#undef C
	}
	return bad;
}


/* Diagnostics are formatted in full (that code is fuzzed too) into a stream that
 * drops them: one stream for the whole run, no system calls per input. */
static ssize_t drop_write(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)n;
}

static FILE *null_sink(void)
{
	static FILE *sink;

	if (!sink) {
		sink = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = drop_write });
		if (!sink)
			abort();
		setvbuf(sink, NULL, _IOFBF, 1 << 16);
	}
	return sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const params[] = { "1", "/bin/sh", "x y" };
	struct parse_opts o = { .pos_params = params, .n_pos_params = 3 };
	struct src *s = src_from_string("stdin", (const char *)data, size);
	FILE *sink = null_sink();
	struct diag d;
	struct ast_ctx cx;
	struct ast_node *prog;

	diag_init(&d, sink);
	ast_ctx_init(&cx, &d, s);
	prog = parse_program(&cx, &o);
	if (prog) {
		if (check_locs(s, prog, stderr))
			abort(); /* a node with a wrong location */
		ast_print(sink, prog);
		ast_print(sink, ast_clone(&cx, prog));
	}
	/* the same bytes as one expression (the #define path) */
	prog = parse_expression(&cx, s, true);
	if (prog)
		ast_print(sink, prog);
	ast_ctx_fini(&cx);
	src_free(s);
	return 0;
}
