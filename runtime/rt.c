/* rt.c — placeholder until the runtime lands. */
#include "util/util.h"
