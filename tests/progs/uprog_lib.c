/* uprog_lib.c — a small shared library used by the user-space tracing tests:
 * exported and local functions plus one USDT probe. */
#include <sys/sdt.h>

int uprog_lib_add(int a, int b);
long uprog_lib_mul(long a, long b);

static int __attribute__((noinline)) lib_helper(int x)
{
	return x * 3 + 1;
}

int __attribute__((noinline)) uprog_lib_add(int a, int b)
{
	STAP_PROBE2(uprog_lib, add, a, b);
	return lib_helper(a) + b;
}

long __attribute__((noinline)) uprog_lib_mul(long a, long b)
{
	return a * b;
}
