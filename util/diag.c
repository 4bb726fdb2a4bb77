/* diag.c — diagnostics with source context.
 *
 * Format (compatible with bpftrace's, with a caret at the start of the range):
 *   stdin:1:12-26: ERROR: bad_config: not a known configuration option
 *   config = { bad_config=raw } begin {}
 *              ^~~~~~~~~~~~~
 * (all '~' with diag.no_caret, bpftrace's own style). The column range is
 * start-(end+1), 1-based. A range spanning lines prints "file:L1-L2:" and every
 * line of it, without an underline. Tabs print as 4 spaces. */
#include "util/util.h"

#include <string.h>

void diag_init(struct diag *d, FILE *out)
{
	memset(d, 0, sizeof(*d));
	d->out = out;
}

void diag_format_loc(struct sbuf *b, struct loc loc)
{
	if (loc.src)
		sbuf_printf(b, "%s:", loc.src->name);
	if (loc.end_line != loc.line)
		sbuf_printf(b, "%u-%u", loc.line, loc.end_line);
	else
		sbuf_printf(b, "%u:%u-%u", loc.line, loc.col,
			    loc.len ? loc.end_col + 1 : loc.col + 1);
}

static void put_expanded(FILE *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\t')
			fputs("    ", out);
		else
			fputc(p[i], out);
	}
	fputc('\n', out);
}

void diag_print_context(FILE *out, struct loc loc)
{
	diag_print_context_style(out, loc, true);
}

void diag_print_context_style(FILE *out, struct loc loc, bool caret)
{
	const char *line;
	size_t n;

	if (!loc.src || loc.line == 0)
		return;
	if (loc.end_line != loc.line) {
		for (uint32_t l = loc.line; l <= loc.end_line; l++) {
			line = src_line(loc.src, l, &n);
			put_expanded(out, line, n);
		}
		return;
	}
	line = src_line(loc.src, loc.line, &n);
	put_expanded(out, line, n);
	uint32_t end = loc.len ? loc.end_col : loc.col; /* inclusive, 1-based */
	for (uint32_t x = 1; x <= end; x++) {
		const char *mark = x < loc.col ? " " : x == loc.col && caret ? "^" : "~";
		bool tab = x - 1 < n && line[x - 1] == '\t';

		if (x - 1 >= n && x > loc.col)
			break;
		if (tab)
			for (int i = 0; i < 4; i++)
				fputs(x == loc.col && i ? "~" : mark, out);
		else
			fputs(mark, out);
	}
	fputc('\n', out);
}

static const char *level_name(enum diag_level lvl)
{
	switch (lvl) {
	case DIAG_ERROR:
		return "ERROR";
	case DIAG_WARNING:
		return "WARNING";
	case DIAG_NOTE:
		return "NOTE";
	case DIAG_HINT:
		return "HINT";
	}
	return "?";
}

void diag_vmsg(struct diag *d, enum diag_level lvl, struct loc loc, const char *fmt, va_list ap)
{
	struct sbuf b = { 0 };

	if (lvl == DIAG_ERROR) {
		d->n_errors++;
		d->last_printed = d->n_errors <= DIAG_MAX_ERRORS;
		if (!d->last_printed)
			return;
	} else if (lvl == DIAG_WARNING) {
		d->n_warnings++;
		d->last_printed = !d->no_warnings;
		if (!d->last_printed)
			return;
	} else if (!d->last_printed) {
		return;
	}
	if (loc.src && lvl != DIAG_HINT) {
		diag_format_loc(&b, loc);
		sbuf_puts(&b, ": ");
	}
	sbuf_printf(&b, "%s: ", level_name(lvl));
	sbuf_vprintf(&b, fmt, ap);
	fprintf(d->out, "%s\n", sbuf_str(&b));
	if (!d->quiet_locs && lvl != DIAG_HINT)
		diag_print_context_style(d->out, loc, !d->no_caret);
	fflush(d->out);
	sbuf_fini(&b);
}

void diag_error(struct diag *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg(d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
}

void diag_warning(struct diag *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg(d, DIAG_WARNING, loc, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vmsg(d, DIAG_NOTE, loc, fmt, ap);
	va_end(ap);
}

void diag_hint(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	struct loc none = { 0 };

	va_start(ap, fmt);
	diag_vmsg(d, DIAG_HINT, none, fmt, ap);
	va_end(ap);
}

void diag_plain_error(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	struct loc none = { 0 };

	va_start(ap, fmt);
	diag_vmsg(d, DIAG_ERROR, none, fmt, ap);
	va_end(ap);
}
