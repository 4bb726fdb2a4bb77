#!/bin/sh
# Builds the compile-path fuzzer (fuzz_compile.c: lexer -> parser -> sema -> codegen ->
# bpf_object__open_mem): tests/fuzz/build_compile.sh [OUTDIR] (default
# /tmp/scry-fuzz-compile). The libraries are built by meson in OUTDIR/build with
# clang-19, -O2, ASan+UBSan and libFuzzer's coverage; then the target is linked with
# -fsanitize=fuzzer. Needs clang-19 and libclang-rt-19-dev.
#
# As in build.sh, the generated scanner and parser are compiled again here
# without comparison tracing (their table look-ups dominated the cost of the
# many inputs that stop at a syntax error), and linked instead of meson's
# copies. udwarf_cache.c keeps user binaries' DWARF open across inputs.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${SCRY_FUZZ_COMPILE_OUT:-/tmp/scry-fuzz-compile}}
CC=${CC:-clang-19}
B="$OUT/build"
CFLAGS="-std=gnu11 -g -O2 -D_GNU_SOURCE -fsanitize=address,undefined
	-fno-sanitize-recover=undefined -I$ROOT -I$B"
mkdir -p "$OUT/obj"
if [ ! -f "$B/build.ninja" ]; then
	CC=$CC meson setup "$B" "$ROOT" -Dwerror=false -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized \
		-Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined' >/dev/null
fi
ninja -C "$B" util/libutil.a ast/libast.a lexer/liblexer.a parser/libparser.a \
	probes/libprobes.a sema/libsema.a codegen/libcodegen.a >/dev/null
# shellcheck disable=SC2086
$CC $CFLAGS -fsanitize=fuzzer-no-link -fno-sanitize-coverage=trace-cmp -w \
	-I"$B/lexer" -c -o "$OUT/obj/lexer.o" "$B/lexer/lexer.c"
# shellcheck disable=SC2086
$CC $CFLAGS -fsanitize=fuzzer-no-link -fno-sanitize-coverage=trace-cmp -w \
	-I"$B/parser" -c -o "$OUT/obj/grammar.o" "$B/parser/grammar.c"
LLVM_LIBDIR=$(llvm-config-19 --libdir)
LLVM_LIBS=$(llvm-config-19 --link-static --libs bpfcodegen bpfdesc bpfinfo passes)
# shellcheck disable=SC2086
$CC $CFLAGS -fsanitize=fuzzer -DSCRY_TEST_DATA="\"$ROOT/tests/data\"" \
	-Wl,--wrap=udwarf_open,--wrap=udwarf_open_ex,--wrap=udwarf_free \
	-o "$OUT/fuzz_compile" "$ROOT/tests/fuzz/fuzz_compile.c" "$ROOT/tests/fuzz/udwarf_cache.c" \
	"$B/codegen/libcodegen.a" "$B/sema/libsema.a" "$B/probes/libprobes.a" \
	-Wl,--start-group "$OUT/obj/grammar.o" "$B/parser/libparser.a.p/attach.c.o" \
	"$OUT/obj/lexer.o" "$B/lexer/liblexer.a.p/int.c.o" "$B/ast/libast.a" "$B/util/libutil.a" \
	-Wl,--end-group \
	-L"$LLVM_LIBDIR" -Wl,--start-group $LLVM_LIBS -Wl,--end-group \
	-lbpf -lelf -ldw -lz -lzstd -lstdc++ -lpthread -lm -ldl
echo "$OUT/fuzz_compile"
