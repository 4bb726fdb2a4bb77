/* utargets.h — expansion of uprobe/uretprobe/usdt attach points into concrete
 * (file, function) and (file, provider, probe, site) targets, built on
 * libpath (which files), uelf (which functions, at which file offsets) and
 * usdt_notes (which probe sites). For expand and `-l` of the probe types.
 *
 * The binary part follows bpftrace:
 *   "/bin/bash", "./prog", "bash", "libc", "libc.so.6"   one file (libpath_resolve)
 *   "./progs/usdt_*"                                       the ELF files matching
 *   "" or "*" with a pid                                   every file the process maps
 *   a pattern with a pid                                   its mapped files matching it
 * Paths come out as libpath returns them: the user's spelling when it has a
 * '/', else the resolved absolute path. */
#ifndef SCRY_PROBES_UTARGETS_H
#define SCRY_PROBES_UTARGETS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct arena;
struct ptrvec;
struct usdt_note;

struct utarget {
	const char *path;       /* the file as named (probe names); in the arena */
	const char *attach_path; /* the file to attach to: path, or the archive of
				  * "app.zip!/lib/x.so" (offsets are in it) */
	/* uprobe: */
	const char *func;       /* function name; in the arena */
	uint64_t func_addr;     /* its ELF virtual address */
	uint64_t func_size;
	/* usdt (func == NULL): */
	const char *provider, *name; /* in the arena */
	unsigned site;          /* 0-based index among the sites of provider:name
				 * in this file */
	unsigned n_sites;       /* how many sites provider:name has in this file */
	uint64_t offset;        /* file offset to attach at (uprobe: function start;
				 * usdt: the site's pc) */
	uint64_t sema_offset;   /* usdt: semaphore ref_ctr_offset, 0 if none */
	const struct usdt_note *note; /* usdt: a copy of the site's note, arena-owned
				       * (argument specs in note->args) */
};

/* Appends a struct utarget * per function matching @func_glob in each file
 * of @bin (see above), files in order, functions sorted by name. Returns the
 * count (0 if files matched but no function did), or -ENOENT if no file
 * matched, or the first file's open error (-ENOEXEC: not ELF). */
int utargets_uprobe(const char *bin, const char *func_glob, pid_t pid, struct arena *a,
		    struct ptrvec *out);

/* Appends a struct utarget * per USDT site whose provider matches
 * @provider_glob (NULL or "" = any) and name matches @name_glob, per file,
 * sorted by provider:name then site order. Returns the count or -errno as
 * utargets_uprobe(). */
int utargets_usdt(const char *bin, const char *provider_glob, const char *name_glob, pid_t pid,
		  struct arena *a, struct ptrvec *out);

#endif
