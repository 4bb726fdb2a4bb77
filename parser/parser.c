/* parser.c — placeholder until the bison grammar lands. */
#include "util/util.h"
