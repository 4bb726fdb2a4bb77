/* events.c — what user space does for each record the BPF programs put in the
 * "events" ring buffer: a struct rt_event_hdr (the action id, an index in
 * resources.actions) followed by the payload the action describes.
 *
 * Text output (printf, print, time, cat, join, system) goes to rt->out;
 * errorf/warnf and runtime errors go to stderr with the script location, as
 * bpftrace's log does ("stdin:1:9-62: ERROR: msg"). stdout is flushed before
 * anything is written to stderr so that the two streams interleave in order
 * when they share a pipe. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/rt_int.h"

bool rt_out_check(struct rt *rt)
{
	int err = errno;

	if (rt->out_err)
		return true;
	if (!ferror(rt->out))
		return false;
	rt->out_err = err ? err : EIO;
	rt->finalize = true;
	fflush(stdout);
	fprintf(stderr, "ERROR: failed to write output: %s\n", strerror(rt->out_err));
	return true;
}

void rt_emit(struct rt *rt, const char *s, size_t len)
{
	if (rt->out_err)
		return;
	errno = 0;
	if (len)
		fwrite(s, 1, len, rt->out);
	if (rt->o->buffering != 'f' && !rt->batch_max) /* a batch is flushed at its end */
		fflush(rt->out);
	rt_out_check(rt);
}

static void emit_buf(struct rt *rt)
{
	rt_emit(rt, rt->buf.s ? rt->buf.s : "", rt->buf.len);
}

/* Text of an action: as is in text mode, {"type": @type, "data": "..."} with
 * -f json. */
static void emit_text(struct rt *rt, const char *type, const char *s, size_t len)
{
	struct sbuf j = { 0 };

	if (!rt->o->json) {
		rt_emit(rt, s, len);
		return;
	}
	out_json_text(&j, type, s, len);
	rt_emit(rt, j.s ? j.s : "", j.len);
	sbuf_fini(&j);
}

/* -f json: errorf/warnf/helper errors as objects with the script location. */
static void json_located(struct rt *rt, const struct action *a, const char *type, const char *msg,
			 const char *extra)
{
	struct sbuf j = { 0 };

	sbuf_printf(&j, "{\"type\": \"%s\", \"msg\": ", type);
	out_json_str(&j, msg, strlen(msg));
	if (extra)
		sbuf_puts(&j, extra);
	sbuf_puts(&j, ", \"filename\": ");
	out_json_str(&j, a->loc.src ? a->loc.src->name : "", a->loc.src ? strlen(a->loc.src->name) : 0);
	sbuf_printf(&j, ", \"line\": %u, \"col\": %u}\n", a->loc.line, a->loc.col);
	rt_emit(rt, j.s, j.len);
	sbuf_fini(&j);
}

/* The source line(s) of @loc and, for a one-line range, '~' under it: the
 * context bpftrace prints with runtime warnings. */
static void print_context(struct loc loc)
{
	size_t n;
	const char *line;

	for (uint32_t l = loc.line; l <= loc.end_line || l == loc.line; l++) {
		line = src_line(loc.src, l, &n);
		if (!line)
			return;
		fprintf(stderr, "%.*s\n", (int)n, line);
		if (loc.end_line > loc.line)
			continue;
		for (uint32_t c = 1; c < loc.col; c++)
			fputc(c - 1 < n && line[c - 1] == '\t' ? '\t' : ' ', stderr);
		for (uint32_t c = loc.col; c < loc.col + (loc.len ? loc.len : 1); c++)
			fputc('~', stderr);
		fputc('\n', stderr);
		return;
	}
}

/* "<loc>: LEVEL: msg" on stderr; one trailing newline of msg is dropped. */
static void log_at(struct rt *rt, const struct action *a, const char *level, const char *msg,
		   bool context)
{
	struct sbuf where = { 0 };
	size_t n = strlen(msg);

	if (n && msg[n - 1] == '\n')
		n--;
	fflush(rt->out);
	if (a->loc.src) {
		diag_format_loc(&where, a->loc);
		fprintf(stderr, "%s: ", sbuf_str(&where));
	}
	fprintf(stderr, "%s: %.*s\n", level, (int)n, msg);
	if (context && a->loc.src)
		print_context(a->loc);
	for (uint32_t i = 0; i < a->n_expanded_from; i++) {
		sbuf_reset(&where);
		diag_format_loc(&where, a->expanded_from[i]);
		fprintf(stderr, "%s: %s: expanded from\n", sbuf_str(&where), level);
		print_context(a->expanded_from[i]);
	}
	fflush(stderr);
	sbuf_fini(&where);
}

static void plain_error(struct rt *rt, const char *fmt, const char *arg)
{
	fflush(rt->out);
	fputs("ERROR: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fflush(stderr);
}

/* Runs @cmd through /bin/sh, returns its stdout+stderr (malloc'd) or NULL
 * with a reason in @why. */
static char *run_shell(const char *cmd, char *why, size_t why_size)
{
	int fds[2], status;
	pid_t pid;
	struct sbuf out = { 0 };
	char buf[4096];
	ssize_t n;

	if (pipe(fds) < 0) {
		snprintf(why, why_size, "pipe() failed");
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		snprintf(why, why_size, "fork() failed");
		return NULL;
	}
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0)
			_exit(127);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		sbuf_put(&out, buf, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, why_size, "waitpid() failed");
			sbuf_fini(&out);
			return NULL;
		}
	if (!WIFEXITED(status)) {
		snprintf(why, why_size, "child process did not exit normally");
		sbuf_fini(&out);
		return NULL;
	}
	if (WEXITSTATUS(status) != 0) {
		snprintf(why, why_size, "command exited with code %d", WEXITSTATUS(status));
		sbuf_fini(&out);
		return NULL;
	}
	sbuf_putc(&out, '\0');
	return out.s;
}

static void do_time(struct rt *rt, const struct action *a)
{
	char s[512];
	time_t t = time(NULL);
	struct tm tm;
	size_t n;

	if (!localtime_r(&t, &tm)) {
		plain_error(rt, "%s", "unable to get localtime");
		return;
	}
	n = strftime(s, sizeof(s), a->fmt ? a->fmt : "%H:%M:%S\n", &tm);
	if (n == 0) {
		plain_error(rt, "%s", "strftime returned zero");
		return;
	}
	emit_text(rt, "time", s, n);
}

static void do_cat(struct rt *rt, const struct action *a, const void *payload)
{
	uint32_t max = rt->res->cfg.max_cat_bytes ? rt->res->cfg.max_cat_bytes : 10240;
	char *data;
	size_t n;
	FILE *f;

	sbuf_reset(&rt->buf);
	out_format(&rt->buf, a->fmt ? a->fmt : "", a->args, payload, &rt->sym);
	f = fopen(sbuf_str(&rt->buf), "rb");
	if (!f) {
		fflush(rt->out);
		fprintf(stderr, "ERROR: failed to open file '%s' (%s)\n", sbuf_str(&rt->buf),
			strerror(errno));
		return;
	}
	data = xmalloc(max);
	n = fread(data, 1, max, f);
	fclose(f);
	emit_text(rt, "cat", data, n);
	free(data);
}

static void do_system(struct rt *rt, const struct action *a, const void *payload)
{
	char why[128];
	char *res;

	if (!rt->o->unsafe && !rt->res->cfg.unsafe) {
		plain_error(rt, "%s", "syscall() not allowed in safe mode. Use '--unsafe'.");
		return;
	}
	sbuf_reset(&rt->buf);
	out_format(&rt->buf, a->fmt ? a->fmt : "", a->args, payload, &rt->sym);
	fflush(rt->out);
	res = run_shell(sbuf_str(&rt->buf), why, sizeof(why));
	if (!res) {
		plain_error(rt, "%s", why);
		return;
	}
	if (rt->o->json) {
		emit_text(rt, "syscall", res, strlen(res));
	} else {
		rt_emit(rt, res, strlen(res));
		rt_emit(rt, "\n", 1);
	}
	free(res);
}

static void do_join(struct rt *rt, const struct action *a, const void *payload, size_t size)
{
	const struct type *t = a->args;
	const char *sep = a->fmt ? a->fmt : " ";
	const char *p = payload;
	bool first = true;

	sbuf_reset(&rt->buf);
	if (t && t->kind == TY_TUPLE) {
		for (uint32_t i = 0; i < t->n_fields; i++) {
			const char *s = p + t->fields[i].offset;
			size_t max = t->fields[i].type->size;

			if (t->fields[i].offset + max > size || !s[0])
				break;
			if (!first)
				sbuf_puts(&rt->buf, sep);
			sbuf_put(&rt->buf, s, strnlen(s, max));
			first = false;
		}
	} else {
		size_t elem = t && t->kind == TY_ARRAY && t->elem ? t->elem->size
			      : t && t->kind == TY_STRING ? t->size
							  : rt->res->cfg.max_strlen;
		size_t n = t && t->kind == TY_ARRAY ? t->n : elem ? size / elem : 0;

		for (size_t i = 0; elem && i < n && (i + 1) * elem <= size; i++) {
			const char *s = p + i * elem;

			if (!s[0])
				break;
			if (!first)
				sbuf_puts(&rt->buf, sep);
			sbuf_put(&rt->buf, s, strnlen(s, elem));
			first = false;
		}
	}
	if (rt->o->json) {
		emit_text(rt, "join", rt->buf.s ? rt->buf.s : "", rt->buf.len);
		return;
	}
	sbuf_putc(&rt->buf, '\n');
	emit_buf(rt);
}

static int helper_id(const char *name)
{
	static const struct {
		const char *name;
		int id;
	} ids[] = {
		{ "map_lookup_elem", BPF_FUNC_map_lookup_elem },
		{ "map_update_elem", BPF_FUNC_map_update_elem },
		{ "map_delete_elem", BPF_FUNC_map_delete_elem },
		{ "probe_read", BPF_FUNC_probe_read },
		{ "probe_read_str", BPF_FUNC_probe_read_str },
		{ "probe_read_user", BPF_FUNC_probe_read_user },
		{ "probe_read_kernel", BPF_FUNC_probe_read_kernel },
		{ "probe_read_user_str", BPF_FUNC_probe_read_user_str },
		{ "probe_read_kernel_str", BPF_FUNC_probe_read_kernel_str },
		{ "ringbuf_output", BPF_FUNC_ringbuf_output },
		{ "get_stackid", BPF_FUNC_get_stackid },
	};

	if (!name)
		return -1;
	if (strncmp(name, "bpf_", 4) == 0)
		name += 4;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (strcmp(ids[i].name, name) == 0)
			return ids[i].id;
	return -1;
}

static void do_runtime_error(struct rt *rt, const struct action *a, const void *payload)
{
	int64_t ret;
	int id = helper_id(a->fmt);
	struct sbuf msg = { 0 };

	memcpy(&ret, payload, sizeof(ret));
	if (rt->o->json) {
		char extra[96];

		if (a->fmt)
			snprintf(extra, sizeof(extra), ", \"helper\": \"%s\", \"retcode\": %lld",
				 strncmp(a->fmt, "bpf_", 4) ? a->fmt : a->fmt + 4, (long long)ret);
		else
			snprintf(extra, sizeof(extra), ", \"helper\": \"%d\", \"retcode\": %lld",
				 id, (long long)ret);
		json_located(rt, a, "helper_error", strerror((int)-ret), extra);
		return;
	}
	if (id == BPF_FUNC_map_update_elem && ret == -E2BIG)
		sbuf_puts(&msg, "Map full; can't update element. Try increasing max_map_keys config "
				"or manually setting the max entries in a map declaration e.g. `let "
				"@a = hash(5000)`");
	else if (id == BPF_FUNC_map_delete_elem && ret == -ENOENT)
		sbuf_puts(&msg, "Can't delete map element because it does not exist.");
	else if (id == BPF_FUNC_map_lookup_elem)
		sbuf_puts(&msg, "Can't lookup map element because it does not exist.");
	else
		sbuf_puts(&msg, strerror((int)-ret));
	if (a->fmt)
		sbuf_printf(&msg, "\nAdditional Info - helper: %s, retcode: %lld",
			    strncmp(a->fmt, "bpf_", 4) ? a->fmt : a->fmt + 4, (long long)ret);
	else
		sbuf_printf(&msg, "\nAdditional Info - helper: %d, retcode: %lld", id,
			    (long long)ret);
	log_at(rt, a, "WARNING", sbuf_str(&msg), true);
	sbuf_fini(&msg);
}

static void event_handle(struct rt *rt, void *data, size_t size);

int rt_event_cb(void *ctx, void *data, size_t size)
{
	struct rt *rt = ctx;

	event_handle(rt, data, size);
	/* give the event loop back control now and then: a flood (or output
	 * that itself makes events) would otherwise keep one poll going forever
	 * (the record is consumed either way) */
	if (rt->batch_max && ++rt->n_batch >= rt->batch_max)
		return RT_EVENT_YIELD;
	return 0;
}

static void event_handle(struct rt *rt, void *data, size_t size)
{
	const struct resources *res = rt->res;
	const struct action *a;
	const char *payload = (const char *)data + sizeof(struct rt_event_hdr);
	size_t psize;
	uint64_t id;

	if (rt->finalize)
		return;
	if (rt_stop_requested()) {
		rt->finalize = true;
		return;
	}
	if (size < sizeof(struct rt_event_hdr))
		return;
	memcpy(&id, data, sizeof(id));
	if (id >= res->actions.n) {
		fflush(rt->out);
		fprintf(stderr, "BUG: unknown event id %llu\n", (unsigned long long)id);
		return;
	}
	a = res->actions.v[id];
	psize = size - sizeof(struct rt_event_hdr);

	switch (a->kind) {
	case ACT_PRINTF:
		sbuf_reset(&rt->buf);
		out_format(&rt->buf, a->fmt ? a->fmt : "", a->args, payload, &rt->sym);
		emit_text(rt, "printf", rt->buf.s ? rt->buf.s : "", rt->buf.len);
		break;
	case ACT_ERRORF:
	case ACT_WARNF:
		if (a->kind == ACT_WARNF && rt->o->no_warnings)
			break;
		sbuf_reset(&rt->buf);
		out_format(&rt->buf, a->fmt ? a->fmt : "", a->args, payload, &rt->sym);
		if (rt->o->json)
			json_located(rt, a, a->kind == ACT_ERRORF ? "errorf" : "warnf",
				     sbuf_str(&rt->buf), NULL);
		else
			log_at(rt, a, a->kind == ACT_ERRORF ? "ERROR" : "WARNING",
			       sbuf_str(&rt->buf), false);
		break;
	case ACT_SYSTEM:
		do_system(rt, a, payload);
		break;
	case ACT_CAT:
		do_cat(rt, a, payload);
		break;
	case ACT_TIME:
		do_time(rt, a);
		break;
	case ACT_EXIT: {
		int64_t code = 0;

		if (psize >= sizeof(code))
			memcpy(&code, payload, sizeof(code));
		rt->exit_code = (int)code;
		rt->has_exit = true;
		rt->finalize = true;
		break;
	}
	case ACT_PRINT_MAP: {
		uint64_t top = 0, div = 0;

		if (psize >= 8)
			memcpy(&top, payload, 8);
		if (psize >= 16)
			memcpy(&div, payload + 8, 8);
		if (a->map)
			rt_map_print(rt, a->map, (uint32_t)top, (uint32_t)div);
		break;
	}
	case ACT_CLEAR_MAP:
		if (a->map)
			rt_map_clear(rt, a->map);
		break;
	case ACT_ZERO_MAP:
		if (a->map)
			rt_map_zero(rt, a->map);
		break;
	case ACT_PRINT_VALUE: {
		const struct type *t = a->args;
		const char *v = payload;

		if (t && t->kind == TY_TUPLE && t->n_fields == 1) {
			v = payload + t->fields[0].offset;
			t = t->fields[0].type;
		}
		sbuf_reset(&rt->buf);
		if (!t)
			break;
		if (rt->o->json) {
			out_json_print_value(&rt->buf, t, v, &rt->sym);
		} else {
			out_value(&rt->buf, t, v, &rt->sym);
			sbuf_putc(&rt->buf, '\n');
		}
		emit_buf(rt);
		break;
	}
	case ACT_JOIN:
		do_join(rt, a, payload, psize);
		break;
	case ACT_RUNTIME_ERROR:
		if (psize >= 8)
			do_runtime_error(rt, a, payload);
		break;
	case ACT_DEBUGF: /* the program writes it to the trace buffer: no event */
		break;
	case ACT_RUNTIME_WARNING:
		if (rt->o->json)
			json_located(rt, a, "runtime_error", a->fmt ? a->fmt : "", NULL);
		else
			log_at(rt, a, "WARNING", a->fmt ? a->fmt : "", true);
		break;
	}
	return;
}
