#!/usr/bin/env bash
# Installs the Debian 12 packages scry builds and tests with, if any is missing.
# Usage: scripts/deps.sh [--test]   (--test adds what the test suites use)
set -euo pipefail
pkgs=(llvm-19-dev libbpf-dev libelf-dev libdw-dev flex bison meson ninja-build pkg-config
      zlib1g-dev libzstd-dev gcc scdoc)
if [ "${1:-}" = "--test" ]; then
	pkgs+=(bpftool systemtap-sdt-dev python3 clang-19 libclang-rt-19-dev prometheus
	       qemu-system-x86 busybox-static xz-utils zstd)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "scry: missing packages: ${missing[*]} (run as root to install them)" >&2
		exit 1
	fi
	echo "scry: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
