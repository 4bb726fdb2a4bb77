/* sysnames.h — names the kernel gives to numbers: x86-64 syscall names and
 * errno messages, from tables generated at build time out of the kernel UAPI
 * headers (scripts/gen_sysnames.py), plus signal names.
 *
 * Used by sema (constant arguments fold at compile time) and by the runtime
 * (syscall_name()/strerror()/signal_name() values printed by user space). */
#ifndef SCRY_UTIL_SYSNAMES_H
#define SCRY_UTIL_SYSNAMES_H

#include <stdbool.h>
#include <stdint.h>

/* Generated tables (a NULL slot is a number with no name). */
extern const char *const sysname_syscall_tab[];
extern const unsigned sysname_n_syscall;
extern const char *const sysname_errno_tab[];
extern const char *const sysname_errno_id_tab[];
extern const unsigned sysname_n_errno;

/* Named constants of the C headers (#include <errno.h>, <signal.h>,
 * <sys/syscall.h>); the generated table ends with a NULL name. */
enum sysname_family { SYSNAME_ERRNO = 1, SYSNAME_SIGNAL = 2, SYSNAME_SYSCALL = 4 };
struct sysname_const {
	const char *name;
	int64_t value;
	unsigned family;
};
extern const struct sysname_const sysname_consts[];
/* Value of constant @name of one of the @families (a mask), if any. */
bool sysname_const_value(const char *name, unsigned families, int64_t *value);

/* "read" for 0; "Unknown syscall" for a number without a name. */
const char *sysname_syscall(int64_t nr);
/* Syscall number of @name ("read" -> 0), or -1. */
int64_t sysname_syscall_nr(const char *name);
/* The kernel's message for errno @e (sign ignored): "Operation not permitted"
 * for 1, "Success" for 0, "Unknown error" otherwise. */
const char *sysname_strerror(int64_t e);
/* Value of the errno constant @name ("EPERM" -> 1), or -1. */
int64_t sysname_errno_value(const char *name);
/* The C library's description of signal @sig ("Hangup" for 1), or "N/A"
 * outside 0..64. */
const char *sysname_signal(int64_t sig);

#endif
