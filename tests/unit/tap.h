/* tap.h — a tiny TAP producer for the unit tests (header-only). */
#ifndef SCRY_TESTS_TAP_H
#define SCRY_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((unused))
static int is_str(const char *got, const char *want, const char *name)
{
	int r = ok(got && want && strcmp(got, want) == 0, "%s", name);

	if (!r) {
		printf("#   got:  '%s'\n", got ? got : "(null)");
		printf("#   want: '%s'\n", want ? want : "(null)");
	}
	return r;
}

__attribute__((unused))
static int is_int(long long got, long long want, const char *name)
{
	int r = ok(got == want, "%s", name);

	if (!r)
		printf("#   got: %lld, want: %lld\n", got, want);
	return r;
}

__attribute__((unused))
static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
