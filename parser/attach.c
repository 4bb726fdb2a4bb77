/* attach.c — splits an attach point as written into provider and parts.
 *
 *   kprobe:vfs_*            provider "kprobe", parts {"vfs_*"}, wildcard
 *   uprobe:/bin/bash:"f:x"  provider "uprobe", parts {"/bin/bash", "f:x"}
 *   name=t:sched:switch     label "name", provider "t", parts {"sched", "switch"}
 *   uprobe:$1:main          $1 replaced by the first positional parameter ("" if absent)
 *
 * Colons inside double quotes do not split; the quotes are dropped and a backslash
 * inside quotes escapes the next character. '*' and '?' outside quotes are wildcards. */
#include <ctype.h>
#include <string.h>

#include "parser/parser_int.h"

static bool is_label(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* `$N` at raw[i] (outside quotes): appends parameter N to @text. Returns the index
 * of the last character used, or reports and returns SIZE_MAX for `$0`, `$x`, `$`
 * and numbers that overflow. */
static size_t subst_param(struct ast_ctx *cx, const struct parse_opts *o, struct ast_node *ap,
			  const char *raw, size_t len, size_t i, struct sbuf *text)
{
	size_t j = i + 1;
	uint64_t n = 0;
	bool overflow = false;

	for (; j < len && isdigit((unsigned char)raw[j]) && !(j == i + 1 && raw[j] == '0'); j++) {
		unsigned d = (unsigned)(raw[j] - '0');

		if (n > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			n = n * 10 + d;
	}
	if (overflow) {
		diag_error(cx->diag, ap->loc,
			   "positional parameter is not valid: overflow error, maximum value "
			   "is %llu: %.*s",
			   (unsigned long long)UINT64_MAX, (int)(j - i - 1), raw + i + 1);
		return SIZE_MAX;
	}
	if (j == i + 1) {
		char c = i + 1 < len ? raw[i + 1] : ' ';

		diag_error(cx->diag, ap->loc,
			   "invalid trailing character for positional param: %c. Try quoting "
			   "this entire part if this is intentional e.g. \"$%c\".",
			   c, c);
		return SIZE_MAX;
	}
	if (n >= 1 && n <= o->n_pos_params && o->pos_params[n - 1])
		sbuf_puts(text, o->pos_params[n - 1]);
	return j - 1;
}

bool parse_attach_fill(struct ast_ctx *cx, const struct parse_opts *o, struct ast_node *ap,
		       const char *raw, uint32_t len)
{
	struct sbuf text = { 0 }, part = { 0 };
	struct ptrvec parts = { 0 };
	bool in_q = false, ok = true;
	size_t i, start = 0;

	/* label: `name=` before the first ':' */
	for (i = 0; i < len && raw[i] != ':' && raw[i] != '"'; i++) {
		if (raw[i] == '=') {
			if (is_label(raw, i)) {
				ap->attach.label = str_intern(&cx->arena, raw, i);
				start = i + 1;
			}
			break;
		}
	}

	/* positional parameters, outside quotes */
	for (i = start; i < len; i++) {
		char c = raw[i];

		if (c == '"') {
			in_q = !in_q;
		} else if (in_q && c == '\\' && i + 1 < len) {
			sbuf_putc(&text, c);
			c = raw[++i];
		} else if (!in_q && c == '$') {
			size_t last = subst_param(cx, o, ap, raw, len, i, &text);

			if (last == SIZE_MAX) {
				ok = false;
				break;
			}
			i = last;
			continue;
		}
		sbuf_putc(&text, c);
	}
	sbuf_str(&text);
	ap->attach.raw = str_intern(&cx->arena, text.s ? text.s : "", text.len);

	/* split on ':' outside quotes */
	in_q = false;
	for (i = 0; i <= text.len; i++) {
		char c = i < text.len ? text.s[i] : 0;

		if (i == text.len || (c == ':' && !in_q)) {
			ptrvec_push(&parts, (void *)str_intern(&cx->arena, part.s ? part.s : "",
							       part.len));
			sbuf_reset(&part);
			continue;
		}
		if (c == '"') {
			in_q = !in_q;
		} else if (in_q && c == '\\' && i + 1 < text.len) {
			sbuf_putc(&part, text.s[++i]);
		} else {
			if (!in_q && (c == '*' || c == '?'))
				ap->attach.has_wildcard = true;
			sbuf_putc(&part, c);
		}
	}
	ap->attach.provider = parts.n ? parts.v[0] : "";
	ap->attach.n_parts = parts.n ? (uint32_t)parts.n - 1 : 0;
	ap->attach.parts = arena_alloc(&cx->arena, sizeof(char *) * (ap->attach.n_parts + 1));
	for (i = 1; i < parts.n; i++)
		ap->attach.parts[i - 1] = parts.v[i];
	ptrvec_fini(&parts);
	sbuf_fini(&part);
	sbuf_fini(&text);
	return ok;
}
