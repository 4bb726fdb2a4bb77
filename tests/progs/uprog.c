/* uprog.c — target program for the user-space tracing tests (uprobes, USDT,
 * symbolization). Built several ways by tests/meson.build: with and without
 * debug info, PIE and non-PIE, linked against uprog_lib.
 *
 * Usage: uprog [N]   calls the probed functions N times (default 1), sleeping
 * 100ms between rounds when N > 1, so a tracer can attach meanwhile. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

int uprog_lib_add(int a, int b);
long uprog_lib_mul(long a, long b);
int uprobe_func1(int n);
long uprobe_func2(long a, const char *s);
void uprobe_loop_body(int i);
void uprog_sema_probe(int i);

/* a struct parameter, for DWARF argument and type tests */
struct uprog_pair {
	int a;
	long b;
	char name[8];
	struct uprog_pair *next;
	unsigned flag : 3;
	unsigned mode : 5;
};
long uprobe_struct_func(struct uprog_pair *p, const char *s, unsigned char c);

volatile long uprog_sink;
static const char greeting[] = "hello";

int __attribute__((noinline)) uprobe_func1(int n)
{
	uprog_sink += n;
	return n + 1;
}

long __attribute__((noinline)) uprobe_func2(long a, const char *s)
{
	uprog_sink += a + s[0];
	return a * 2;
}

long __attribute__((noinline)) uprobe_struct_func(struct uprog_pair *p, const char *s,
						 unsigned char c)
{
	return p->a + p->b + s[0] + c + p->flag; /* uprog.c: struct func line */
}

static int __attribute__((noinline)) local_func(int x)
{
	uprog_sink ^= x;
	return x - 1;
}

void __attribute__((noinline)) uprobe_loop_body(int i)
{
	int8_t small = (int8_t)-i;
	uint16_t u16 = (uint16_t)(i * 7);
	long big = -1234567890123L + i;
	unsigned long arr[2] = { (unsigned long)i, 42 };
	volatile unsigned long *pa = arr;

	STAP_PROBE(uprog, no_args);
	STAP_PROBE1(uprog, const_arg, 5);
	STAP_PROBE3(uprog, three_args, small, u16, big);
	STAP_PROBE2(uprog, str_arg, greeting, pa[1]);
	STAP_PROBE1(uprog, global_arg, uprog_sink);
	uprog_sema_probe(i);
	uprobe_func1(i);
	uprobe_func2(i, greeting);
	local_func(i);
	{
		struct uprog_pair pair = { i, 2, "pair", NULL, 1, 2 };

		uprog_sink += uprobe_struct_func(&pair, greeting, 'x');
	}
	uprog_sink += uprog_lib_add(i, 2) + uprog_lib_mul(i, 3);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < n; i++) {
		uprobe_loop_body(i);
		if (n > 1)
			nanosleep(&ts, NULL);
	}
	return 0;
}
