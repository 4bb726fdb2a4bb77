/* sema.c — placeholder until the semantic passes land. */
#include "sema/resources.h"
