/* parser.y — the scry grammar: bpftrace programs to the AST of ast/ast.h.
 *
 * A pure LALR(1) bison parser with locations and no conflicts. The scanner does the
 * context-dependent part (attach points at the top level, casts and records told
 * apart from parentheses, the '/' that ends a predicate), see lexer/lexer.h.
 *
 * Statements that start with '{' or 'if' are blocks and if-statements; the same
 * forms in operand position are block and if expressions. That is why expressions
 * come in two flavours: expr (anything) and expr_ns ("no statement start": an
 * expression statement cannot begin with '{' or 'if').
 *
 * Errors: bison's `error` token resynchronises at ';' and '}' inside blocks and at
 * '}' at the top level, so one run reports several errors. */

%define api.pure full
%define api.prefix {scry_}
%define api.token.prefix {TOK_}
%define api.value.type {union lex_val}
%define api.location.type {struct lex_loc}
%define parse.error custom
%define parse.lac full
%locations
%initial-action {
	/* the start of the source: an empty range before line 1, column 1 */
	@$.off = @$.end = 0;
	@$.line = @$.end_line = 1;
	@$.col = 1;
	@$.end_col = 0;
}
%expect 0
%param {struct pstate *ps}

%code requires {
#include "lexer/lexer.h"
struct pstate;
}

%code provides {
int scry_parse(struct pstate *ps);
}

%code {
#include <stdlib.h>
#include <string.h>

#include "parser/parser_int.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                              \
	do {                                                                     \
		ps->recovering = YYRECOVERING();                                 \
		if (N) {                                                         \
			(Cur).off = YYRHSLOC(Rhs, 1).off;                        \
			(Cur).line = YYRHSLOC(Rhs, 1).line;                      \
			(Cur).col = YYRHSLOC(Rhs, 1).col;                        \
			(Cur).end = YYRHSLOC(Rhs, N).end;                        \
			(Cur).end_line = YYRHSLOC(Rhs, N).end_line;              \
			(Cur).end_col = YYRHSLOC(Rhs, N).end_col;                \
		} else {                                                         \
			(Cur).off = (Cur).end = YYRHSLOC(Rhs, 0).end;            \
			(Cur).line = (Cur).end_line = YYRHSLOC(Rhs, 0).end_line; \
			(Cur).col = (Cur).end_col = YYRHSLOC(Rhs, 0).end_col + 1; \
		}                                                                \
	} while (0)

static void scry_error(struct lex_loc *loc, struct pstate *ps, const char *msg)
{
	diag_error(ps->cx->diag, lex_loc_to_loc(ps->lx, *loc), "syntax: %s", msg);
}

/* Also tracks the statement of the last syntax error: it ends with the token after
 * the next ';', '{' or '}' (the one after, because the actions of the statement run
 * with its ';' as the lookahead). */
static int scry_lex(union lex_val *val, struct lex_loc *loc, struct pstate *ps)
{
	int tok;

	if (ps->err_stmt_ending)
		ps->in_err_stmt = ps->err_stmt_ending = false;
	tok = lex_next(ps->lx, val, loc);
	if (ps->in_err_stmt && (tok == ';' || tok == '{' || tok == '}'))
		ps->err_stmt_ending = true;
	return tok;
}

#define X(n, s) _Static_assert((int)TOK_##n == (int)LEX_##n, "token " #n);
#include "lexer/tokens.def"
#undef X

#define L(l) lex_loc_to_loc(ps->lx, (l))
#define CX (ps->cx)

static void perr(struct pstate *ps, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void list_push(struct lex_list *l, struct ast_node *n);
static struct lex_loc loc_span(struct lex_loc a, struct lex_loc b);
static struct ast_node *prog_new(struct pstate *ps, struct lex_loc l, struct ast_node *items);
static struct ast_node *bool_new(struct pstate *ps, struct lex_loc l, bool v);
static void check_c_order(struct pstate *ps, struct ast_node *n);
static struct ast_node *map_decl_new(struct pstate *ps, struct lex_loc l, const char *name,
				     const char *fn, struct lex_loc call_loc, uint64_t n,
				     struct lex_loc n_loc);
static struct ast_node *attach_new(struct pstate *ps, struct lex_loc l, const char *raw,
				   uint32_t len);
static struct ast_node *block_new(struct pstate *ps, struct lex_loc l, struct ast_node *stmts,
				  struct ast_node *e);
static struct ast_node *stmt_form(struct pstate *ps, struct ast_node *n);
static void list_add(struct pstate *ps, struct lex_list *l, struct ast_node *n, bool is_bare);
static struct ast_node *block_close(struct pstate *ps, struct lex_loc l, struct lex_list *stmts);
static struct ast_node *expr_stmt_new(struct pstate *ps, struct lex_loc l, struct ast_node *e);
static struct ast_node *assign_new(struct pstate *ps, struct lex_loc l, struct ast_node *lhs,
				   int op, struct ast_node *rhs, struct lex_loc op_loc);
static struct ast_node *let_new(struct pstate *ps, struct lex_loc l, const char *name,
				struct lex_loc name_loc, struct ast_node *typ,
				struct ast_node *init);
static struct ast_node *jump_new(struct pstate *ps, struct lex_loc l, enum ast_jump kind,
				 struct ast_node *value);
static struct ast_node *loop_new(struct pstate *ps, struct lex_loc l, enum ast_kind kind,
				 struct ast_node *cond, struct ast_node *body);
static struct ast_node *if_new(struct pstate *ps, struct lex_loc l, struct ast_node *cond,
			       struct ast_node *then, struct ast_node *els);
static struct ast_node *for_new(struct pstate *ps, struct lex_loc l, const char *var,
				struct lex_loc var_loc, struct ast_node *a, struct ast_node *b,
				struct ast_node *body);
static struct ast_node *ternary_new(struct pstate *ps, struct lex_loc l, struct ast_node *c,
				    struct ast_node *a, struct ast_node *b);
static struct ast_node *addr_new(struct pstate *ps, struct lex_loc l, struct ast_node *e);
static struct ast_node *incdec_new(struct pstate *ps, struct lex_loc l, struct lex_loc err_loc,
				   enum ast_op op, struct ast_node *e, bool is_postfix);
static struct ast_node *offsetof_new(struct pstate *ps, struct lex_loc l, struct ast_node *typ,
				     struct ast_node *fields);
static struct ast_node *tuple_new(struct pstate *ps, struct lex_loc l, struct ast_node *elems);
static struct ast_node *record_new(struct pstate *ps, struct lex_loc l, struct ast_node *elems);
static struct ast_node *named_new(struct pstate *ps, struct lex_loc l, const char *name,
				  struct ast_node *e);
static struct ast_node *type_new(struct pstate *ps, struct lex_loc l, const char *kw,
				 const char *name);
static struct ast_node *type_ptr(struct pstate *ps, struct lex_loc l, struct ast_node *t);
static struct ast_node *type_array(struct pstate *ps, struct lex_loc l, struct ast_node *t,
				   uint64_t n, bool has_n);
static void put_symbol(struct sbuf *b, const char *name);
static struct ast_node *expr_stmt_new_loc(struct pstate *ps, struct ast_node *e);
}

%token <str> IDENT 258 "identifier"
%token <str> VAR 259 "variable"
%token <str> MAP 260 "map"
%token <num> POSPARAM 261 "positional parameter"
%token <num> POSCOUNT 262 "'$#'"
%token <num> INT 263 "integer"
%token <str> STRING 264 "string"
%token <str> ATTACH 265 "attach point"
%token <str> INCLUDE 266 "#include"
%token <str> CPP 267 "preprocessor directive"
%token <str> CDEF 268 "C definition"
%token ENDPRED 269 "'/' (end of predicate)"
%token CAST_LPAREN 270 "'(' (cast)"
%token RECORD_LPAREN 271 "'(' (record)"
%token TYPE_LPAREN 272 "'(' (type)"
%token KW_CONFIG 273 "config"
%token KW_IMPORT 274 "import"
%token KW_MACRO 275 "macro"
%token KW_FN 276 "fn"
%token KW_LET 277 "let"
%token KW_IF 278 "if"
%token KW_ELSE 279 "else"
%token KW_WHILE 280 "while"
%token KW_FOR 281 "for"
%token KW_UNROLL 282 "unroll"
%token KW_BREAK 283 "break"
%token KW_CONTINUE 284 "continue"
%token KW_RETURN 285 "return"
%token KW_SIZEOF 286 "sizeof"
%token KW_OFFSETOF 287 "offsetof"
%token KW_TYPEOF 288 "typeof"
%token KW_COMPTIME 289 "comptime"
%token KW_TRUE 290 "true"
%token KW_FALSE 291 "false"
%token KW_STRUCT 292 "struct"
%token KW_UNION 293 "union"
%token KW_ENUM 294 "enum"
%token OP_EQ 295 "'=='"
%token OP_NE 296 "'!='"
%token OP_LE 297 "'<='"
%token OP_GE 298 "'>='"
%token OP_SHL 299 "'<<'"
%token OP_SHR 300 "'>>'"
%token OP_LAND 301 "'&&'"
%token OP_LOR 302 "'||'"
%token OP_INC 303 "'++'"
%token OP_DEC 304 "'--'"
%token OP_ARROW 305 "'->'"
%token OP_DOTDOT 306 "'..'"
%token OP_ADD_ASSIGN 307 "'+='"
%token OP_SUB_ASSIGN 308 "'-='"
%token OP_MUL_ASSIGN 309 "'*='"
%token OP_DIV_ASSIGN 310 "'/='"
%token OP_MOD_ASSIGN 311 "'%='"
%token OP_AND_ASSIGN 312 "'&='"
%token OP_OR_ASSIGN 313 "'|='"
%token OP_XOR_ASSIGN 314 "'^='"
%token OP_SHL_ASSIGN 315 "'<<='"
%token OP_SHR_ASSIGN 316 "'>>='"
%token START_EXPR 317 "start of expression"

/* lowest first; bpftrace's (and C's) precedence */
%right '?' ':'
%left OP_LOR
%left OP_LAND
%left '|'
%left '^'
%left '&'
%left OP_EQ OP_NE
%left '<' '>' OP_LE OP_GE
%left OP_SHL OP_SHR
%left '+' '-'
%left '*' '/' '%'
%precedence MAP_ALONE
%precedence '['

%type <node> top_item config config_item config_value import macro macro_param fn
%type <node> fn_param map_decl probe attach_point pred_opt block body stmt_last
%type <node> simple_stmt compound_stmt if_stmt if_expr else_stmt else_expr for_stmt
%type <node> expr expr_ns unary unary_ns postfix primary map type type_base call
%type <node> paren offsetof_fields
%type <list> top_items config_list config_body macro_params macro_params_opt fn_params
%type <list> fn_params_opt attach_list stmts expr_list args named_list
%type <op> compound_op
%type <cstr> field_name

%%

/* #include <linux/sched.h>
 * struct S { int x; }
 * config = { max_map_keys = 100 }
 * kprobe:f { } */
program
	: top_items { ps->program = prog_new(ps, @$, $1.head); }
	| START_EXPR expr { ps->program = $2; } /* parse_expression() */
	;

top_items
	: %empty { $$.head = $$.tail = NULL; }
	| top_items top_item { $$ = $1; if ($2) list_push(&$$, $2); }
	;

top_item
	: INCLUDE {
		$$ = ast_new(CX, AST_INCLUDE, L(@1));
		$$->include.path = $1.s;
		$$->include.is_system = $1.flag;
		check_c_order(ps, $$);
	}
	| CPP { $$ = ast_new(CX, AST_CDEF, L(@1)); $$->cdef.text = $1.s; check_c_order(ps, $$); }
	| CDEF { $$ = ast_new(CX, AST_CDEF, L(@1)); $$->cdef.text = $1.s; check_c_order(ps, $$); }
	| config { $$ = $1; }
	| import { $$ = $1; }
	| macro { $$ = $1; ps->seen_main = true; }
	| fn { $$ = $1; ps->seen_main = true; }
	| map_decl { $$ = $1; ps->seen_main = true; }
	| probe { $$ = $1; ps->seen_main = true; }
	| error '}' { $$ = NULL; }
	| error ';' { $$ = NULL; }
	;

/* config = { stack_mode = perf; max_map_keys = 10 } */
config
	: KW_CONFIG '=' '{' config_body '}' {
		$$ = NULL;
		if (ps->seen_main) {
			perr(ps, L(@1), "syntax: config must appear before probes and functions");
		} else if (ps->seen_config) {
			perr(ps, L(@1), "syntax: duplicate config block");
		} else {
			ps->seen_config = true;
			ps->seen_preamble = true;
			$$ = $4.head;
			if (!$$) /* an empty config block: nothing to keep */
				$$ = NULL;
		}
	}
	;

config_body
	: %empty { $$.head = $$.tail = NULL; }
	| config_list { $$ = $1; }
	| config_list ';' { $$ = $1; }
	;

config_list
	: config_item { $$.head = $$.tail = $1; }
	| config_list ';' config_item { $$ = $1; list_push(&$$, $3); }
	;

config_item
	: IDENT '=' config_value {
		$$ = ast_new(CX, AST_CONFIG, L(@$));
		$$->config.key = $1.s;
		$$->config.value = $3;
	}
	;

config_value
	: INT { $$ = ast_int(CX, L(@1), $1); }
	| STRING { $$ = ast_str(CX, L(@1), $1.s, $1.len); }
	| KW_TRUE { $$ = bool_new(ps, @1, true); }
	| KW_FALSE { $$ = bool_new(ps, @1, false); }
	| IDENT { $$ = ast_ident(CX, L(@1), $1.s); }
	;

/* import "lib.bt"; */
import
	: KW_IMPORT STRING ';' {
		$$ = ast_new(CX, AST_IMPORT, L(@$));
		$$->include.path = $2.s;
		ps->seen_preamble = true;
		if (ps->seen_main) {
			perr(ps, L(@$),
			     "syntax: root imports must appear before probes and functions");
			$$ = NULL;
		}
	}
	;

/* macro add_one(x) { x + 1 }   macro inc($a, @m) { $a += 1; } */
macro
	: KW_MACRO IDENT '(' macro_params_opt ')' block {
		$$ = ast_new(CX, AST_MACRO, L(@2));
		$$->macro.name = $2.s;
		$$->macro.params = $4.head;
		$$->macro.body = $6;
	}
	| KW_MACRO IDENT block {
		$$ = ast_new(CX, AST_MACRO, L(@2));
		$$->macro.name = $2.s;
		$$->macro.body = $3;
	}
	;

macro_params_opt
	: %empty { $$.head = $$.tail = NULL; }
	| macro_params { $$ = $1; }
	;

macro_params
	: macro_param { $$.head = $$.tail = $1; }
	| macro_params ',' macro_param { $$ = $1; list_push(&$$, $3); }
	;

macro_param
	: VAR { $$ = ast_var(CX, L(@1), $1.s); }
	| MAP { $$ = ast_map(CX, L(@1), $1.s, NULL); }
	| IDENT { $$ = ast_ident(CX, L(@1), $1.s); }
	;

/* fn add($a: int64, $b: int64): int64 { return $a + $b; } */
fn
	: KW_FN IDENT '(' fn_params_opt ')' ':' type body {
		$$ = ast_new(CX, AST_FUNC_DEF, L(@2));
		$$->macro.name = $2.s;
		$$->macro.params = $4.head;
		$$->macro.ret = $7;
		$$->macro.body = $8;
	}
	;

fn_params_opt
	: %empty { $$.head = $$.tail = NULL; }
	| fn_params { $$ = $1; }
	;

fn_params
	: fn_param { $$.head = $$.tail = $1; }
	| fn_params ',' fn_param { $$ = $1; list_push(&$$, $3); }
	;

fn_param
	: VAR ':' type {
		$$ = ast_new(CX, AST_LET, L(@$));
		$$->let.var = ast_var(CX, L(@1), $1.s);
		$$->let.typ = $3;
	}
	;

/* let @m = lruhash(100); */
map_decl
	: KW_LET MAP '=' IDENT '(' INT ')' {
		$$ = map_decl_new(ps, @$, $2.s, $4.s, loc_span(@4, @7), $6, @6);
	}
	| KW_LET MAP '=' IDENT '(' INT ')' ';' {
		$$ = map_decl_new(ps, @$, $2.s, $4.s, loc_span(@4, @7), $6, @6);
	}
	;

/* kprobe:vfs_read, t:syscalls:sys_enter_* /pid == 1/ { ... } */
probe
	: attach_list pred_opt body {
		$$ = ast_new(CX, AST_PROBE, L(@1));
		$$->probe.attach = $1.head;
		$$->probe.pred = $2;
		$$->probe.body = $3;
	}
	;

attach_list
	: attach_point { $$.head = $$.tail = $1; }
	| attach_list ',' attach_point { $$ = $1; list_push(&$$, $3); }
	| attach_list ',' { $$ = $1; }
	;

attach_point
	: ATTACH { $$ = attach_new(ps, @1, $1.s, $1.len); }
	;

pred_opt
	: %empty { $$ = NULL; }
	| '/' expr ENDPRED { $$ = $2; }
	;

/* ---- blocks and statements ---- */

/* { stmt; stmt; [expr] } — a trailing expression without ';' makes a block
 * expression (AST_BLOCK_EXPR). So does a trailing if or block without ';': as in
 * bpftrace, `{ if (a) { 1 } else { 2 } }` has a value. */
block
	: '{' stmts '}' { $$ = block_close(ps, @$, &$2); }
	| '{' stmts stmt_last '}' {
		list_add(ps, &$2, $3, false);
		$$ = block_new(ps, @$, $2.head, NULL);
	}
	| '{' stmts expr_ns '}' {
		list_add(ps, &$2, NULL, false);
		$$ = block_new(ps, @$, $2.head, $3);
	}
	;

/* a probe, function or loop body: a value is a statement there */
body
	: block { $$ = stmt_form(ps, $1); }
	;

stmts
	: %empty { $$.head = $$.tail = NULL; $$.is_bare = false; }
	| stmts simple_stmt ';' { $$ = $1; list_add(ps, &$$, $2, false); }
	| stmts expr_ns ';' { $$ = $1; list_add(ps, &$$, expr_stmt_new(ps, @2, $2), false); }
	| stmts compound_stmt {
		$$ = $1;
		list_add(ps, &$$, $2, $2 && ($2->kind == AST_IF || $2->kind == AST_BLOCK ||
					     $2->kind == AST_BLOCK_EXPR));
	}
	| stmts compound_stmt ';' { $$ = $1; list_add(ps, &$$, stmt_form(ps, $2), false); }
	| stmts error ';' { $$ = $1; list_add(ps, &$$, NULL, false); }
	| stmts error { $$ = $1; list_add(ps, &$$, NULL, false); }
	;

stmt_last
	: simple_stmt { $$ = $1; }
	;

simple_stmt
	: unary_ns '=' expr { $$ = assign_new(ps, @$, $1, AST_OP_NONE, $3, @2); }
	| unary_ns compound_op expr { $$ = assign_new(ps, @$, $1, $2, $3, @2); }
	| KW_LET VAR { $$ = let_new(ps, @$, $2.s, @2, NULL, NULL); }
	| KW_LET VAR ':' type { $$ = let_new(ps, @$, $2.s, @2, $4, NULL); }
	| KW_LET VAR '=' expr { $$ = let_new(ps, @$, $2.s, @2, NULL, $4); }
	| KW_LET VAR ':' type '=' expr { $$ = let_new(ps, @$, $2.s, @2, $4, $6); }
	| KW_RETURN { $$ = jump_new(ps, @$, JUMP_RETURN, NULL); }
	| KW_RETURN expr { $$ = jump_new(ps, @$, JUMP_RETURN, $2); }
	| KW_BREAK { $$ = jump_new(ps, @$, JUMP_BREAK, NULL); }
	| KW_CONTINUE { $$ = jump_new(ps, @$, JUMP_CONTINUE, NULL); }
	| KW_IMPORT STRING {
		$$ = ast_new(CX, AST_IMPORT, L(@$));
		$$->include.path = $2.s;
	}
	;

compound_op
	: OP_ADD_ASSIGN { $$ = AST_OP_ADD; }
	| OP_SUB_ASSIGN { $$ = AST_OP_SUB; }
	| OP_MUL_ASSIGN { $$ = AST_OP_MUL; }
	| OP_DIV_ASSIGN { $$ = AST_OP_DIV; }
	| OP_MOD_ASSIGN { $$ = AST_OP_MOD; }
	| OP_AND_ASSIGN { $$ = AST_OP_BAND; }
	| OP_OR_ASSIGN { $$ = AST_OP_BOR; }
	| OP_XOR_ASSIGN { $$ = AST_OP_BXOR; }
	| OP_SHL_ASSIGN { $$ = AST_OP_SHL; }
	| OP_SHR_ASSIGN { $$ = AST_OP_SHR; }
	;

compound_stmt
	: if_stmt { $$ = $1; }
	| KW_WHILE unary body { $$ = loop_new(ps, @$, AST_WHILE, $2, $3); }
	| KW_UNROLL unary body { $$ = loop_new(ps, @$, AST_UNROLL, $2, $3); }
	| for_stmt { $$ = $1; }
	| block { $$ = $1; }
	;

/* if ($x > 1) { } else if ($x) { } else { }
 * (branches keep their values until the statement's place is known) */
if_stmt
	: KW_IF unary block { $$ = if_new(ps, @$, $2, $3, NULL); }
	| KW_IF unary block KW_ELSE else_stmt { $$ = if_new(ps, @$, $2, $3, $5); }
	;

else_stmt
	: block { $$ = $1; }
	| if_stmt { $$ = $1; }
	;

/* for ($kv : @map) { }   for ($i : 0..10) { } */
for_stmt
	: KW_FOR '(' VAR ':' unary ')' body { $$ = for_new(ps, @$, $3.s, @3, $5, NULL, $7); }
	| KW_FOR '(' VAR ':' unary OP_DOTDOT unary ')' body {
		$$ = for_new(ps, @$, $3.s, @3, $5, $7, $9);
	}
	| KW_FOR VAR ':' unary body { $$ = for_new(ps, @$, $2.s, @2, $4, NULL, $5); }
	| KW_FOR VAR ':' unary OP_DOTDOT unary body { $$ = for_new(ps, @$, $2.s, @2, $4, $6, $7); }
	;

/* ---- expressions ---- */

expr
	: unary { $$ = $1; }
	| expr '?' expr ':' expr { $$ = ternary_new(ps, @$, $1, $3, $5); }
	| expr '?' ':' expr { $$ = ast_bin(CX, L(@$), AST_OP_ELVIS, $1, $4); }
	| expr OP_LOR expr { $$ = ast_bin(CX, L(@$), AST_OP_LOR, $1, $3); }
	| expr OP_LAND expr { $$ = ast_bin(CX, L(@$), AST_OP_LAND, $1, $3); }
	| expr '|' expr { $$ = ast_bin(CX, L(@$), AST_OP_BOR, $1, $3); }
	| expr '^' expr { $$ = ast_bin(CX, L(@$), AST_OP_BXOR, $1, $3); }
	| expr '&' expr { $$ = ast_bin(CX, L(@$), AST_OP_BAND, $1, $3); }
	| expr OP_EQ expr { $$ = ast_bin(CX, L(@$), AST_OP_EQ, $1, $3); }
	| expr OP_NE expr { $$ = ast_bin(CX, L(@$), AST_OP_NE, $1, $3); }
	| expr '<' expr { $$ = ast_bin(CX, L(@$), AST_OP_LT, $1, $3); }
	| expr '>' expr { $$ = ast_bin(CX, L(@$), AST_OP_GT, $1, $3); }
	| expr OP_LE expr { $$ = ast_bin(CX, L(@$), AST_OP_LE, $1, $3); }
	| expr OP_GE expr { $$ = ast_bin(CX, L(@$), AST_OP_GE, $1, $3); }
	| expr OP_SHL expr { $$ = ast_bin(CX, L(@$), AST_OP_SHL, $1, $3); }
	| expr OP_SHR expr { $$ = ast_bin(CX, L(@$), AST_OP_SHR, $1, $3); }
	| expr '+' expr { $$ = ast_bin(CX, L(@$), AST_OP_ADD, $1, $3); }
	| expr '-' expr { $$ = ast_bin(CX, L(@$), AST_OP_SUB, $1, $3); }
	| expr '*' expr { $$ = ast_bin(CX, L(@$), AST_OP_MUL, $1, $3); }
	| expr '/' expr { $$ = ast_bin(CX, L(@$), AST_OP_DIV, $1, $3); }
	| expr '%' expr { $$ = ast_bin(CX, L(@$), AST_OP_MOD, $1, $3); }
	;

/* the same, but not starting with '{' or 'if' (expression statements) */
expr_ns
	: unary_ns { $$ = $1; }
	| expr_ns '?' expr ':' expr { $$ = ternary_new(ps, @$, $1, $3, $5); }
	| expr_ns '?' ':' expr { $$ = ast_bin(CX, L(@$), AST_OP_ELVIS, $1, $4); }
	| expr_ns OP_LOR expr { $$ = ast_bin(CX, L(@$), AST_OP_LOR, $1, $3); }
	| expr_ns OP_LAND expr { $$ = ast_bin(CX, L(@$), AST_OP_LAND, $1, $3); }
	| expr_ns '|' expr { $$ = ast_bin(CX, L(@$), AST_OP_BOR, $1, $3); }
	| expr_ns '^' expr { $$ = ast_bin(CX, L(@$), AST_OP_BXOR, $1, $3); }
	| expr_ns '&' expr { $$ = ast_bin(CX, L(@$), AST_OP_BAND, $1, $3); }
	| expr_ns OP_EQ expr { $$ = ast_bin(CX, L(@$), AST_OP_EQ, $1, $3); }
	| expr_ns OP_NE expr { $$ = ast_bin(CX, L(@$), AST_OP_NE, $1, $3); }
	| expr_ns '<' expr { $$ = ast_bin(CX, L(@$), AST_OP_LT, $1, $3); }
	| expr_ns '>' expr { $$ = ast_bin(CX, L(@$), AST_OP_GT, $1, $3); }
	| expr_ns OP_LE expr { $$ = ast_bin(CX, L(@$), AST_OP_LE, $1, $3); }
	| expr_ns OP_GE expr { $$ = ast_bin(CX, L(@$), AST_OP_GE, $1, $3); }
	| expr_ns OP_SHL expr { $$ = ast_bin(CX, L(@$), AST_OP_SHL, $1, $3); }
	| expr_ns OP_SHR expr { $$ = ast_bin(CX, L(@$), AST_OP_SHR, $1, $3); }
	| expr_ns '+' expr { $$ = ast_bin(CX, L(@$), AST_OP_ADD, $1, $3); }
	| expr_ns '-' expr { $$ = ast_bin(CX, L(@$), AST_OP_SUB, $1, $3); }
	| expr_ns '*' expr { $$ = ast_bin(CX, L(@$), AST_OP_MUL, $1, $3); }
	| expr_ns '/' expr { $$ = ast_bin(CX, L(@$), AST_OP_DIV, $1, $3); }
	| expr_ns '%' expr { $$ = ast_bin(CX, L(@$), AST_OP_MOD, $1, $3); }
	;

unary
	: unary_ns { $$ = $1; }
	| block { $$ = $1; }
	| if_expr { $$ = $1; }
	;

unary_ns
	: postfix { $$ = $1; }
	| '-' unary { $$ = ast_un(CX, L(@$), AST_OP_NEG, $2, false); }
	| '!' unary { $$ = ast_un(CX, L(@$), AST_OP_NOT, $2, false); }
	| '~' unary { $$ = ast_un(CX, L(@$), AST_OP_BNOT, $2, false); }
	| '*' unary { $$ = ast_un(CX, L(@$), AST_OP_DEREF, $2, false); }
	| '&' unary { $$ = addr_new(ps, @$, $2); }
	| OP_INC unary { $$ = incdec_new(ps, @$, @2, AST_OP_INC, $2, false); }
	| OP_DEC unary { $$ = incdec_new(ps, @$, @2, AST_OP_DEC, $2, false); }
	| CAST_LPAREN type ')' unary {
		$$ = ast_new(CX, AST_CAST, L(@$));
		$$->cast.typ = $2;
		$$->cast.e = $4;
	}
	| KW_COMPTIME unary {
		$$ = ast_new(CX, AST_COMPTIME, L(@$));
		$$->size.arg = $2;
	}
	;

postfix
	: primary { $$ = $1; }
	| postfix '.' field_name {
		$$ = ast_new(CX, AST_FIELD, L(@$));
		$$->field.e = $1;
		$$->field.name = str_intern0(&CX->arena, $3);
	}
	| postfix '.' INT {
		$$ = ast_new(CX, AST_TUPLE_INDEX, L(@$));
		$$->tindex.e = $1;
		$$->tindex.idx = (uint32_t)$3;
	}
	| postfix OP_ARROW field_name {
		$$ = ast_new(CX, AST_FIELD, L(@$));
		$$->field.e = $1;
		$$->field.name = str_intern0(&CX->arena, $3);
		$$->field.is_arrow = true;
	}
	| postfix '[' expr ']' {
		$$ = ast_new(CX, AST_INDEX, L(@$));
		$$->index.e = $1;
		$$->index.index = $3;
	}
	| postfix OP_INC { $$ = incdec_new(ps, @$, @2, AST_OP_INC, $1, true); }
	| postfix OP_DEC { $$ = incdec_new(ps, @$, @2, AST_OP_DEC, $1, true); }
	;

primary
	: INT { $$ = ast_int(CX, L(@1), $1); }
	| STRING { $$ = ast_str(CX, L(@1), $1.s, $1.len); }
	| KW_TRUE { $$ = bool_new(ps, @1, true); }
	| KW_FALSE { $$ = bool_new(ps, @1, false); }
	| VAR { $$ = ast_var(CX, L(@1), $1.s); }
	| POSPARAM {
		$$ = ast_new(CX, AST_POSPARAM, L(@1));
		$$->pos.n = (uint32_t)$1;
	}
	| POSCOUNT { $$ = ast_new(CX, AST_POSPARAM, L(@1)); }
	| IDENT { $$ = ast_ident(CX, L(@1), $1.s); }
	| map { $$ = $1; }
	| call { $$ = $1; }
	| paren { $$ = $1; }
	| KW_SIZEOF '(' expr ')' {
		$$ = ast_new(CX, AST_SIZEOF, L(@$));
		$$->size.arg = $3;
	}
	| KW_SIZEOF TYPE_LPAREN type ')' {
		$$ = ast_new(CX, AST_SIZEOF, L(@$));
		$$->size.arg = $3;
	}
	| KW_TYPEOF '(' expr ')' {
		$$ = ast_new(CX, AST_TYPEOF, L(@$));
		$$->size.arg = $3;
	}
	| KW_TYPEOF TYPE_LPAREN type ')' {
		$$ = ast_new(CX, AST_TYPEOF, L(@$));
		$$->size.arg = $3;
	}
	| KW_OFFSETOF '(' expr ',' offsetof_fields ')' { $$ = offsetof_new(ps, @$, $3, $5); }
	| KW_OFFSETOF TYPE_LPAREN type ',' offsetof_fields ')' {
		$$ = offsetof_new(ps, @$, $3, $5);
	}
	;

/* offsetof(struct x, a.b.c): the fields are collected as identifiers */
offsetof_fields
	: IDENT { $$ = ast_ident(CX, L(@1), $1.s); }
	| offsetof_fields '.' IDENT { $$ = $1; ast_append(&$$, ast_ident(CX, L(@3), $3.s)); }
	;

/* a field may be named like a keyword: args.type, $s->for */
field_name
	: IDENT { $$ = $1.s; }
	| KW_IF { $$ = "if"; }
	| KW_ELSE { $$ = "else"; }
	| KW_WHILE { $$ = "while"; }
	| KW_FOR { $$ = "for"; }
	| KW_UNROLL { $$ = "unroll"; }
	| KW_BREAK { $$ = "break"; }
	| KW_CONTINUE { $$ = "continue"; }
	| KW_RETURN { $$ = "return"; }
	| KW_LET { $$ = "let"; }
	| KW_IMPORT { $$ = "import"; }
	| KW_SIZEOF { $$ = "sizeof"; }
	| KW_OFFSETOF { $$ = "offsetof"; }
	| KW_TYPEOF { $$ = "typeof"; }
	| KW_COMPTIME { $$ = "comptime"; }
	| KW_TRUE { $$ = "true"; }
	| KW_FALSE { $$ = "false"; }
	| KW_STRUCT { $$ = "struct"; }
	| KW_UNION { $$ = "union"; }
	| KW_ENUM { $$ = "enum"; }
	;

map
	: MAP %prec MAP_ALONE { $$ = ast_map(CX, L(@1), $1.s, NULL); }
	| MAP '[' expr_list ']' { $$ = ast_map(CX, L(@$), $1.s, $3.head); }
	;

/* f(a, b); a macro may also be called as m!(a, b); typeinfo(struct x) takes a type */
call
	: IDENT '(' args ')' { $$ = ast_call(CX, L(@$), $1.s, $3.head); }
	| IDENT '!' '(' args ')' { $$ = ast_call(CX, L(@$), $1.s, $4.head); }
	| IDENT TYPE_LPAREN type ')' { $$ = ast_call(CX, L(@$), $1.s, $3); } /* typeinfo(T) */
	;

args
	: %empty { $$.head = $$.tail = NULL; }
	| expr_list { $$ = $1; }
	;

expr_list
	: expr { $$.head = $$.tail = $1; }
	| expr_list ',' expr { $$ = $1; list_push(&$$, $3); }
	;

/* (e)  ()  (e,)  (a, b, c)  (name = e, other = f) */
paren
	: '(' expr ')' { $$ = $2; }
	| '(' ')' { $$ = tuple_new(ps, @$, NULL); }
	| '(' expr ',' ')' { $$ = tuple_new(ps, @$, $2); }
	| '(' expr ',' expr_list ')' { $2->next = $4.head; $$ = tuple_new(ps, @$, $2); }
	| '(' expr ',' expr_list ',' ')' { $2->next = $4.head; $$ = tuple_new(ps, @$, $2); }
	| RECORD_LPAREN named_list ')' { $$ = record_new(ps, @$, $2.head); }
	;

named_list
	: IDENT '=' expr { $$.head = $$.tail = named_new(ps, @$, $1.s, $3); }
	| named_list ',' IDENT '=' expr {
		$$ = $1;
		list_push(&$$, named_new(ps, loc_span(@3, @5), $3.s, $5));
	}
	;

if_expr
	: KW_IF unary block KW_ELSE else_expr { $$ = if_new(ps, @$, $2, $3, $5); }
	| KW_IF unary block { $$ = if_new(ps, @$, $2, $3, NULL); }
	;

else_expr
	: block { $$ = $1; }
	| if_expr { $$ = $1; }
	;

/* ---- types: int32, struct task_struct *, string[16], int8*[4], typeof($x) ---- */

type
	: type_base { $$ = $1; }
	| type '*' { $$ = type_ptr(ps, @$, $1); }
	| type '[' INT ']' { $$ = type_array(ps, @$, $1, $3, true); }
	| type '[' ']' { $$ = type_array(ps, @$, $1, 0, false); }
	;

type_base
	: IDENT { $$ = type_new(ps, @$, $1.s, NULL); }
	| KW_STRUCT IDENT { $$ = type_new(ps, @$, "struct", $2.s); }
	| KW_UNION IDENT { $$ = type_new(ps, @$, "union", $2.s); }
	| KW_ENUM IDENT { $$ = type_new(ps, @$, "enum", $2.s); }
	| KW_TYPEOF '(' expr ')' {
		$$ = ast_new(CX, AST_TYPEOF, L(@$));
		$$->size.arg = $3;
	}
	| KW_TYPEOF TYPE_LPAREN type ')' {
		$$ = ast_new(CX, AST_TYPEOF, L(@$));
		$$->size.arg = $3;
	}
	;

%%

/* "syntax: unexpected X, expecting A, B or C". When many tokens would do (any
 * operator, say), only the closing ones among them are named. A syntax error right
 * after a lexical error is a consequence of it and is not reported. */
static int yyreport_syntax_error(const yypcontext_t *ctx, struct pstate *ps)
{
	static const int closers[] = { ';', '}', ')', ']', ',', ':', TOK_ENDPRED };
	yysymbol_kind_t expected[YYNTOKENS], shown[YYNTOKENS];
	yysymbol_kind_t tok = yypcontext_token(ctx);
	int n = yypcontext_expected_tokens(ctx, expected, YYNTOKENS), n_shown = 0;
	struct sbuf b = { 0 };

	ps->n_syntax_errors++;
	ps->last_error_off = yypcontext_location(ctx)->off;
	ps->in_err_stmt = true;
	ps->err_stmt_ending = false;
	if (lex_tokens_since_error(ps->lx) <= 1)
		return 0;
	if (n <= 4) {
		for (int i = 0; i < n; i++) {
			/* the kinds of '(' print alike: name one */
			if (expected[i] == YYTRANSLATE(TOK_CAST_LPAREN) ||
			    expected[i] == YYTRANSLATE(TOK_RECORD_LPAREN) ||
			    expected[i] == YYTRANSLATE(TOK_TYPE_LPAREN))
				expected[i] = YYTRANSLATE('(');
			bool dup = false;

			for (int k = 0; k < n_shown; k++)
				dup |= shown[k] == expected[i];
			if (!dup)
				shown[n_shown++] = expected[i];
		}
	} else {
		for (size_t k = 0; k < ARRAY_SIZE(closers); k++)
			for (int i = 0; i < n; i++)
				if (expected[i] == YYTRANSLATE(closers[k]))
					shown[n_shown++] = expected[i];
	}
	if (n == 1 && expected[0] == YYTRANSLATE(TOK_MAP) && tok == YYTRANSLATE(TOK_VAR)) {
		diag_error(ps->cx->diag, L(*yypcontext_location(ctx)),
			   "syntax: root-level let statements need to be map declarations, e.g. "
			   "let @a = hash(2);");
		return 0;
	}
	sbuf_puts(&b, "syntax: unexpected ");
	put_symbol(&b, yysymbol_name(tok));
	for (int i = 0; i < n_shown; i++) {
		sbuf_puts(&b, i == 0 ? ", expecting " : i == n_shown - 1 ? " or " : ", ");
		put_symbol(&b, yysymbol_name(shown[i]));
	}
	diag_error(ps->cx->diag, L(*yypcontext_location(ctx)), "%s", sbuf_str(&b));
	sbuf_fini(&b);
	return 0;
}

/* ---- node builders used by the actions ---- */

/* An error found by an action. Quiet while bison recovers from a syntax error, in
 * the rest of the statement of a syntax error and for constructs that start at or
 * before the last syntax error: such errors are usually its consequences. */
static void perr(struct pstate *ps, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (ps->recovering || ps->in_err_stmt ||
	    (ps->n_syntax_errors && loc.off <= ps->last_error_off))
		return;
	va_start(ap, fmt);
	diag_vmsg(ps->cx->diag, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
}

static void list_push(struct lex_list *l, struct ast_node *n)
{
	if (!n)
		return;
	if (!l->head)
		l->head = n;
	else
		l->tail->next = n;
	l->tail = n;
	while (l->tail->next)
		l->tail = l->tail->next;
}

static struct lex_loc loc_span(struct lex_loc a, struct lex_loc b)
{
	struct lex_loc r = a;

	r.end = b.end;
	r.end_line = b.end_line;
	r.end_col = b.end_col;
	return r;
}

static struct ast_node *prog_new(struct pstate *ps, struct lex_loc l, struct ast_node *items)
{
	struct ast_node *n = ast_new(CX, AST_PROGRAM, L(l));

	n->program.items = items;
	return n;
}

static struct ast_node *bool_new(struct pstate *ps, struct lex_loc l, bool v)
{
	struct ast_node *n = ast_new(CX, AST_BOOL, L(l));

	n->boolean.v = v;
	return n;
}

static void check_c_order(struct pstate *ps, struct ast_node *n)
{
	if (ps->seen_main || ps->seen_preamble)
		perr(ps, n->loc,
			   "syntax: C definitions must appear before probes and functions");
}

static struct ast_node *map_decl_new(struct pstate *ps, struct lex_loc l, const char *name,
				     const char *fn, struct lex_loc call_loc, uint64_t n,
				     struct lex_loc n_loc)
{
	struct ast_node *d = ast_new(CX, AST_MAP_DECL, L(l));

	d->map_decl.name = name;
	d->map_decl.init = ast_call(CX, L(call_loc), fn, ast_int(CX, L(n_loc), n));
	return d;
}

static struct ast_node *attach_new(struct pstate *ps, struct lex_loc l, const char *raw,
				   uint32_t len)
{
	struct ast_node *n = ast_new(CX, AST_ATTACH, L(l));

	parse_attach_fill(CX, ps->opts, n, raw, len);
	return n;
}

static struct ast_node *block_new(struct pstate *ps, struct lex_loc l, struct ast_node *stmts,
				  struct ast_node *e)
{
	struct ast_node *n = ast_new(CX, e ? AST_BLOCK_EXPR : AST_BLOCK, L(l));

	n->block.stmts = stmts;
	n->block.expr = e;
	return n;
}

/* A block expression, if or block in statement position: values become statements
 * (an if or block value stays a statement of its own, anything else is wrapped in
 * an AST_EXPR_STMT), recursively through if branches. */
static struct ast_node *stmt_form(struct pstate *ps, struct ast_node *n)
{
	struct ast_node *v;

	if (!n)
		return n;
	switch (n->kind) {
	case AST_BLOCK_EXPR:
		v = n->block.expr;
		n->kind = AST_BLOCK;
		n->block.expr = NULL;
		if (v->kind == AST_IF || v->kind == AST_BLOCK || v->kind == AST_BLOCK_EXPR)
			ast_append(&n->block.stmts, stmt_form(ps, v));
		else
			ast_append(&n->block.stmts, expr_stmt_new_loc(ps, v));
		break;
	case AST_IF:
		stmt_form(ps, n->cond.then);
		stmt_form(ps, n->cond.els);
		break;
	default:
		break;
	}
	return n;
}

/* Appends @n (may be NULL) to a statement list. A bare if or block (no ';' after
 * it) may turn out to be the block's value; it is put in statement form as soon as
 * something follows it. */
static void list_add(struct pstate *ps, struct lex_list *l, struct ast_node *n, bool is_bare)
{
	if (l->is_bare && l->tail)
		stmt_form(ps, l->tail);
	l->is_bare = false;
	if (!n)
		return;
	list_push(l, n);
	l->is_bare = is_bare;
}

/* `{ stmts }`: a bare if or block at the end is the block's value. */
static struct ast_node *block_close(struct pstate *ps, struct lex_loc l, struct lex_list *stmts)
{
	struct ast_node *v, **pp;

	if (!stmts->is_bare || !stmts->tail)
		return block_new(ps, l, stmts->head, NULL);
	v = stmts->tail;
	for (pp = &stmts->head; *pp != v; pp = &(*pp)->next)
		;
	*pp = NULL;
	return block_new(ps, l, stmts->head, v);
}

static struct ast_node *expr_stmt_new(struct pstate *ps, struct lex_loc l, struct ast_node *e)
{
	struct ast_node *n = ast_new(CX, AST_EXPR_STMT, L(l));

	n->stmt.expr = e;
	return n;
}

static struct ast_node *expr_stmt_new_loc(struct pstate *ps, struct ast_node *e)
{
	struct ast_node *n = ast_new(CX, AST_EXPR_STMT, e->loc);

	(void)ps;
	n->stmt.expr = e;
	return n;
}

static struct ast_node *assign_new(struct pstate *ps, struct lex_loc l, struct ast_node *lhs,
				   int op, struct ast_node *rhs, struct lex_loc op_loc)
{
	struct ast_node *n;

	(void)op_loc;
	switch (lhs->kind) {
	case AST_VAR:
	case AST_MAP:
		break;
	case AST_IDENT:
		if (op == AST_OP_NONE && strcmp(lhs->ident.name, "_") == 0) {
			struct loc dl = lhs->loc;

			lhs = ast_new(CX, AST_DISCARD, dl);
			break;
		}
		perr(ps, L(l), "syntax: invalid assignment target");
		return NULL;
	case AST_FIELD:
	case AST_TUPLE_INDEX:
		perr(ps, L(l),
			   "syntax: Tuples and records are immutable once created. Consider "
			   "creating a new value and assigning it instead.");
		return NULL;
	default:
		perr(ps, L(l), "syntax: invalid assignment target");
		return NULL;
	}
	n = ast_new(CX, AST_ASSIGN, L(l));
	n->assign.lhs = lhs;
	n->assign.rhs = rhs;
	n->assign.op = (enum ast_op)op;
	return n;
}

static struct ast_node *let_new(struct pstate *ps, struct lex_loc l, const char *name,
				struct lex_loc name_loc, struct ast_node *typ,
				struct ast_node *init)
{
	struct ast_node *n = ast_new(CX, AST_LET, L(l));

	n->let.var = ast_var(CX, L(name_loc), name);
	n->let.typ = typ;
	n->let.init = init;
	return n;
}

static struct ast_node *jump_new(struct pstate *ps, struct lex_loc l, enum ast_jump kind,
				 struct ast_node *value)
{
	struct ast_node *n = ast_new(CX, AST_JUMP, L(l));

	n->jump.kind = kind;
	n->jump.value = value;
	return n;
}

static struct ast_node *loop_new(struct pstate *ps, struct lex_loc l, enum ast_kind kind,
				 struct ast_node *cond, struct ast_node *body)
{
	struct ast_node *n = ast_new(CX, kind, L(l));

	n->loop.cond = cond;
	n->loop.body = body;
	return n;
}

static struct ast_node *if_new(struct pstate *ps, struct lex_loc l, struct ast_node *cond,
			       struct ast_node *then, struct ast_node *els)
{
	struct ast_node *n = ast_new(CX, AST_IF, L(l));

	n->cond.cond = cond;
	n->cond.then = then;
	n->cond.els = els;
	return n;
}

static struct ast_node *for_new(struct pstate *ps, struct lex_loc l, const char *var,
				struct lex_loc var_loc, struct ast_node *a, struct ast_node *b,
				struct ast_node *body)
{
	struct ast_node *n;

	if (!b && (a->kind != AST_MAP || a->map.keys)) {
		perr(ps, a->loc, "syntax: expected map or range in for loop");
		return NULL;
	}
	n = ast_new(CX, b ? AST_FOR_RANGE : AST_FOR_MAP, L(l));
	n->for_.var = ast_var(CX, L(var_loc), var);
	n->for_.iter = a;
	n->for_.end = b;
	n->for_.body = body;
	return n;
}

static struct ast_node *ternary_new(struct pstate *ps, struct lex_loc l, struct ast_node *c,
				    struct ast_node *a, struct ast_node *b)
{
	struct ast_node *n = ast_new(CX, AST_TERNARY, L(l));

	n->cond.cond = c;
	n->cond.then = a;
	n->cond.els = b;
	return n;
}

static struct ast_node *addr_new(struct pstate *ps, struct lex_loc l, struct ast_node *e)
{
	if (e->kind != AST_VAR && !(e->kind == AST_MAP && !e->map.keys))
		perr(ps, L(l),
			   "syntax: address-of operator (&) can only be used on a map or variable");
	return ast_un(CX, L(l), AST_OP_ADDR, e, false);
}

/* @err_loc: the operand of a prefix ++, the operator of a postfix one (as bpftrace) */
static struct ast_node *incdec_new(struct pstate *ps, struct lex_loc l, struct lex_loc err_loc,
				   enum ast_op op, struct ast_node *e, bool is_postfix)
{
	if (e->kind != AST_VAR && e->kind != AST_MAP)
		perr(ps, L(err_loc), "syntax: increment/decrement requires a variable or map");
	return ast_un(CX, L(l), op, e, is_postfix);
}

static struct ast_node *offsetof_new(struct pstate *ps, struct lex_loc l, struct ast_node *typ,
				     struct ast_node *fields)
{
	struct ast_node *n = ast_new(CX, AST_OFFSETOF, L(l));
	uint32_t i = 0;

	n->offsetof_.typ = typ;
	n->offsetof_.n_fields = ast_list_len(fields);
	n->offsetof_.fields = arena_alloc(&CX->arena, sizeof(char *) * (n->offsetof_.n_fields + 1));
	for (; fields; fields = fields->next)
		n->offsetof_.fields[i++] = fields->ident.name;
	return n;
}

static struct ast_node *tuple_new(struct pstate *ps, struct lex_loc l, struct ast_node *elems)
{
	struct ast_node *n = ast_new(CX, AST_TUPLE, L(l));

	n->tuple.elems = elems;
	return n;
}

static struct ast_node *record_new(struct pstate *ps, struct lex_loc l, struct ast_node *elems)
{
	struct ast_node *n = ast_new(CX, AST_RECORD, L(l));

	for (struct ast_node *a = elems; a; a = a->next)
		for (struct ast_node *b = elems; b != a; b = b->next)
			if (a->named.name == b->named.name) {
				perr(ps, a->loc,
					   "syntax: Named argument list already contains name: %s",
					   a->named.name);
				break;
			}
	n->tuple.elems = elems;
	return n;
}

static struct ast_node *named_new(struct pstate *ps, struct lex_loc l, const char *name,
				  struct ast_node *e)
{
	struct ast_node *n = ast_new(CX, AST_NAMED, L(l));

	n->named.name = name;
	n->named.e = e;
	return n;
}

static struct ast_node *type_new(struct pstate *ps, struct lex_loc l, const char *kw,
				 const char *name)
{
	struct ast_node *n = ast_new(CX, AST_TYPE, L(l));

	n->typ.base = name ? str_intern0(&CX->arena, arena_printf(&CX->arena, "%s %s", kw, name))
			   : kw;
	return n;
}

static struct ast_node *type_ptr(struct pstate *ps, struct lex_loc l, struct ast_node *t)
{
	if (t->kind == AST_TYPE) {
		t->typ.n_ptr++;
		t->loc = L(l);
	} else {
		perr(ps, L(l), "syntax: a pointer to typeof() is not supported");
	}
	return t;
}

static struct ast_node *type_array(struct pstate *ps, struct lex_loc l, struct ast_node *t,
				   uint64_t n, bool has_n)
{
	if (t->kind != AST_TYPE) {
		perr(ps, L(l), "syntax: an array of typeof() is not supported");
		return t;
	}
	if (n > UINT32_MAX) {
		perr(ps, L(l), "syntax: array size %llu is too large",
			   (unsigned long long)n);
		n = 0;
	}
	t->loc = L(l);
	if (!t->typ.n_ptr && !t->typ.is_array && !t->typ.str_len && has_n &&
	    (strcmp(t->typ.base, "string") == 0 || strcmp(t->typ.base, "buffer") == 0 ||
	     strcmp(t->typ.base, "inet") == 0)) {
		t->typ.str_len = (uint32_t)n;
		return t;
	}
	if (t->typ.is_array)
		perr(ps, L(l), "syntax: multi-dimensional array types are not supported");
	t->typ.is_array = true;
	t->typ.array_len = (uint32_t)n;
	return t;
}

/* bison names string aliases with their double quotes: drop them */
static void put_symbol(struct sbuf *b, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(name, "\"'(' (", 6) == 0) {
		sbuf_puts(b, "'('");
		return;
	}
	if (n >= 2 && name[0] == '"' && name[n - 1] == '"')
		sbuf_put(b, name + 1, n - 2);
	else
		sbuf_puts(b, name);
}

struct ast_node *parse_expression(struct ast_ctx *cx, const struct src *s, bool quiet)
{
	static const struct parse_opts no_opts;
	struct pstate ps = { .cx = cx, .opts = &no_opts };
	struct diag *saved = cx->diag, local;
	char *buf = NULL;
	size_t len = 0;
	FILE *sink = NULL;
	unsigned errors_before;
	int rc;

	if (quiet) {
		sink = open_memstream(&buf, &len);
		if (!sink)
			return NULL;
		diag_init(&local, sink);
		cx->diag = &local;
	}
	errors_before = cx->diag->n_errors;
	ps.lx = lex_new_expr(cx, s);
	rc = scry_parse(&ps);
	lex_free(ps.lx);
	if (rc != 0 || ps.n_syntax_errors || cx->diag->n_errors != errors_before)
		ps.program = NULL;
	cx->diag = saved;
	if (sink) {
		fclose(sink);
		free(buf);
	}
	return ps.program;
}

struct ast_node *parse_program(struct ast_ctx *cx, const struct parse_opts *o)
{
	static const struct parse_opts no_opts;
	struct pstate ps = { .cx = cx, .opts = o ? o : &no_opts };
	unsigned errors_before = cx->diag->n_errors;
	int rc;

	ps.lx = lex_new(cx);
	rc = scry_parse(&ps);
	lex_free(ps.lx);
	if (rc != 0 || ps.n_syntax_errors || cx->diag->n_errors != errors_before || !ps.program)
		return NULL;
	return ps.program;
}
