/* src.c — source buffers and location arithmetic. A source is read whole into
 * memory once; locations are byte ranges into it, with line/col computed on demand. */
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct src *src_new(const char *name, char *text, size_t len)
{
	struct src *s = xcalloc(1, sizeof(*s));

	s->name = xstrdup(name);
	s->text = text;
	s->len = len;
	return s;
}

struct src *src_from_string(const char *name, const char *text, size_t len)
{
	char *t = xmalloc(len + 1);

	memcpy(t, text, len);
	t[len] = 0;
	return src_new(name, t, len);
}

struct src *src_from_file(const char *path, const char *display_name)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct sbuf b = { 0 };
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sbuf_put(&b, chunk, n);
	if (ferror(f)) {
		int e = errno;

		if (f != stdin)
			fclose(f);
		sbuf_fini(&b);
		errno = e ? e : EIO;
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	sbuf_str(&b);
	return src_new(display_name ? display_name : path, b.s, b.len);
}

void src_free(struct src *s)
{
	if (!s)
		return;
	free((char *)s->name);
	free((char *)s->text);
	free(s);
}

const char *src_line(const struct src *s, uint32_t line, size_t *len)
{
	const char *p = s->text, *end = s->text + s->len, *nl;

	for (uint32_t l = 1; l < line && p < end; l++) {
		nl = memchr(p, '\n', end - p);
		if (!nl) {
			p = end;
			break;
		}
		p = nl + 1;
	}
	nl = memchr(p, '\n', end - p);
	*len = (nl ? nl : end) - p;
	return p;
}

static void pos_of(const struct src *s, uint32_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1, c = 1;

	if (off > s->len)
		off = s->len;
	for (uint32_t i = 0; i < off; i++) {
		if (s->text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

struct loc src_loc(const struct src *s, uint32_t off, uint32_t len)
{
	struct loc l = { .src = s, .off = off, .len = len };

	pos_of(s, off, &l.line, &l.col);
	if (len == 0) {
		l.end_line = l.line;
		l.end_col = l.col;
	} else {
		pos_of(s, off + len - 1, &l.end_line, &l.end_col);
	}
	return l;
}

struct loc loc_join(struct loc a, struct loc b)
{
	uint32_t start, end;

	if (!a.src)
		return b;
	if (!b.src || a.src != b.src)
		return a;
	start = a.off < b.off ? a.off : b.off;
	end = a.off + a.len > b.off + b.len ? a.off + a.len : b.off + b.len;
	return src_loc(a.src, start, end - start);
}
