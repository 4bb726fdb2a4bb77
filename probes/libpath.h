/* libpath.h — finding the file behind the binary part of a uprobe/usdt
 * attach point: "/bin/bash", "./prog", "bash" (through $PATH), "libc" or
 * "libc.so.6" (through the dynamic linker's cache and default directories),
 * or, with a pid, what that process has mapped (through /proc/PID/maps and
 * /proc/PID/root). */
#ifndef SCRY_PROBES_LIBPATH_H
#define SCRY_PROBES_LIBPATH_H

#include <stdbool.h>
#include <sys/types.h>

struct strvec;

/* Resolves @name (see above). With @pid > 0, a name without '/' is first
 * looked up among the files mapped by that process, and paths are taken in
 * the process's mount namespace (prefixed with /proc/PID/root when it differs
 * from ours). 0 and *out (malloc'd) or -ENOENT. */
int libpath_resolve(const char *name, pid_t pid, char **out);

/* Looks @name up in an ld.so.cache file (format "glibc-ld.so.cache1.1",
 * alone or after the old "ld.so-1.7.0" table), keeping only entries for this
 * machine's architecture. Matches, in order of preference: the soname itself
 * ("libc.so.6"), a versioned soname ("libc" or "libc.so" -> "libc.so.6"),
 * "name.so". 0 and *out (malloc'd), -ENOENT if absent, -EINVAL if the
 * file is not a cache, or open()'s error. */
int libpath_ldcache_lookup(const char *cache_path, const char *name, char **out);

/* The first file mapped by @pid (per /proc/PID/maps under @proc_root, usually
 * "/proc") whose base name is @name or starts with "@name." or "@name-"
 * ("libc" -> /usr/lib/x86_64-linux-gnu/libc.so.6). The path is as the process
 * sees it. 0 and *out (malloc'd) or -ENOENT. */
int libpath_find_in_maps(const char *proc_root, pid_t pid, const char *name, char **out);

/* Searches the colon-separated @path_env for an executable regular file named
 * @cmd. 0 and *out (malloc'd) or -ENOENT. */
int libpath_which(const char *cmd, const char *path_env, char **out);

/* Expands the binary part of an attach point to files: a pattern with
 * '*', '?' or '[' is matched with glob(3) and keeps the ELF executables and
 * shared objects it finds; anything else goes through libpath_resolve().
 * Appends the paths to @out (sorted for a pattern). Returns how many were
 * appended, or -ENOENT if none. */
int libpath_expand(const char *spec, pid_t pid, struct strvec *out);

/* Appends to @out each distinct file that @pid has mapped executable
 * (per /proc/PID/maps), in map order, as paths we can open (see
 * libpath_resolve() on mount namespaces). Returns the count or -errno. */
int libpath_mapped_files(pid_t pid, struct strvec *out);

/* True if @pid lives in another mount namespace than we do. */
bool libpath_other_mntns(pid_t pid);

#endif
