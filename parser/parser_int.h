/* parser_int.h — private to parser/: the parse state and the attach-point splitter. */
#ifndef SCRY_PARSER_PARSER_INT_H
#define SCRY_PARSER_PARSER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ast/ast.h"
#include "lexer/lexer.h"
#include "parser/parser.h"

struct pstate {
	struct ast_ctx *cx;
	struct lexer *lx;
	const struct parse_opts *opts;
	struct ast_node *program;
	bool seen_main;     /* a probe, fn, macro or map declaration was parsed */
	bool seen_config;
	bool seen_preamble; /* a config block or a root import was parsed */
	unsigned n_syntax_errors;
	bool recovering;    /* bison is recovering from a syntax error */
	uint32_t last_error_off; /* offset of the token of the last syntax error */
	bool in_err_stmt;   /* still in the statement of the last syntax error */
	bool err_stmt_ending;
};

/* Fills the attach fields of @ap (an AST_ATTACH whose loc is set) from @raw: label,
 * provider, parts (unquoted, positional parameters substituted), has_wildcard.
 * Reports malformed positional parameters; returns false then. */
bool parse_attach_fill(struct ast_ctx *cx, const struct parse_opts *o, struct ast_node *ap,
		       const char *raw, uint32_t len);

#endif
