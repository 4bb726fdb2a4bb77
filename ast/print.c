/* print.c — the `-d ast` printer.
 *
 * One node a line, two spaces per depth, children below their parent in a fixed
 * order. A line is the node's kind name (ast/kinds.def) followed by what the node
 * holds itself: literal values (strings escaped and quoted), names, operators, the
 * attach point split into provider and parts, written types. Once sema has typed a
 * node its type follows as ` :: type`. Optional children are introduced by a label
 * line (predicate, else, value, returns, ...) so the shape stays unambiguous.
 *
 *   program
 *     probe
 *       attach "kprobe:vfs_read" provider=kprobe parts=[vfs_read]
 *       block
 *         expr_stmt
 *           call printf
 *             string "hi\n" */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "ast/ast.h"

static void print_node(FILE *out, const struct ast_node *n, int depth);

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

static void put_escaped(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		default:
			if (isprint(c))
				fputc(c, out);
			else
				fprintf(out, "\\x%02x", c);
		}
	}
	fputc('"', out);
}

static void put_str(FILE *out, const char *s)
{
	put_escaped(out, s ? s : "", s ? strlen(s) : 0);
}

static void put_type(FILE *out, const struct type *t, int depth)
{
	if (!t) {
		fputs("?", out);
		return;
	}
	if (depth > 8) {
		fputs("...", out);
		return;
	}
	switch (t->kind) {
	case TY_INT:
		fprintf(out, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
		break;
	case TY_STRING:
		fprintf(out, "string[%u]", t->size);
		break;
	case TY_BUFFER:
		fprintf(out, "buffer[%u]", t->size);
		break;
	case TY_POINTER:
		put_type(out, t->elem, depth + 1);
		fputs(" *", out);
		break;
	case TY_ARRAY:
		put_type(out, t->elem, depth + 1);
		fprintf(out, "[%u]", t->n);
		break;
	case TY_TUPLE:
	case TY_RECORD:
		fputc('(', out);
		for (uint32_t i = 0; i < t->n_fields; i++) {
			if (i)
				fputs(", ", out);
			if (t->kind == TY_RECORD && t->fields[i].name)
				fprintf(out, "%s=", t->fields[i].name);
			put_type(out, t->fields[i].type, depth + 1);
		}
		fputc(')', out);
		break;
	default:
		if (t->name)
			fputs(t->name, out);
		else
			fputs(type_kind_names[t->kind], out);
	}
}

/* The written type of an AST_TYPE node: "struct task_struct *", "int8 *[4]", "string[16]". */
static void put_type_node(FILE *out, const struct ast_node *n)
{
	fputs(n->typ.base ? n->typ.base : "?", out);
	if (n->typ.str_len)
		fprintf(out, "[%u]", n->typ.str_len);
	if (n->typ.n_ptr)
		fputc(' ', out);
	for (uint32_t i = 0; i < n->typ.n_ptr; i++)
		fputc('*', out);
	if (n->typ.is_array) {
		if (n->typ.array_len)
			fprintf(out, "[%u]", n->typ.array_len);
		else
			fputs("[]", out);
	}
}

static void print_list(FILE *out, const struct ast_node *n, int depth)
{
	for (; n; n = n->next)
		print_node(out, n, depth);
}

static void label(FILE *out, const char *what, const struct ast_node *n, int depth)
{
	if (!n)
		return;
	indent(out, depth);
	fprintf(out, "%s\n", what);
	print_list(out, n, depth + 1);
}

static const char *jump_name(enum ast_jump j)
{
	switch (j) {
	case JUMP_RETURN: return "return";
	case JUMP_BREAK: return "break";
	case JUMP_CONTINUE: return "continue";
	}
	return "?";
}

static void print_node(FILE *out, const struct ast_node *n, int depth)
{
	indent(out, depth);
	if ((unsigned)n->kind >= AST__COUNT) {
		fprintf(out, "<bad node %d>\n", (int)n->kind);
		return;
	}
	fputs(ast_kind_names[n->kind], out);
	/* the node's own data, on its line */
	switch (n->kind) {
	case AST_ATTACH:
		fputc(' ', out);
		put_str(out, n->attach.raw);
		if (n->attach.label)
			fprintf(out, " label=%s", n->attach.label);
		fputs(" provider=", out);
		put_str(out, n->attach.provider);
		fputs(" parts=[", out);
		for (uint32_t i = 0; i < n->attach.n_parts; i++) {
			if (i)
				fputs(", ", out);
			put_str(out, n->attach.parts[i]);
		}
		fputc(']', out);
		if (n->attach.has_wildcard)
			fputs(" wildcard", out);
		break;
	case AST_CONFIG:
		fprintf(out, " %s", n->config.key);
		break;
	case AST_INCLUDE:
		fprintf(out, n->include.is_system ? " <%s>" : " \"%s\"", n->include.path);
		break;
	case AST_IMPORT:
		fputc(' ', out);
		put_str(out, n->include.path);
		break;
	case AST_CDEF:
		fputc(' ', out);
		put_str(out, n->cdef.text);
		break;
	case AST_MACRO:
	case AST_FUNC_DEF:
		fprintf(out, " %s", n->macro.name);
		break;
	case AST_MAP_DECL:
		fprintf(out, " %s", n->map_decl.name);
		break;
	case AST_ASSIGN:
		if (n->assign.op != AST_OP_NONE)
			fprintf(out, " %s=", ast_op_names[n->assign.op]);
		break;
	case AST_JUMP:
		fprintf(out, " %s", jump_name(n->jump.kind));
		break;
	case AST_INT:
		fprintf(out, " %s%" PRIu64, n->num.is_negative ? "-" : "", n->num.v);
		break;
	case AST_STR:
		fputc(' ', out);
		put_escaped(out, n->str.s, n->str.len);
		break;
	case AST_BOOL:
		fputs(n->boolean.v ? " true" : " false", out);
		break;
	case AST_VAR:
		fprintf(out, " %s", n->var.name);
		break;
	case AST_MAP:
		fprintf(out, " %s", n->map.name);
		break;
	case AST_IDENT:
		fprintf(out, " %s", n->ident.name);
		break;
	case AST_POSPARAM:
		if (n->pos.n)
			fprintf(out, " $%u", n->pos.n);
		else
			fputs(" $#", out);
		break;
	case AST_CALL:
		fprintf(out, " %s", n->call.name);
		break;
	case AST_BINOP:
		fprintf(out, " %s", ast_op_names[n->bin.op]);
		break;
	case AST_UNOP:
		fprintf(out, " %s%s", ast_op_names[n->un.op], n->un.is_postfix ? " (post)" : "");
		break;
	case AST_FIELD:
		fprintf(out, " %s%s", n->field.is_arrow ? "->" : ".", n->field.name);
		break;
	case AST_TUPLE_INDEX:
		fprintf(out, " .%u", n->tindex.idx);
		break;
	case AST_NAMED:
		fprintf(out, " %s", n->named.name);
		break;
	case AST_OFFSETOF:
		fputc(' ', out);
		for (uint32_t i = 0; i < n->offsetof_.n_fields; i++)
			fprintf(out, "%s%s", i ? "." : "", n->offsetof_.fields[i]);
		break;
	case AST_TYPE:
		fputc(' ', out);
		put_type_node(out, n);
		break;
	default:
		break;
	}
	if (n->type) {
		fputs(" :: ", out);
		put_type(out, n->type, 0);
	}
	fputc('\n', out);

	/* children */
	switch (n->kind) {
	case AST_PROGRAM:
		print_list(out, n->program.items, depth + 1);
		break;
	case AST_PROBE:
		print_list(out, n->probe.attach, depth + 1);
		label(out, "predicate", n->probe.pred, depth + 1);
		print_list(out, n->probe.body, depth + 1);
		break;
	case AST_CONFIG:
		print_list(out, n->config.value, depth + 1);
		break;
	case AST_MACRO:
	case AST_FUNC_DEF:
		label(out, "params", n->macro.params, depth + 1);
		label(out, "returns", n->macro.ret, depth + 1);
		print_list(out, n->macro.body, depth + 1);
		break;
	case AST_MAP_DECL:
		print_list(out, n->map_decl.init, depth + 1);
		break;
	case AST_BLOCK:
		print_list(out, n->block.stmts, depth + 1);
		break;
	case AST_BLOCK_EXPR:
		print_list(out, n->block.stmts, depth + 1);
		label(out, "value", n->block.expr, depth + 1);
		break;
	case AST_EXPR_STMT:
		print_list(out, n->stmt.expr, depth + 1);
		break;
	case AST_ASSIGN:
		print_list(out, n->assign.lhs, depth + 1);
		print_list(out, n->assign.rhs, depth + 1);
		break;
	case AST_LET:
		print_list(out, n->let.var, depth + 1);
		print_list(out, n->let.typ, depth + 1);
		label(out, "init", n->let.init, depth + 1);
		break;
	case AST_IF:
	case AST_TERNARY:
		print_list(out, n->cond.cond, depth + 1);
		print_list(out, n->cond.then, depth + 1);
		label(out, "else", n->cond.els, depth + 1);
		break;
	case AST_WHILE:
	case AST_UNROLL:
		print_list(out, n->loop.cond, depth + 1);
		print_list(out, n->loop.body, depth + 1);
		break;
	case AST_FOR_MAP:
	case AST_FOR_RANGE:
		print_list(out, n->for_.var, depth + 1);
		print_list(out, n->for_.iter, depth + 1);
		print_list(out, n->for_.end, depth + 1);
		print_list(out, n->for_.body, depth + 1);
		break;
	case AST_JUMP:
		print_list(out, n->jump.value, depth + 1);
		break;
	case AST_MAP:
		print_list(out, n->map.keys, depth + 1);
		break;
	case AST_CALL:
		print_list(out, n->call.args, depth + 1);
		break;
	case AST_BINOP:
		print_list(out, n->bin.l, depth + 1);
		print_list(out, n->bin.r, depth + 1);
		break;
	case AST_UNOP:
		print_list(out, n->un.e, depth + 1);
		break;
	case AST_FIELD:
		print_list(out, n->field.e, depth + 1);
		break;
	case AST_INDEX:
		print_list(out, n->index.e, depth + 1);
		print_list(out, n->index.index, depth + 1);
		break;
	case AST_TUPLE_INDEX:
		print_list(out, n->tindex.e, depth + 1);
		break;
	case AST_CAST:
		print_list(out, n->cast.typ, depth + 1);
		print_list(out, n->cast.e, depth + 1);
		break;
	case AST_TUPLE:
	case AST_RECORD:
		print_list(out, n->tuple.elems, depth + 1);
		break;
	case AST_NAMED:
		print_list(out, n->named.e, depth + 1);
		break;
	case AST_SIZEOF:
	case AST_TYPEOF:
	case AST_COMPTIME:
		print_list(out, n->size.arg, depth + 1);
		break;
	case AST_OFFSETOF:
		print_list(out, n->offsetof_.typ, depth + 1);
		break;
	default:
		break;
	}
}

void ast_print(FILE *out, const struct ast_node *root)
{
	if (root)
		print_node(out, root, 0);
}
