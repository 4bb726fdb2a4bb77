#!/usr/bin/env bash
# Configures (once) and builds scry. Build output goes to stderr.
# Usage: scripts/build.sh [--builddir DIR] [meson setup options...]
#   DIR defaults to build/; the options are used only when DIR is first configured.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=build
if [ "${1:-}" = "--builddir" ]; then
	builddir="$2"
	shift 2
fi
if [ ! -f "$builddir/build.ninja" ]; then
	# a half-configured directory (an earlier setup failed) is set up again
	if [ -d "$builddir/meson-private" ]; then
		meson setup --wipe "$builddir" "$@" >&2
	else
		meson setup "$builddir" "$@" >&2
	fi
fi
ninja -C "$builddir" >&2
