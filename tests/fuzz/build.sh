#!/bin/sh
# Builds the front-end fuzzer: tests/fuzz/build.sh [OUTDIR] (default /tmp/scry-fuzz,
# outside the source tree: the generated files would confuse the header checks).
# Needs clang-19 with libFuzzer (libclang-rt-19-dev), flex and bison.
#
# Everything is built with ASan+UBSan and edge coverage. The generated scanner and
# parser (flex/bison tables) are built without comparison tracing
# (-fno-sanitize-coverage=trace-cmp): their table look-ups took ~60% of each run
# and give the fuzzer nothing (keywords come from bt.dict); the hand-written
# code keeps it.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${SCRY_FUZZ_OUT:-/tmp/scry-fuzz}}
CC=${CC:-clang-19}
CFLAGS="-std=gnu11 -g -O2 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -I$ROOT -I$OUT/gen"
mkdir -p "$OUT/gen/lexer" "$OUT/gen/parser" "$OUT/obj"
flex -o "$OUT/gen/lexer/lexer.c" "$ROOT/lexer/lexer.l"
bison -o "$OUT/gen/parser/grammar.c" "$ROOT/parser/parser.y"
for f in lexer/lexer parser/grammar; do
	# shellcheck disable=SC2086
	$CC $CFLAGS -fno-sanitize-coverage=trace-cmp -c -o "$OUT/obj/${f#*/}.o" "$OUT/gen/$f.c"
done
# shellcheck disable=SC2086
$CC $CFLAGS -o "$OUT/fuzz_parse" \
	"$ROOT/tests/fuzz/fuzz_parse.c" \
	"$ROOT"/util/util.c "$ROOT"/util/src.c "$ROOT"/util/diag.c \
	"$ROOT"/ast/ast.c "$ROOT"/ast/clone.c "$ROOT"/ast/print.c \
	"$OUT/obj/lexer.o" "$ROOT/lexer/int.c" \
	"$OUT/obj/grammar.o" "$ROOT/parser/attach.c"
echo "$OUT/fuzz_parse"
