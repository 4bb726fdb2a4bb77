/* openloop.c — a traced target for the runtime tests: opens PATH (default
 * /dev/null) N times with openat(2), optionally after a delay, then exits.
 * Usage: openloop N [PATH] [DELAY_MS] */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	const char *path = argc > 2 ? argv[2] : "/dev/null";
	long delay = argc > 3 ? atol(argv[3]) : 0;

	if (delay > 0) {
		struct timespec ts = { .tv_sec = delay / 1000, .tv_nsec = (delay % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	for (int i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);

		if (fd >= 0)
			close(fd);
	}
	return 0;
}
