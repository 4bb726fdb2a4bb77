/* udwarf.h — DWARF facts about user-space binaries for uprobes: function
 * parameters (uprobe `args` and `-lv` listings), C types by name (casts such
 * as `(struct Foo *)arg0` when the kernel BTF has no such type) and source
 * lines to addresses (`uprobe:bin@file.c:22`).
 *
 * Types are converted to scry types (ast/type.h) the way bpftrace converts
 * them: typedefs, const and volatile are peeled; bool/unsigned/char encodings
 * give unsigned integers, signed ones signed integers; enums are unsigned
 * integers; char arrays are strings; pointers point into user memory;
 * structs and unions are TY_STRUCT/TY_UNION named "struct X"/"union X" with
 * their fields (recursive types are shared, so cycles are fine); anything
 * else (floats, functions) is TY_NONE.
 *
 * Without libdw at build time every function returns -ENOTSUP. */
#ifndef SCRY_PROBES_UDWARF_H
#define SCRY_PROBES_UDWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct type;
struct udwarf;

/* One formal parameter, in declaration order. */
struct udwarf_param {
	const char *name;       /* NULL if unnamed; in the arena */
	const char *type_name;  /* C spelling as bpftrace lists it: "int", "char**",
				 * "struct Foo*", "const char*"; in the arena */
	const struct type *type;
};

/* Opens the DWARF of @path (or of its separate debug file, found through
 * the build id under /usr/lib/debug/.build-id or .gnu_debuglink next to the
 * file / under /usr/lib/debug). Split DWARF is read from .dwo files when
 * libdw finds them (next to the binary, per DW_AT_comp_dir); .dwp packages
 * need a newer libdw than 0.188. 0 and *out, -ENODATA if there is no DWARF,
 * else -errno. */
int udwarf_open(const char *path, struct udwarf **out);
/* Like udwarf_open(), looking for the separate debug file first in
 * @debug_dirs (--debuginfo): DIR/<debuglink name> (or DIR/<file name>.debug
 * without a debuglink) and DIR/.build-id/xx/rest.debug. */
int udwarf_open_ex(const char *path, const char *const *debug_dirs, size_t n_dirs,
		   struct udwarf **out);
void udwarf_free(struct udwarf *dw);

/* Parameters of the function named @func (its defining DIE). 0 with *params
 * (arena array) and *n, or -ENOENT if no such function. */
int udwarf_func_params(struct udwarf *dw, const char *func, struct arena *a,
		       struct udwarf_param **params, unsigned *n);

/* The parameters of @func as the `args` record of a uprobe (what
 * struct probe_ctx.args holds): a TY_RECORD whose field i is parameter i
 * (read from the i-th argument register), fields packed one after another
 * as bpftrace lays them out; unnamed parameters get "" names. -ENOENT if no
 * such function; a function without parameters gives a record with no
 * fields. */
int udwarf_args_record(struct udwarf *dw, const char *func, struct arena *a,
		       const struct type **record);

/* The type named @name: "struct Foo", "union U", "enum E" or a typedef or base
 * type name ("Foo_t", "int"). NULL if not found. */
const struct type *udwarf_type(struct udwarf *dw, const char *name, struct arena *a);

/* Lowest address of a statement at line @line of a source file whose path
 * ends with @file ("uprobe_test.c" matches "/src/uprobe_test.c"). 0 or -ENOENT. */
int udwarf_line_addr(struct udwarf *dw, const char *file, unsigned line, uint64_t *vaddr);

#endif
