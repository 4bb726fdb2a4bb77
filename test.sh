#!/usr/bin/env bash
# ./test.sh: installs dependencies if missing, builds, runs every test suite.
#   ./test.sh --sanitize   same, in a separate ASan+UBSan build (build-asan/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
scripts/deps.sh --test
builddir=build
if [ "${1:-}" = "--sanitize" ]; then
	builddir=build-asan
	[ -f $builddir/build.ninja ] || meson setup $builddir -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null
	ninja -C $builddir
else
	scripts/build.sh
fi
rc=0
meson test -C $builddir --print-errorlogs --num-processes 2 || rc=$?
exit $rc
