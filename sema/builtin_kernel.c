/* builtin_kernel.c — builtins of kernel probes whose types come from BTF:
 * `retval` of fexit is the "retval" field of the args record that
 * probes/fentry.c built from the function's FUNC_PROTO. */
#include <string.h>

#include "sema/sema_int.h"

const struct type *sema_kernel_retval(struct sema *s)
{
	const struct probe_ctx *pc = s->pctx;
	const struct type *rec = pc && pc->kind == PCTX_TRAMPOLINE ? pc->args : NULL;

	for (uint32_t i = 0; rec && i < rec->n_fields; i++)
		if (rec->fields[i].name && strcmp(rec->fields[i].name, "retval") == 0)
			return rec->fields[i].type;
	return NULL;
}
