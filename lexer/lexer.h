/* lexer.h — the scry scanner: turns a source buffer into tokens with exact locations.
 *
 * The scanner is a reentrant flex scanner (lexer.l) wrapped in struct lexer. It keeps
 * a little context of its own, because bpftrace's surface syntax is not context free
 * at the top level: outside any block, text such as `uprobe:/bin/bash:readline` is one
 * attach-point token, while inside blocks the same characters are operators. It also
 * looks ahead in the source to tell a cast `(type)e`, a record `(a = 1)` and a type
 * operand `sizeof(struct x)` from an ordinary parenthesis, so the grammar stays LALR(1).
 *
 * Lexical errors (bad character, unterminated string or comment, bad escape, integer
 * overflow) are reported through the context's diagnostics as they are found; the
 * scanner then carries on, so one run reports them all. */
#ifndef SCRY_LEXER_LEXER_H
#define SCRY_LEXER_LEXER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct ast_ctx;
struct ast_node;

enum lex_token {
	LEX_EOF = 0,
	LEX__BASE = 257, /* the numbers after this one are shared with the grammar */
#define X(n, s) LEX_##n,
#include "lexer/tokens.def"
#undef X
	LEX__END
};

/* Location of a token or grammar symbol: bytes [off, end) of the source; line/col of
 * the first byte, end_line/end_col of the last one (1-based). An empty range
 * (off == end) has end_line/end_col equal to line/col. */
struct lex_loc {
	uint32_t off, end;
	uint32_t line, col;
	uint32_t end_line, end_col;
};

/* A list being built by the grammar (appends in O(1)). */
struct lex_list {
	struct ast_node *head, *tail;
	bool is_bare; /* the last statement is an if or block without ';' */
};

/* Semantic value of a token (str, num) or of a grammar symbol (the rest).
 *   IDENT VAR MAP ATTACH CPP CDEF: str.s = interned text ("$x", "@m", "@" for the
 *     anonymous map, the attach point as written, the directive / definition text)
 *   STRING: str.s/str.len = unescaped bytes, interned (may contain NUL)
 *   INCLUDE: str.s = the path, str.flag = true for <path>
 *   INT: num = value (duration and size suffixes applied); POSPARAM: num = N */
union lex_val {
	struct {
		const char *s;
		uint32_t len;
		bool flag;
	} str;
	uint64_t num;
	int op;
	const char *cstr;
	struct ast_node *node;
	struct lex_list list;
};

struct lexer;

/* A scanner over cx->src; errors go to cx->diag. Never fails. */
struct lexer *lex_new(struct ast_ctx *cx);
/* A scanner over @s (borrowed; it must outlive the tokens' locations) that reads
 * one expression: it returns LEX_START_EXPR first, then tokens as inside a block. */
struct lexer *lex_new_expr(struct ast_ctx *cx, const struct src *s);
void lex_free(struct lexer *lx);
/* The next token (LEX_EOF = 0 at the end); fills *val and *loc. */
int lex_next(struct lexer *lx, union lex_val *val, struct lex_loc *loc);
/* Turns a scanner location into a struct loc of the scanned source. */
struct loc lex_loc_to_loc(const struct lexer *lx, struct lex_loc l);
/* A printable name for token @tok ("identifier", "'{'", "end of file"). */
const char *lex_token_name(int tok);
/* Number of lexical errors reported so far. */
unsigned lex_n_errors(const struct lexer *lx);
/* Tokens returned since the last lexical error (large if there was none): lets the
 * parser stay quiet about a syntax error that a lexical error just caused. */
unsigned lex_tokens_since_error(const struct lexer *lx);

/* Parses an integer literal as bpftrace does: '_' separators, 0x/0b/0 prefixes,
 * NeM scientific notation, C suffixes (u ul ull l ll) and duration suffixes (ns us
 * ms s m h d, result in ns). Returns 0 and sets *out, or -1 and writes a message
 * such as "overflow error, maximum value is ...: 99999999999999999999" to @err. */
int lex_parse_uint(const char *s, size_t len, uint64_t *out, char *err, size_t err_size);

#endif
