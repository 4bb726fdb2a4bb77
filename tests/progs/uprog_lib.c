/* uprog_lib.c — a small shared library used by the user-space tracing tests:
 * exported and local functions, an always-inlined function (for inlined
 * frames in stacks) and one USDT probe. */
#include <sys/sdt.h>

int uprog_lib_add(int a, int b);
long uprog_lib_mul(long a, long b);
int uprog_lib_inl(int x);

volatile int uprog_lib_sink;

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

static inline __attribute__((always_inline)) int lib_inlined(int x)
{
	uprog_lib_sink += x;
	uprog_lib_sink ^= x * 5;
	return uprog_lib_sink;
}

int __attribute__((noinline)) uprog_lib_inl(int x)
{
	int r = lib_inlined(x);

	uprog_lib_sink += r;
	return r + lib_inlined(r);
}
