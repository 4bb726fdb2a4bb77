/* cache.h — the compile cache: BPF objects kept on disk, keyed by everything
 * that decides their bytes, so that running the same script again skips LLVM.
 *
 * The key is a text ("key material") built from: the script (name and text),
 * positional and named parameters, the options that shape the program, every
 * BPFTRACE_* environment variable, scry's own identity (version, build id,
 * size and mtime of the executable), the kernel's identity (uname, boot id,
 * size and mtime of /sys/kernel/btf/vmlinux, the loaded modules and their
 * addresses) and what sema computed (probes with their attach targets and the
 * identity of every binary they name, maps, actions, config). sema runs on a
 * hit too: the runtime needs its resources, and it is what reads the facts
 * (BTF, tracepoint formats, ELF symbols) the program was built from.
 *
 * An entry is one file, named after a 128-bit hash of the key material:
 *     "SCRYCAC1", u64 format, u64 key length, u64 object length,
 *     u64 checksum (of key material and object), key material, object.
 * A lookup compares the whole key material and the checksum, so a hash
 * collision, a truncated or corrupt file is a miss (the file is removed and
 * rebuilt), never a blind load. Entries are written to a temporary file and
 * renamed into place; a store evicts the least recently used entries beyond
 * the size bound. The directory and its files must belong to the effective
 * user and not be writable by others, else the cache is not used. */
#ifndef SCRY_DRIVER_CACHE_H
#define SCRY_DRIVER_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/util.h"

struct scry_opts;
struct resources;
struct src;

/* Size bound of the cache directory (bytes), unless SCRY_CACHE_MAX_BYTES says. */
#define CACHE_DEFAULT_MAX_BYTES (64u << 20)

/* 64-bit hash of @len bytes at @p (not cryptographic; checksums, file names). */
uint64_t cache_hash64(const void *p, size_t len, uint64_t seed);

/* Appends one length-prefixed field "tag=len:data\n" to the key material @k. */
void cache_key_add(struct sbuf *k, const char *tag, const void *data, size_t len);
void cache_key_add_str(struct sbuf *k, const char *tag, const char *s);
void cache_key_add_u64(struct sbuf *k, const char *tag, uint64_t v);
/* The identity of the file at @path (device, inode, size, mtime), or "-". */
void cache_key_add_file(struct sbuf *k, const char *tag, const char *path);

/* The key material of a compile: @src is the program, @res what sema made of
 * it, @cpid the -c child (0 without). Needs no root. */
void cache_key_program(struct sbuf *k, const struct scry_opts *o, const struct src *src,
		       const struct resources *res, pid_t cpid);
/* The parts that depend on neither the program nor the options: scry's
 * build and the running kernel (part of cache_key_program's material). */
void cache_key_system(struct sbuf *k);

/* $XDG_CACHE_HOME/scry, or ~/.cache/scry (malloc'd), or NULL without a home. */
char *cache_dir_default(void);

/* Creates @dir (mode 0700) when missing; 0 when it exists and is ours and
 * writable by nobody else (safe to load from as root), else -errno. */
int cache_dir_make(const char *dir);
/* 0 when @dir is a directory of ours that nobody else may write to, else -errno. */
int cache_dir_check(const char *dir);

/* Looks up @key in @dir. 0 and a malloc'd object in *data, its size in *size, on a hit;
 * -ENOENT on a miss; another -errno when the cache cannot be used. A corrupt
 * or mismatching entry is removed and reported as a miss. */
int cache_lookup(const char *dir, const struct sbuf *key, void **data, size_t *size);

/* Stores @data under @key in @dir (created, mode 0700, when missing), then
 * trims the directory to @max_bytes by removing the least recently used
 * entries. 0 or -errno. */
int cache_store(const char *dir, const struct sbuf *key, const void *data, size_t size,
		uint64_t max_bytes);

#endif
