#!/bin/sh
# Builds the front-end fuzzer: tests/fuzz/build.sh [OUTDIR] (default /tmp/scry-fuzz,
# outside the source tree: the generated files would confuse the header checks).
# Needs clang-19 with libFuzzer (libclang-rt-19-dev), flex and bison.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${SCRY_FUZZ_OUT:-/tmp/scry-fuzz}}
CC=${CC:-clang-19}
mkdir -p "$OUT/gen/lexer" "$OUT/gen/parser"
flex -o "$OUT/gen/lexer/lexer.c" "$ROOT/lexer/lexer.l"
bison -o "$OUT/gen/parser/grammar.c" "$ROOT/parser/parser.y"
$CC -std=gnu11 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$ROOT" -I"$OUT/gen" \
	-o "$OUT/fuzz_parse" \
	"$ROOT/tests/fuzz/fuzz_parse.c" \
	"$ROOT"/util/util.c "$ROOT"/util/src.c "$ROOT"/util/diag.c \
	"$ROOT"/ast/ast.c "$ROOT"/ast/clone.c "$ROOT"/ast/print.c \
	"$OUT/gen/lexer/lexer.c" "$ROOT/lexer/int.c" \
	"$OUT/gen/parser/grammar.c" "$ROOT/parser/attach.c"
echo "$OUT/fuzz_parse"
