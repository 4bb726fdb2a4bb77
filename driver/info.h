/* info.h — `--info` and the privilege check, the driver's two system queries. */
#ifndef SCRY_DRIVER_INFO_H
#define SCRY_DRIVER_INFO_H

#include <stdbool.h>
#include <stdio.h>

/* True when this process may load and attach BPF programs (see
 * rt_check_privileges). */
bool scry_has_bpf_privileges(void);

/* True when kernel lockdown is in 'confidentiality' mode, which blocks the
 * BPF helpers that read kernel memory: nothing useful can be traced. */
bool scry_lockdown_confidential(void);

/* Prints what `--info` shows: the system, the build, and (with privileges)
 * the kernel's BPF helpers, features and the probe types usable here. */
void scry_info(FILE *out);

#endif
