/* wpoint.c — a watchpoint target for the runtime tests: maps a page at the
 * fixed address 0x10000000, waits 200 ms (for the tracer to attach), then
 *   w  writes its first byte (from the main thread),
 *   t  writes it from a thread created after the wait,
 *   x  copies a `ret` there and calls it (x86-64 only).
 * Usage: wpoint w|t|x */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define WP_ADDR ((void *)0x10000000)

static void *writer(void *p)
{
	*(volatile char *)p = 1;
	return NULL;
}

int main(int argc, char **argv)
{
	char mode = argc > 1 ? argv[1][0] : 'w';
	struct timespec ts = { 0, 200 * 1000000L };
	char *p = mmap(WP_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	pthread_t th;

	if (p != WP_ADDR)
		return 2;
	p[0] = (char)0xc3; /* ret */
	nanosleep(&ts, NULL);
	if (mode == 't') {
		if (pthread_create(&th, NULL, writer, p))
			return 3;
		pthread_join(th, NULL);
	} else if (mode == 'x') {
		__builtin___clear_cache(p, p + 1);
		((void (*)(void))(void *)p)();
	} else {
		writer(p);
	}
	return 0;
}
