/* uprog_sema.c — the USDT probe of uprog that has a semaphore (sdt.h turns
 * semaphores on for a whole translation unit, hence a file of its own). */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

void uprog_sema_probe(int i);

/* nonzero while a tracer is attached to usdt:uprog:with_sema */
unsigned short uprog_with_sema_semaphore __attribute__((section(".probes"), used));

void __attribute__((noinline)) uprog_sema_probe(int i)
{
	if (__builtin_expect(uprog_with_sema_semaphore, 0))
		STAP_PROBE1(uprog, with_sema, i);
}
