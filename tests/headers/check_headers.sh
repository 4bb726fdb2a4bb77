#!/usr/bin/env bash
# Compiles every public header of the project on its own: for each <mod>/*.h a
# one-line .c file including only that header is compiled with the project's
# warning flags. A header that needs another one included first fails here.
# Also checks every header's include guard is SCRY_<MOD>_<FILE>_H (STYLE.md 3.2).
# Usage: check_headers.sh SRCDIR BUILDDIR CC [extra cflags...]
set -uo pipefail
src="$1"; build="$2"; cc="$3"; shift 3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
cd "$src"
# the module folders: top-level directories that are not build directories
dirs=$(for d in */; do d="${d%/}"; [ -e "$d/meson-private" ] || [ "$d" = tests ] || echo "$d"; done)
for h in $(find $dirs -name '*.h' | sort); do
	guard="SCRY_$(dirname "$h" | tr a-z/ A-Z_)_$(basename "$h" .h | tr a-z A-Z)_H"
	if ! grep -q "^#ifndef $guard\$" "$h"; then
		echo "include guard of $h is not $guard"
		fail=1
	fi
	case "$h" in
	*_int.h) continue ;;   # private: only included inside their folder
	esac
	n=$((n + 1))
	printf '#include "%s"\n' "$h" > "$tmp/t.c"
	if ! "$cc" -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wmissing-prototypes \
		-fsyntax-only -I "$src" -I "$build" "$@" "$tmp/t.c" 2> "$tmp/err"; then
		echo "not self-contained: $h"
		sed 's/^/    /' "$tmp/err"
		fail=1
	fi
done
echo "$n headers checked"
exit $fail
