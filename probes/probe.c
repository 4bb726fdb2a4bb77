/* probe.c — the probe-type registry (filled in with the probe types). */
#include "probes/probe.h"
