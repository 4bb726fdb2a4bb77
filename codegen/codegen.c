/* codegen.c — placeholder until LLVM code generation lands. */
#include "util/util.h"
