/* sysnames.c — lookups over the generated syscall/errno tables (see
 * sysnames.h); the tables themselves live in the generated sysnames_tab.c. */
#include <string.h>

#include "util/sysnames.h"

const char *sysname_syscall(int64_t nr)
{
	if (nr >= 0 && (uint64_t)nr < sysname_n_syscall && sysname_syscall_tab[nr])
		return sysname_syscall_tab[nr];
	return "Unknown syscall";
}

int64_t sysname_syscall_nr(const char *name)
{
	for (unsigned i = 0; i < sysname_n_syscall; i++)
		if (sysname_syscall_tab[i] && !strcmp(sysname_syscall_tab[i], name))
			return i;
	return -1;
}

const char *sysname_strerror(int64_t e)
{
	if (e < 0)
		e = -e;
	if (e == 0)
		return "Success";
	if ((uint64_t)e < sysname_n_errno && sysname_errno_tab[e])
		return sysname_errno_tab[e];
	return "Unknown error";
}

int64_t sysname_errno_value(const char *name)
{
	for (unsigned i = 0; i < sysname_n_errno; i++)
		if (sysname_errno_id_tab[i] && !strcmp(sysname_errno_id_tab[i], name))
			return i;
	return -1;
}

bool sysname_const_value(const char *name, unsigned families, int64_t *value)
{
	for (const struct sysname_const *c = sysname_consts; c->name; c++)
		if ((c->family & families) && !strcmp(c->name, name)) {
			*value = c->value;
			return true;
		}
	return false;
}

const char *sysname_signal(int64_t sig)
{
	const char *d;

	if (sig < 0 || sig > 64)
		return "N/A";
	d = strsignal((int)sig);
	return d ? d : "N/A";
}
