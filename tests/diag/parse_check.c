/* parse_check.c — runs the front end alone (lexer + parser, optionally the -d ast
 * printer) on files. Used by the diag suite (parser cases), the corpus test and by
 * hand.
 *
 *   parse_check [-a] [-t] FILE...     diagnostics to stderr; -a prints the AST;
 *                                     -t prints the parse time
 *   parse_check --corpus DIR          parses every .bt file of DIR, prints TAP; also
 *                                     checks every node's location and that a clone of
 *                                     each tree prints the same
 *
 * The file name in diagnostics is the path as given. Exit status: 0 if every file
 * parsed without errors, else 1. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ast/ast.h"
#include "parser/parser.h"
#include "util/util.h"

static char *dump(const struct ast_node *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ast_print(f, n);
	fclose(f);
	return buf;
}

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

static int parse_one(const char *path, bool print_ast, bool timing, bool check_clone,
		     FILE *diag_out)
{
	struct src *s = src_from_file(path, path);
	struct diag d;
	struct ast_ctx cx;
	struct ast_node *prog;
	struct timespec t0, t1, c0, c1;

	if (!s) {
		fprintf(stderr, "parse_check: cannot read %s\n", path);
		return 1;
	}
	diag_init(&d, diag_out);
	ast_ctx_init(&cx, &d, s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	prog = parse_program(&cx, NULL);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (timing)
		fprintf(stderr, "%s: parsed in %.3f ms (cpu %.3f ms)\n", path,
			(double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
			(double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6);
	if (prog && print_ast)
		ast_print(stdout, prog);
	if (prog && check_clone && check_locs(s, prog, diag_out))
		prog = NULL;
	if (prog && check_clone) {
		char *a = dump(prog), *b = dump(ast_clone(&cx, prog));

		if (strcmp(a, b) != 0) {
			fprintf(diag_out, "# %s: the clone prints differently\n", path);
			prog = NULL;
		}
		free(a);
		free(b);
	}
	ast_ctx_fini(&cx);
	src_free(s);
	return prog ? 0 : 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int corpus(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	struct strvec files = { 0 };
	int failed = 0;

	if (!dp) {
		printf("Bail out! cannot open %s\n", dir);
		return 1;
	}
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);

		if (n > 3 && strcmp(e->d_name + n - 3, ".bt") == 0)
			strvec_push_owned(&files, xasprintf("%s/%s", dir, e->d_name));
	}
	closedir(dp);
	qsort(files.v, files.n, sizeof(char *), cmp_str);
	printf("1..%zu\n", files.n);
	for (size_t i = 0; i < files.n; i++) {
		int rc = parse_one(files.v[i], false, false, true, stdout);

		printf("%s %zu - %s\n", rc ? "not ok" : "ok", i + 1, files.v[i]);
		failed += rc;
	}
	printf("# %zu files, %d with errors\n", files.n, failed);
	strvec_fini(&files);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	bool print_ast = false, timing = false;
	int rc = 0, i = 1;

	if (argc == 3 && strcmp(argv[1], "--corpus") == 0)
		return corpus(argv[2]);
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-a") == 0)
			print_ast = true;
		else if (strcmp(argv[i], "-t") == 0)
			timing = true;
	}
	for (; i < argc; i++)
		rc |= parse_one(argv[i], print_ast, timing, false, stderr);
	return rc;
}
