/* parser.h — bpftrace source text to the AST of ast/ast.h.
 *
 * The grammar (parser.y) is a pure bison LALR(1) parser over the reentrant scanner
 * of lexer/. Actions only build nodes; meaning is decided by sema. */
#ifndef SCRY_PARSER_PARSER_H
#define SCRY_PARSER_PARSER_H

#include <stdbool.h>
#include <stdint.h>

struct ast_ctx;
struct ast_node;
struct src;

struct parse_opts {
	/* positional parameters $1..$N, substituted in attach points */
	const char *const *pos_params;
	uint32_t n_pos_params;
};

/* Parses cx->src. Returns the AST_PROGRAM node, or NULL when errors were reported
 * through cx->diag (all of them, up to 20, with recovery). Never exits, never crashes;
 * can be called many times in one process. @o may be NULL. */
struct ast_node *parse_program(struct ast_ctx *cx, const struct parse_opts *o);

/* Parses @s (borrowed; it must outlive the nodes) as one expression, e.g. the body
 * of `#define RED "\033[31m"` or `#define FLAG (1 << 3)`. Returns the expression, or
 * NULL if @s is not exactly one expression; errors go to cx->diag unless @quiet. */
struct ast_node *parse_expression(struct ast_ctx *cx, const struct src *s, bool quiet);

#endif
