/* print.c — the `-d ast` printer (filled in by the front end). */
#include "ast/ast.h"

void ast_print(FILE *out, const struct ast_node *root)
{
	(void)root;
	fprintf(out, "Program\n");
}
