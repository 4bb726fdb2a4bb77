/* test_util.c — arena, interning, buffers, locations and the diagnostic printer. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "util/util.h"

static char *diag_text_style(struct src *s, uint32_t off, uint32_t len, const char *msg,
			     bool caret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	struct diag d;

	diag_init(&d, f);
	d.no_caret = !caret;
	diag_error(&d, src_loc(s, off, len), "%s", msg);
	fclose(f);
	return buf;
}

static char *diag_text(struct src *s, uint32_t off, uint32_t len, const char *msg)
{
	return diag_text_style(s, off, len, msg, true);
}

int main(void)
{
	struct arena a;
	const char *x, *y;
	struct sbuf b = { 0 };
	struct src *s;
	char *t;

	arena_init(&a);
	x = str_intern0(&a, "hello");
	y = str_intern(&a, "hello world", 5);
	ok(x == y, "equal strings intern to one pointer");
	ok(str_intern0(&a, "hellp") != x, "different strings differ");
	for (int i = 0; i < 5000; i++)
		str_intern0(&a, arena_printf(&a, "s%d", i));
	ok(str_intern0(&a, "s4999") == str_intern0(&a, "s4999"), "interning survives growth");
	ok(((uintptr_t)arena_alloc(&a, 3) & 15) == 0, "arena memory is 16-byte aligned");
	ok(arena_alloc(&a, 1 << 20) != NULL, "big arena blocks");
	arena_fini(&a);

	sbuf_printf(&b, "%d-%s", 42, "x");
	sbuf_putc(&b, '!');
	is_str(sbuf_str(&b), "42-x!", "sbuf formatting");
	sbuf_fini(&b);

	s = src_from_string("stdin", "config = { bad_config=raw } begin {}\nsecond\tline\n", 49);
	t = diag_text(s, 11, 14, "bad_config: not a known configuration option");
	is_str(t, "stdin:1:12-26: ERROR: bad_config: not a known configuration option\n"
		  "config = { bad_config=raw } begin {}\n"
		  "           ^~~~~~~~~~~~~~\n", "error with range and caret");
	free(t);
	t = diag_text_style(s, 11, 14, "m", false);
	is_str(t, "stdin:1:12-26: ERROR: m\n"
		  "config = { bad_config=raw } begin {}\n"
		  "           ~~~~~~~~~~~~~~\n", "bpftrace style: '~' only");
	free(t);
	t = diag_text(s, 43, 4, "x");
	is_str(t, "stdin:2:7-11: ERROR: x\nsecond    line\n      ^~~~~~~\n", "tabs expand to 4");
	free(t);
	t = diag_text(s, 30, 10, "multi");
	is_str(t, "stdin:1-2: ERROR: multi\nconfig = { bad_config=raw } begin {}\nsecond    line\n",
	       "multi-line range");
	free(t);
	src_free(s);
	{
		static const char *const tps[] = { "sys_enter_open", "sys_enter_openat",
						   "sys_enter_openat2", "sys_exit_openat" };
		static const char *const fields[] = { "pid", "tgid", "comm", "flags" };
		ok(util_edit_distance("kitten", "sitting") == 3, "edit distance kitten/sitting");
		ok(util_edit_distance("abcd", "acbd") == 1, "a swap of neighbours costs 1");
		ok(util_edit_distance("", "abc") == 3, "edit distance from empty");
		is_str(util_closest("sys_enter_opennat", tps, ARRAY_SIZE(tps)), "sys_enter_openat",
		       "closest tracepoint");
		is_str(util_closest("tgdi", fields, ARRAY_SIZE(fields)), "tgid", "closest field (swap)");
		is_str(util_closest("pdi", fields, ARRAY_SIZE(fields)), "pid", "short name, one edit");
		ok(util_closest("xyz", fields, ARRAY_SIZE(fields)) == NULL, "nothing close: NULL");
		ok(util_closest("pid", fields, ARRAY_SIZE(fields)) == NULL, "the name itself is skipped");
		ok(util_closest("x", NULL, 0) == NULL, "no candidates");
	}
	return done_testing();
}
