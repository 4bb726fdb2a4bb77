/* closest.c — "did you mean" suggestions: the candidate nearest to a
 * misspelled name by edit distance.
 *
 * The distance is Damerau-Levenshtein in its "optimal string alignment" form
 * (insert, delete, substitute, swap two neighbours; each costs 1), which is
 * what typos look like. A candidate counts only if its distance is at most
 * max(1, strlen(name) / 3), so short names need a near-exact match and no
 * suggestion is made for unrelated words. */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

size_t util_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t w = lb + 1;
	/* three rows: i-2, i-1, i */
	size_t *rows = xmalloc(3 * w * sizeof(*rows));
	size_t *pp = rows, *p = rows + w, *c = rows + 2 * w;
	size_t d;

	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	d = p[lb];
	free(rows);
	return d;
}

const char *util_closest(const char *name, const char *const *cands, size_t n)
{
	size_t len = strlen(name);
	size_t limit = len / 3 > 1 ? len / 3 : 1;
	const char *best = NULL;
	size_t best_d = limit + 1;

	for (size_t i = 0; i < n; i++) {
		const char *c = cands[i];
		if (!c || !*c || !strcmp(c, name))
			continue;
		/* the length difference is a lower bound of the distance */
		size_t lc = strlen(c);
		if ((lc > len ? lc - len : len - lc) >= best_d)
			continue;
		size_t d = util_edit_distance(name, c);
		if (d < best_d) {
			best_d = d;
			best = c;
		}
	}
	return best;
}
