/* verifier.c — reading the kernel verifier's log after a failed load: the
 * reason (its last meaningful line), the script line it was verifying (the
 * last BTF line-info comment "; <text> @ <file>:<line>" before the reason),
 * and helper calls the program type may not make. */
#include <stdlib.h>
#include <string.h>

#include "runtime/rt.h"
#include "util/util.h"

static bool is_trailer_line(const char *s, size_t n)
{
	static const char *const skip[] = { "processed ", "verification time", "stack depth",
					    "-- END PROG LOAD LOG --", "max_states_per_insn" };

	for (size_t i = 0; i < ARRAY_SIZE(skip); i++)
		if (n >= strlen(skip[i]) && strncmp(s, skip[i], strlen(skip[i])) == 0)
			return true;
	return false;
}

/* Lines that describe the program, not the problem: line-info comments,
 * instructions ("12: (61) r1 = ..."), state dumps and branch notes. */
static bool is_state_line(const char *s, size_t n)
{
	static const char *const pre[] = { ";", "cur state:", "old state:", "from ",
					   "func#", "Live regs", "last_idx", "regs=",
					   "mark_precise", "parent didn't" };
	size_t i = 0;

	for (size_t k = 0; k < ARRAY_SIZE(pre); k++)
		if (n >= strlen(pre[k]) && strncmp(s, pre[k], strlen(pre[k])) == 0)
			return true;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > 0 && i < n && s[i] == ':';
}

/* Parses "; <text> @ <file>:<line>" (a BTF line-info comment); 0 if not one. */
static uint32_t linfo_line(const char *l, size_t n)
{
	const char *at = NULL, *colon = NULL;

	if (n < 2 || l[0] != ';')
		return 0;
	for (const char *q = l; q + 2 < l + n; q++)
		if (q[0] == ' ' && q[1] == '@' && q[2] == ' ')
			at = q + 3;
	if (!at)
		return 0;
	for (const char *q = at; q < l + n; q++)
		if (*q == ':')
			colon = q;
	return colon ? (uint32_t)strtoul(colon + 1, NULL, 10) : 0;
}

void rt_verifier_reason(const char *log, struct sbuf *reason, uint32_t *src_line)
{
	const char *p, *why = NULL;
	size_t why_len = 0;

	*src_line = 0;
	for (p = log; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && !is_trailer_line(p, n) && !is_state_line(p, n)) {
			why = p;
			why_len = n;
		}
		p = e ? e + 1 : p + n;
	}
	if (why)
		sbuf_put(reason, why, why_len);
	for (p = log; *p && (!why || p < why);) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		uint32_t l = linfo_line(p, n);

		if (l)
			*src_line = l;
		p = e ? e + 1 : p + n;
	}
}

bool rt_verifier_helper(const char *log, struct sbuf *msg)
{
	static const char *const pats[] = { "helper call is not allowed in probe",
					    "program of this type cannot use helper" };

	for (size_t i = 0; i < ARRAY_SIZE(pats); i++) {
		const char *e = strstr(log, pats[i]);
		const char *c = NULL, *h;

		if (!e)
			continue;
		for (const char *q = log; q < e; q++)
			if (strncmp(q, " call ", 6) == 0)
				c = q + 6;
		if (!c || !(h = strchr(c, '#')) || h > e)
			continue;
		sbuf_puts(msg, "helper ");
		sbuf_put(msg, c, (size_t)(h - c));
		sbuf_puts(msg, " not allowed in probe");
		return true;
	}
	return false;
}

