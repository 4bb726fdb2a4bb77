/* lexer.c — placeholder until the flex scanner lands. */
#include "util/util.h"
