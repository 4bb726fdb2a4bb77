#!/bin/sh
# Builds the compile-path fuzzer (fuzz_compile.c: lexer -> parser -> sema -> codegen ->
# bpf_object__open_mem): tests/fuzz/build_compile.sh [OUTDIR] (default
# /tmp/scry-fuzz-compile). The libraries are built by meson in OUTDIR/build with
# clang-19, ASan+UBSan and libFuzzer's coverage; then the target is linked with
# -fsanitize=fuzzer. Needs clang-19 and libclang-rt-19-dev.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${SCRY_FUZZ_COMPILE_OUT:-/tmp/scry-fuzz-compile}}
CC=${CC:-clang-19}
B="$OUT/build"
mkdir -p "$OUT"
if [ ! -f "$B/build.ninja" ]; then
	CC=$CC meson setup "$B" "$ROOT" -Dwerror=false -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized \
		-Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined' >/dev/null
fi
ninja -C "$B" util/libutil.a ast/libast.a lexer/liblexer.a lexer/liblexer_gen.a \
	parser/libparser.a parser/libparser_gen.a \
	probes/libprobes.a sema/libsema.a codegen/libcodegen.a >/dev/null
LLVM_LIBDIR=$(llvm-config-19 --libdir)
LLVM_LIBS=$(llvm-config-19 --link-static --libs bpfcodegen bpfdesc bpfinfo passes)
$CC -std=gnu11 -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -I"$ROOT" -I"$B" \
	-DSCRY_TEST_DATA="\"$ROOT/tests/data\"" \
	-o "$OUT/fuzz_compile" "$ROOT/tests/fuzz/fuzz_compile.c" \
	"$B/codegen/libcodegen.a" "$B/sema/libsema.a" "$B/probes/libprobes.a" \
	-Wl,--start-group "$B/parser/libparser_gen.a" "$B/parser/libparser.a" \
	"$B/lexer/liblexer_gen.a" "$B/lexer/liblexer.a" "$B/ast/libast.a" "$B/util/libutil.a" -Wl,--end-group \
	-L"$LLVM_LIBDIR" -Wl,--start-group $LLVM_LIBS -Wl,--end-group \
	-lbpf -lelf -ldw -lz -lzstd -lstdc++ -lpthread -lm -ldl
echo "$OUT/fuzz_compile"
