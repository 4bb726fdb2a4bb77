#!/usr/bin/env bash
# ./test.sh: installs dependencies if missing, builds, runs every test suite
# (unit, diag, runtime, headers) and exits non-zero if any test fails.
#   ./test.sh --sanitize     unit and diag suites in an ASan+UBSan build (build-asan/)
#   ./test.sh --suite NAME   only that suite (may be repeated); other args go to meson test
# The runtime suite needs root (it loads BPF programs); without root it is skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
scripts/deps.sh --test
builddir=build
args=()
if [ "${1:-}" = "--sanitize" ]; then
	shift
	builddir=build-asan
	scripts/build.sh --builddir "$builddir" -Db_sanitize=address,undefined -Db_lundef=false
	[ $# -gt 0 ] || args=(--suite unit --suite diag)
else
	scripts/build.sh
fi
rc=0
meson test -C "$builddir" --print-errorlogs --num-processes 2 "${args[@]}" "$@" || rc=$?
if [ $rc != 0 ]; then
	echo "test.sh: some tests failed (log: $builddir/meson-logs/testlog.txt)" >&2
fi
exit $rc
