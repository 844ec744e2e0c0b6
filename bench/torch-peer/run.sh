#!/usr/bin/env bash
# Starts the peer built by build.sh (stdin/stdout protocol in Program.cs); `lladav-eval bench --peer bench/torch-peer/run.sh`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ -x "$here/out/TorchPeer" ] || { echo "error the peer is not built: run $here/build.sh" ; exit 3; }
if [ -f "$here/out/libios-shim.so" ]; then export LD_PRELOAD="$here/out/libios-shim.so${LD_PRELOAD:+:$LD_PRELOAD}"; fi
exec "$here/out/TorchPeer"
