/* test_cache.c — the compile cache: store and hit, corrupt/truncated/foreign
 * entries are misses and get rebuilt, the key follows every input, the size
 * bound evicts the oldest entries, an untrusted directory is not used. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "driver/cache.h"
#include "driver/opts.h"
#include "sema/resources.h"
#include "tests/unit/tap.h"

static char dir[256];

static char *only_entry(void)
{
	char cmd[512], line[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls %s/*.scry 2>/dev/null", dir);
	p = popen(cmd, "r");
	if (!p || !fgets(line, sizeof(line), p)) {
		if (p)
			pclose(p);
		return NULL;
	}
	pclose(p);
	line[strcspn(line, "\n")] = 0;
	return strdup(line);
}

static int count_entries(void)
{
	char cmd[512], line[64];
	FILE *p;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "ls %s/*.scry 2>/dev/null | wc -l", dir);
	p = popen(cmd, "r");
	if (p && fgets(line, sizeof(line), p))
		n = atoi(line);
	if (p)
		pclose(p);
	return n;
}

static void key_of(struct sbuf *k, const char *s)
{
	sbuf_reset(k);
	cache_key_add_str(k, "test", s);
}

static void test_store_lookup(void)
{
	struct sbuf k = { 0 }, k2 = { 0 };
	const char obj[] = "\x7f" "ELF pretend object";
	void *data;
	size_t size;
	char *path;
	int fd;

	key_of(&k, "a");
	is_int(cache_lookup(dir, &k, &data, &size), -ENOENT, "empty cache: miss");
	is_int(cache_store(dir, &k, obj, sizeof(obj), 1 << 20), 0, "store");
	is_int(cache_lookup(dir, &k, &data, &size), 0, "hit after store");
	ok(size == sizeof(obj) && data && !memcmp(data, obj, size), "hit returns the object");
	free(data);
	key_of(&k2, "b");
	is_int(cache_lookup(dir, &k2, &data, &size), -ENOENT, "another key: miss");

	/* flip one byte of the object: the checksum catches it, the entry goes */
	path = only_entry();
	ok(path != NULL, "one entry file");
	fd = open(path, O_RDWR);
	lseek(fd, -3, SEEK_END);
	ok(write(fd, "X", 1) == 1, "corrupt the entry");
	close(fd);
	is_int(cache_lookup(dir, &k, &data, &size), -ENOENT, "corrupt entry: miss");
	ok(access(path, F_OK) < 0, "corrupt entry removed");
	is_int(cache_store(dir, &k, obj, sizeof(obj), 1 << 20), 0, "rebuilt");
	is_int(cache_lookup(dir, &k, &data, &size), 0, "hit after rebuild");
	free(data);

	/* truncated (a store that died half-way without the rename would
	 * not be there at all; a torn file must still not load) */
	ok(truncate(path, 30) == 0, "truncate the entry");
	is_int(cache_lookup(dir, &k, &data, &size), -ENOENT, "truncated entry: miss");
	ok(access(path, F_OK) < 0, "truncated entry removed");

	/* an entry whose key material differs (a hash collision) is a miss */
	is_int(cache_store(dir, &k, obj, sizeof(obj), 1 << 20), 0, "store again");
	fd = open(path, O_RDWR);
	lseek(fd, 40 + 5, SEEK_SET); /* inside the key material */
	ok(write(fd, "Z", 1) == 1, "change the stored key");
	close(fd);
	is_int(cache_lookup(dir, &k, &data, &size), -ENOENT, "foreign key: miss");
	ok(data == NULL, "nothing returned on a miss");
	unlink(path);
	free(path);

	/* a directory others can write to is not trusted */
	chmod(dir, 0777);
	is_int(cache_lookup(dir, &k, &data, &size), -EPERM, "group/world-writable dir refused");
	ok(cache_store(dir, &k, obj, sizeof(obj), 1 << 20) < 0, "and not written");
	chmod(dir, 0700);
	sbuf_fini(&k);
	sbuf_fini(&k2);
}

static void test_trim(void)
{
	struct sbuf k = { 0 };
	char obj[1000] = { 1 };
	char name[16];
	void *data;
	size_t size;

	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -f %s/*.scry", dir);
	if (system(cmd))
		printf("# could not empty %s\n", dir);
	for (int i = 0; i < 5; i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		snprintf(name, sizeof(name), "k%d", i);
		key_of(&k, name);
		cache_store(dir, &k, obj, sizeof(obj), 3500);
		nanosleep(&ts, NULL);
	}
	is_int(count_entries(), 3, "size bound keeps the newest entries");
	key_of(&k, "k0");
	is_int(cache_lookup(dir, &k, &data, &size), -ENOENT, "oldest evicted");
	key_of(&k, "k4");
	is_int(cache_lookup(dir, &k, &data, &size), 0, "newest kept");
	free(data);
	sbuf_fini(&k);
}

static char *program_key(const struct src *src, int argc, char **argv, pid_t cpid)
{
	struct scry_opts o;
	struct resources res = { 0 };
	struct sbuf k = { 0 };
	char err[OPTS_ERR_SIZE];
	char *s;

	if (scry_opts_parse(&o, argc, argv, err) != OPTS_OK)
		return strdup("bad");
	cache_key_program(&k, &o, src, &res, cpid);
	s = strdup(sbuf_str(&k));
	sbuf_fini(&k);
	scry_opts_fini(&o);
	return s;
}

static void test_key(void)
{
	struct src a = { "stdin", "BEGIN { print($1) }", 19 };
	struct src b = { "stdin", "BEGIN { print($2) }", 19 };
	struct src c = { "stdin", "BEGIN { print(cpid) }", 21 };
	char *av1[] = { "scry", "-e", "x", "--", "1" };
	char *av2[] = { "scry", "-e", "x", "--", "2" };
	char *av3[] = { "scry", "--unsafe", "-e", "x", "--", "1" };
	char *k1, *k2, *k3, *k4, *k5, *k6, *k7, *k8;

	unsetenv("BPFTRACE_MAX_STRLEN");
	k1 = program_key(&a, 5, av1, 0);
	k2 = program_key(&a, 5, av1, 0);
	ok(!strcmp(k1, k2), "same inputs, same key");
	k3 = program_key(&a, 5, av2, 0);
	ok(strcmp(k1, k3) != 0, "key changes with a positional parameter");
	k4 = program_key(&b, 5, av1, 0);
	ok(strcmp(k1, k4) != 0, "key changes with the program text");
	k5 = program_key(&a, 6, av3, 0);
	ok(strcmp(k1, k5) != 0, "key changes with --unsafe");
	setenv("BPFTRACE_MAX_STRLEN", "64", 1);
	k6 = program_key(&a, 5, av1, 0);
	ok(strcmp(k1, k6) != 0, "key changes with a BPFTRACE_* variable");
	unsetenv("BPFTRACE_MAX_STRLEN");
	k7 = program_key(&c, 5, av1, 100);
	k8 = program_key(&c, 5, av1, 101);
	ok(strcmp(k7, k8) != 0, "key changes with cpid where the program uses it");
	free(k7);
	free(k8);
	k7 = program_key(&a, 5, av1, 100);
	ok(!strcmp(k1, k7), "cpid not in the key where unused");
	ok(strstr(k1, "release=") && strstr(k1, "boot-id=") && strstr(k1, "exe="),
	   "key names the kernel and the scry binary");
	free(k1);
	free(k2);
	free(k3);
	free(k4);
	free(k5);
	free(k6);
	free(k7);
}

static void test_hash(void)
{
	char buf[33] = "0123456789abcdef0123456789abcdef";

	ok(cache_hash64(buf, 32, 1) != cache_hash64(buf, 32, 2), "seeds differ");
	ok(cache_hash64(buf, 31, 1) != cache_hash64(buf, 32, 1), "length matters");
	buf[17] ^= 1;
	ok(cache_hash64(buf, 32, 1) != cache_hash64("0123456789abcdef0123456789abcdef", 32, 1),
	   "one bit matters");
}

int main(void)
{
	char tmpl[] = "/tmp/scry-test-cache-XXXXXX";
	char cmd[300];

	if (!mkdtemp(tmpl)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/scry", tmpl);
	test_hash();
	test_store_lookup();
	test_trim();
	test_key();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	if (system(cmd))
		printf("# could not remove %s\n", tmpl);
	return done_testing();
}
