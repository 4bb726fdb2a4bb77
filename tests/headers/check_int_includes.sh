#!/usr/bin/env bash
# A module's private header <mod>/<name>_int.h may only be included by files in
# <mod>/ itself (STYLE.md 3.2). Lists every include that breaks the rule.
# Usage: check_int_includes.sh SRCDIR
set -uo pipefail
cd "$1"
bad=0
# every source outside build directories (those have meson-private/)
dirs=$(for d in */; do d="${d%/}"; [ -e "$d/meson-private" ] || echo "$d"; done)
files=$(find $dirs -name '*.[chly]')
for f in $files; do
	dir="${f%/*}"
	while IFS= read -r inc; do
		[ -n "$inc" ] || continue
		hdir="${inc%/*}"
		if [ "$hdir" = "$inc" ] || [ "$hdir" != "$dir" ]; then
			if [ "$hdir" = "$inc" ] && [ "$dir" != "$f" ] && [ -f "$dir/$inc" ]; then
				continue   # "x_int.h" next to the includer
			fi
			echo "$f includes private header $inc"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*_int\.h\)".*/\1/p' "$f")
done
[ $bad = 0 ] && echo "no private header is included outside its folder"
exit $bad
