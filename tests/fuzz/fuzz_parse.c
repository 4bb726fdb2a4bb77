/* fuzz_parse.c — libFuzzer target over the front end: lexer, parser (programs and
 * single expressions), -d ast printer and ast_clone. Any input must give either a tree or diagnostics, never a crash,
 * hang or leak. Built by build.sh (clang, -fsanitize=fuzzer,address,undefined). */
#include <stdint.h>
#include <stdio.h>

#include "ast/ast.h"
#include "parser/parser.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const params[] = { "1", "/bin/sh", "x y" };
	struct parse_opts o = { .pos_params = params, .n_pos_params = 3 };
	struct src *s = src_from_string("stdin", (const char *)data, size);
	FILE *sink = fopen("/dev/null", "w");
	struct diag d;
	struct ast_ctx cx;
	struct ast_node *prog;

	diag_init(&d, sink);
	ast_ctx_init(&cx, &d, s);
	prog = parse_program(&cx, &o);
	if (prog) {
		ast_print(sink, prog);
		ast_print(sink, ast_clone(&cx, prog));
	}
	/* the same bytes as one expression (the #define path) */
	prog = parse_expression(&cx, s, true);
	if (prog)
		ast_print(sink, prog);
	ast_ctx_fini(&cx);
	src_free(s);
	fclose(sink);
	return 0;
}
