#!/usr/bin/env bash
# Builds the LibTorch peer (TorchSharp-cpu 0.107 = LibTorch 2.10 CPU) into bench/torch-peer/out/ and makes its native
# glue load on Debian 12 (see README.md here). Needs: .NET SDK, NuGet access (TorchSharp-cpu, ~600 MB), gcc, python3.
set -euo pipefail
cd "$(dirname "$0")"
dotnet publish TorchPeer.csproj -c Release -r linux-x64 --self-contained false -o out -v quiet -nologo
glue=out/libLibTorchSharp.so
# (grep reads whole outputs, not -q: under pipefail an early exit would fail the pipe)
needs=$(objdump -T "$glue" | grep -c 'GLIBCXX_3.4.32' || true)
has=$(strings "$(gcc -print-file-name=libstdc++.so.6)" | grep -cx 'GLIBCXX_3.4.32' || true)
if [ "$needs" -gt 0 ] && [ "$has" -eq 0 ]; then
  python3 weak-glibcxx.py "$glue" GLIBCXX_3.4.32
  gcc -shared -fPIC -O2 -o out/libios-shim.so ios-shim.c
fi
echo "built: $(pwd)/run.sh"
