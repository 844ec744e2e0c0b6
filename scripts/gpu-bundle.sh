#!/usr/bin/env bash
# Builds what the GPU proof carries to a device machine that has no .NET (issue 13): a self-contained, trimmed
# `dotnet publish -r linux-x64` of lladav-eval plus the tiny reference checkpoints the selftest checks, under
# .artifacts/gpu-bundle/ (git-ignored). Then run on the device, from the repository root:
#   scripts/gpu-check.sh            (log + summary under $OUT, or .artifacts/gpu-check/ when $OUT is unset)
# The device tool copies the working tree plus the paths named in `carry`: carry .artifacts/gpu-bundle.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/.artifacts/gpu-bundle"
rm -rf "$out"
# TrimMode=partial trims the framework only (our assemblies, YamlDotNet and System.CommandLine keep every member they
# reach by reflection); trim warnings are not errors here because the analysers flag JsonNode/YAML uses that partial
# trimming keeps intact. JSON reflection stays on for the same reason.
dotnet publish "$here/src/LLaDAV.Eval.Cli/LLaDAV.Eval.Cli.csproj" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:TreatWarningsAsErrors=false -p:SuppressTrimAnalysisWarnings=true \
  -p:JsonSerializerIsReflectionEnabledByDefault=true -p:DebugType=none -p:GenerateDocumentationFile=false \
  -o "$out/bin" -nologo -v quiet
reference="$here/tests/testdata/model-reference"
if [ -d "$reference" ]; then
  mkdir -p "$out/model-reference"
  cp -r "$reference"/. "$out/model-reference/"
else
  echo "note: $reference not found; the selftest's reference-checkpoint step will be skipped on the device" >&2
fi
size=$(du -sm "$out" | cut -f1)
echo "bundle: $out (${size} MiB; the device tool carries at most 64 MiB)"
if [ "$size" -ge 60 ]; then
  echo "error: the bundle is ${size} MiB, too close to the device tool's 64 MiB limit" >&2
  exit 1
fi
