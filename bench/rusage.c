/* rusage.c — runs a command and prints its resource use on stderr as one line:
 * "wall_us user_us sys_us maxrss_kb minflt majflt status". Used by bench/startup.py:
 * being small, its forked child starts with a small RSS (ru_maxrss is the tool's own),
 * and unlike /usr/bin/time it reports CPU time in microseconds. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: rusage CMD [ARG]...\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%ld %ld %ld %ld %ld %ld %d\n",
		(long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000),
		(long)(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec),
		(long)(ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec),
		ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
