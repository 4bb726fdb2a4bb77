/* child.c — the -c CMD child process.
 *
 * As bpftrace does: the command is split on spaces (no shell, no quoting),
 * its program is looked up in PATH before forking (a missing program is an
 * error up front), and the child is forked at once but waits, blocked on a
 * pipe, until the probes are attached; then it execs. A second pipe, closed
 * by a successful exec (O_CLOEXEC), carries the exec error back otherwise.
 * The child gets SIGKILL when the tracer dies (PR_SET_PDEATHSIG), so it never
 * outlives it, whatever ends the tracer. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/rt.h"
#include "util/util.h"

struct rt_child {
	pid_t pid;
	int go_fd;      /* write end: one byte lets the child exec */
	int result_fd;  /* read end: EOF = exec succeeded, else an error text */
	bool started;
	bool exited;
	int status;
};

static bool is_exec_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The program of @name: itself when it has a '/', else the first match in PATH. */
static char *resolve_program(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL;

	if (strchr(name, '/'))
		return is_exec_file(name) ? xstrdup(name) : NULL;
	copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *dir ? dir : ".", name);

		if (is_exec_file(p)) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

struct rt_child *rt_child_spawn(const char *cmd)
{
	struct strvec args = { 0 };
	struct rt_child *c;
	char *copy = xstrdup(cmd), *save = NULL, *prog;
	int go[2], result[2];
	pid_t pid, parent = getpid();

	for (char *a = strtok_r(copy, " ", &save); a; a = strtok_r(NULL, " ", &save))
		strvec_push(&args, a);
	free(copy);
	if (!args.n) {
		fprintf(stderr, "ERROR: Failed to fork child: Empty command\n");
		strvec_fini(&args);
		return NULL;
	}
	prog = resolve_program(args.v[0]);
	if (!prog) {
		fprintf(stderr,
			"ERROR: Failed to fork child: Path '%s' does not exist or is not executable\n",
			args.v[0]);
		strvec_fini(&args);
		return NULL;
	}
	strvec_push_owned(&args, NULL); /* argv terminator */
	args.n--;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(result, O_CLOEXEC) < 0) {
		fprintf(stderr, "ERROR: Failed to fork child: %s\n", strerror(errno));
		free(prog);
		strvec_fini(&args);
		return NULL;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ERROR: Failed to fork child: %s\n", strerror(errno));
		close(go[0]);
		close(go[1]);
		close(result[0]);
		close(result[1]);
		free(prog);
		strvec_fini(&args);
		return NULL;
	}
	if (pid == 0) {
		char b;
		ssize_t n;

		close(go[1]);
		close(result[0]);
		/* never outlive the tracer, even when it is SIGKILLed (the flag
		 * survives exec; the getppid check closes the race with a tracer
		 * that died before prctl) */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		/* do not take the tracer's signal dispositions along */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		do
			n = read(go[0], &b, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(127); /* the tracer went away before starting us */
		execv(prog, args.v);
		{
			const char *msg = strerror(errno);

			if (write(result[1], msg, strlen(msg)) < 0)
				_exit(127);
		}
		_exit(127);
	}
	close(go[0]);
	close(result[1]);
	free(prog);
	strvec_fini(&args);
	c = xcalloc(1, sizeof(*c));
	c->pid = pid;
	c->go_fd = go[1];
	c->result_fd = result[0];
	return c;
}

pid_t rt_child_pid(const struct rt_child *c)
{
	return c ? c->pid : 0;
}

int rt_child_start(struct rt_child *c)
{
	char buf[256];
	ssize_t n;

	if (c->started)
		return 0;
	c->started = true;
	if (write(c->go_fd, "g", 1) != 1) {
		int err = errno;

		fprintf(stderr, "ERROR: Failed to run child: %s\n", strerror(err));
		return -err;
	}
	close(c->go_fd);
	c->go_fd = -1;
	do
		n = read(c->result_fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(c->result_fd);
	c->result_fd = -1;
	if (n > 0) {
		buf[n] = '\0';
		fprintf(stderr, "ERROR: Failed to run child: %s\n", buf);
		return -ENOEXEC;
	}
	return 0;
}

bool rt_child_exited(struct rt_child *c)
{
	pid_t r;

	if (c->exited)
		return true;
	r = waitpid(c->pid, &c->status, WNOHANG);
	if (r == c->pid && (WIFEXITED(c->status) || WIFSIGNALED(c->status)))
		c->exited = true;
	else if (r < 0 && errno == ECHILD)
		c->exited = true;
	return c->exited;
}

static bool wait_exit_ms(struct rt_child *c, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (rt_child_exited(c))
			return true;
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000000L }, NULL);
	}
	return rt_child_exited(c);
}

void rt_child_terminate(struct rt_child *c)
{
	if (!c)
		return;
	if (c->go_fd >= 0) {
		close(c->go_fd); /* a child never started exits on EOF */
		c->go_fd = -1;
	}
	if (c->result_fd >= 0) {
		close(c->result_fd);
		c->result_fd = -1;
	}
	if (!rt_child_exited(c)) {
		if (c->started)
			kill(c->pid, SIGTERM);
		if (!wait_exit_ms(c, 1000)) {
			kill(c->pid, SIGKILL);
			while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
				;
			c->exited = true;
		}
	}
}

void rt_child_free(struct rt_child *c)
{
	rt_child_terminate(c);
	free(c);
}
