#!/usr/bin/env bash
# ./run.sh <scry args>: installs dependencies if missing, builds, runs scry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/scripts/deps.sh"
"$here/scripts/build.sh" >/dev/null 2>&1 || "$here/scripts/build.sh"
exec "$here/build/scry" "$@"
