#!/usr/bin/env bash
# The GPU proof (issue 13) in one command, for a machine with an NVIDIA GPU and no .NET: run from the repository root
# after scripts/gpu-bundle.sh has built .artifacts/gpu-bundle (carry that path to the device).
#
#   scripts/gpu-check.sh                       all steps
#   GPU_CHECK_STEPS=env,selftest scripts/gpu-check.sh
#
# Steps (each with its own timeout, all inside GPU_CHECK_BUDGET_S, default 560 s, so one hang cannot eat the device
# time): env (device, driver, which libcuda/cuBLAS/NVRTC), selftest (`selftest --device cuda`), tests (the CUDA xunit
# tests when a .NET SDK is there), torch (PyTorch reference vs our forward/sampler on LLaDA- and LLaMA-shaped random
# checkpoints), bench (`bench --device cuda --preset llada-8b`), torch-bench (PyTorch eager on the same shapes).
# Writes $OUT/gpu-check.log (everything) and $OUT/summary.json (per step: status, exit code, seconds, key figures);
# $OUT defaults to .artifacts/gpu-check. Large scratch files (checkpoints, logits) go to $GPU_CHECK_WORK, never $OUT.
# Exit code: 0 when every step that ran passed, 1 when one failed, 3 when there is no usable GPU.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)
out=${OUT:-$repo/.artifacts/gpu-check}
work=${GPU_CHECK_WORK:-/tmp/lladav-gpu-check}
bundle=${GPU_BUNDLE:-$repo/.artifacts/gpu-bundle}
tool=${LLADAV_EVAL:-$bundle/bin/lladav-eval}
steps=",${GPU_CHECK_STEPS:-env,selftest,tests,torch,bench,torch-bench},"
budget=${GPU_CHECK_BUDGET_S:-560}
mkdir -p "$out" "$work"
log="$out/gpu-check.log"
results="$out/steps.tsv"
: >"$log"
: >"$results"
start=$(date +%s)

say() { echo "$*" | tee -a "$log"; }

# run_step NAME TIMEOUT COMMAND...: runs with a timeout capped by the budget left, logs output, records the result.
run_step() {
  local name=$1 limit=$2
  shift 2
  local left=$((budget - ($(date +%s) - start) - 15))
  if [ "$left" -lt 20 ]; then
    say "== $name: skipped (budget of ${budget}s spent)"
    printf '%s\t%s\t%s\t%s\n' "$name" skipped "" "budget spent" >>"$results"
    return 0
  fi
  [ "$limit" -gt "$left" ] && limit=$left
  say "== $name (timeout ${limit}s): $*"
  local t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >>"$log" 2>&1
  local rc=$?
  local dt=$(($(date +%s) - t0))
  local status=passed
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then status=timeout; elif [ "$name" = selftest ] && [ $rc -eq 3 ]; then status=no-device; elif [ $rc -ne 0 ]; then status=failed; fi
  say "== $name: $status (exit $rc, ${dt}s)"
  printf '%s\t%s\t%s\t%s\n' "$name" "$status" "$rc" "${dt}s" >>"$results"
  return 0
}

skip_step() {
  say "== $1: skipped: $2"
  printf '%s\t%s\t%s\t%s\n' "$1" skipped "" "$2" >>"$results"
}

wants() { [[ "$steps" == *",$1,"* ]]; }

if [ ! -x "$tool" ]; then
  say "error: $tool is not there; build the bundle first with scripts/gpu-bundle.sh (or set LLADAV_EVAL)"
  exit 2
fi

# A Python with PyTorch: $PYTHON, python3, or /usr/bin/python3.
python=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c "import torch, numpy" >/dev/null 2>&1; then python=$p; break; fi
done

# cuBLAS/NVRTC from PyTorch's pip nvidia-* wheels (the device image has no CUDA toolkit): put their lib folders on
# the loader path, so libnvrtc finds libnvrtc-builtins and libcublas finds libcublasLt beside them.
libdirs=""
if [ -n "$python" ]; then
  libdirs=$("$python" - <<'PY' 2>/dev/null
import glob, os, site, sys
roots = set(site.getsitepackages() + [site.getusersitepackages()] + [p for p in sys.path if p.endswith("-packages")])
dirs = sorted({d for r in roots for d in glob.glob(os.path.join(r, "nvidia", "*", "lib")) if os.path.isdir(d)})
print(":".join(dirs))
PY
)
  if [ -n "$libdirs" ]; then
    export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LLADAV_CUDA_LIBRARY_PATH="$libdirs"
  fi
fi

if wants env; then
  {
    echo "date: $(date -u +%FT%TZ)"
    echo "host: $(hostname) ($(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB)"
    echo "tool: $tool ($("$tool" --version 2>&1 | tail -1))"
    if command -v nvidia-smi >/dev/null; then
      nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
    else
      echo "nvidia-smi: not found"
    fi
    echo "libcuda (ldconfig): $(ldconfig -p 2>/dev/null | grep -m1 'libcuda.so.1' || echo none)"
    echo "python with torch: ${python:-none}"
    [ -n "$python" ] && "$python" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available(), torch.cuda.get_device_name() if torch.cuda.is_available() else '')"
    echo "pip CUDA library folders: ${libdirs:-none}"
    for d in ${libdirs//:/ }; do ls "$d" | grep -E '^lib(cublas|cublasLt|nvrtc|nvrtc-builtins)\.so' | sed "s|^|  $d/|"; done
  } >>"$log" 2>&1
  tail -n +1 "$log"
  printf '%s\t%s\t%s\t%s\n' env passed 0 "" >>"$results"
fi

if wants selftest; then
  reference="$bundle/model-reference"
  if [ -d "$reference" ]; then
    run_step selftest 150 "$tool" selftest --device cuda --model-reference "$reference"
  else
    run_step selftest 150 "$tool" selftest --device cuda
  fi
fi

# selftest exit 3 = no usable CUDA device (its output says which library or driver call failed): the GPU steps after
# it would only fail the same way, so they are skipped with that reason instead of spending the budget.
no_device=0
if awk -F'\t' '$1=="selftest" && $3=="3" {found=1} END {exit !found}' "$results"; then no_device=1; fi

if wants tests; then
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q .; then
    run_step tests 240 dotnet test tests/LLaDAV.Eval.Models.Tests -c Release --filter "FullyQualifiedName~Cuda"
  else
    skip_step tests "no .NET SDK on this machine; the GPU tests' checks (every op vs the CPU, reference ids with fp32 weights, 2048-token attention) ran in the selftest step through the same code"
  fi
fi

have_gpu_torch=0
if [ -n "$python" ] && "$python" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" >/dev/null 2>&1; then have_gpu_torch=1; fi
ref="$repo/scripts/gpu/torch_reference.py"

if wants torch; then
  if [ $no_device -eq 1 ]; then
    skip_step torch "no CUDA device (selftest exit 3)"
  elif [ $have_gpu_torch -eq 0 ]; then
    skip_step torch "no PyTorch with a CUDA device (python: ${python:-none}); the comparison needs torch.cuda.is_available()"
  else
    run_step torch-make-llada 90 "$python" "$ref" make --kind llada --layers 2 --tokens 1024 --out "$work/llada"
    run_step torch-check-llada 150 "$python" "$ref" check --model "$work/llada" --tool "$tool" --work "$work" --prompt 256 --gen 32 --out "$out/torch_llada.json"
    rm -rf "$work/llada"
    run_step torch-make-llama 90 "$python" "$ref" make --kind llama --layers 2 --tokens 1024 --out "$work/llama"
    run_step torch-check-llama 150 "$python" "$ref" check --model "$work/llama" --tool "$tool" --work "$work" --prompt 256 --gen 32 --out "$out/torch_llama.json"
    rm -rf "$work/llama"
  fi
fi

if wants bench && [ $no_device -eq 1 ]; then
  skip_step bench "no CUDA device (selftest exit 3)"
elif wants bench; then
  run_step bench 300 "$tool" bench --device cuda --preset llada-8b --json "$out/bench.json"
fi

if wants torch-bench; then
  if [ $no_device -eq 1 ]; then
    skip_step torch-bench "no CUDA device (selftest exit 3)"
  elif [ $have_gpu_torch -eq 0 ]; then
    skip_step torch-bench "no PyTorch with a CUDA device (python: ${python:-none})"
  else
    run_step torch-bench 150 "$python" "$ref" bench --preset llada-8b --out "$out/torch_bench.json"
  fi
fi

# The summary: every step's result, and the key figures of the JSON files the steps wrote.
summarize() {
  local py=${python:-}
  [ -z "$py" ] && command -v python3 >/dev/null && py=python3
  if [ -z "$py" ]; then
    { echo '{"steps": ['; awk -F'\t' 'NR>1{printf ",\n"} {printf "  {\"step\": \"%s\", \"status\": \"%s\", \"exit\": \"%s\", \"detail\": \"%s\"}", $1, $2, $3, $4}' "$results"; echo; echo ']}'; } >"$out/summary.json"
    return
  fi
  "$py" "$repo/scripts/gpu/summarize.py" "$out" "$results" >>"$log" 2>&1 || echo "summary: summarize.py failed (see log)" >>"$log"
}
summarize
say "summary: $out/summary.json; log: $log; $(($(date +%s) - start))s in all"

[ $no_device -eq 1 ] && exit 3
if awk -F'\t' '$2=="failed" || $2=="timeout" {found=1} END {exit !found}' "$results"; then exit 1; fi
exit 0
