#!/usr/bin/env bash
# README's test command, and CI's (.ci/run calls it): makes sure the Debian packages the tests need are installed,
# starts the one-node Slurm cluster when it can, then runs `dotnet test LLaDAV.Eval.sln -c Release "$@"` and prints
# one closing line 'tests: N passed, N failed, N skipped'. Exits with dotnet test's status, or 3 when a required
# package is missing and cannot be installed here (nothing is run then).
#
# Environment:
#   LLADAV_NO_INSTALL=1   only check: never run apt-get; a missing required package prints the install line, exit 3
#   LLADAV_DPKG=CMD       the package query command (default dpkg; `CMD -s PKG` must exit 0 when PKG is installed),
#                         so tests can simulate a machine where a package is missing
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Without these, tests fail: ffmpeg (video), libzstd1 (Parquet ZSTD pages), libopenblas0-pthread (OpenBLAS GEMM),
# g++ (builds the emulated CUDA device of tests/cuda-emulator, on which every CUDA test runs without a GPU).
# Images decode and figures draw through SkiaSharp's NuGet natives (ScottPlot, an embedded font), so no image,
# plotting or font package is needed.
required=(ffmpeg libzstd1 libopenblas0-pthread g++)
# Without these, their tests skip saying why: oneDNN for the CPU bf16 path (dnnl_gemm_bf16bf16f32), PyTorch (CPU) and
# numpy for the independent reference of the GPU proof (TorchReferenceTests), NVRTC (CUDA 11.8, Debian non-free) so
# the CUDA kernels compile, chromium (headless) to open report.html in a real browser (ReportInBrowserTests).
optional=(libdnnl2 python3-numpy python3-torch libnvrtc11.2 chromium)

dpkg_cmd=${LLADAV_DPKG:-dpkg}
installed() { $dpkg_cmd -s "$1" >/dev/null 2>&1; }
missing_of() { local p; for p in "$@"; do installed "$p" || printf '%s ' "$p"; done; }

if command -v "${dpkg_cmd%% *}" >/dev/null; then
  missing_required=$(missing_of "${required[@]}")
  missing_optional=$(missing_of "${optional[@]}")
else
  # Not Debian: package names mean nothing here, so do not refuse to run; doctor says what the tool finds.
  echo "note: no dpkg here, the Debian package check is skipped (./lladav-eval doctor lists what is found)" >&2
  missing_required='' missing_optional=''
fi

# Who may install: root directly, or a user with passwordless sudo. LLADAV_NO_INSTALL=1 turns both off.
as_root=()
can_install=0
if [ "${LLADAV_NO_INSTALL:-0}" != 1 ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    can_install=1
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    can_install=1
    as_root=(sudo -n)
  fi
fi

if [ -n "$missing_required" ] && [ "$can_install" = 0 ]; then
  echo "scripts/test.sh: required Debian packages are missing: ${missing_required% }" >&2
  echo "Install them, then run this again:" >&2
  echo "sudo apt-get install -y --no-install-recommends ${missing_required% }"
  if [ -n "$missing_optional" ]; then
    echo "Optional (their tests skip without them; libnvrtc11.2 needs Debian's non-free archive): sudo apt-get install -y --no-install-recommends ${missing_optional% }" >&2
  fi
  exit 3
fi

if [ -n "$missing_required" ]; then
  # Debian's non-free archive has NVRTC; enabled once, the same edit CI always made.
  if [ -f /etc/apt/sources.list.d/debian.sources ] && ! grep -q non-free /etc/apt/sources.list.d/debian.sources; then
    "${as_root[@]}" sed -i 's/^Components: main$/Components: main contrib non-free non-free-firmware/' /etc/apt/sources.list.d/debian.sources
  fi
  echo "scripts/test.sh: installing ${missing_required}${missing_optional}(apt-get)" >&2
  "${as_root[@]}" apt-get update -qq
  # shellcheck disable=SC2086 # the lists are space-separated package names
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends $missing_required >/dev/null
  for p in $missing_optional; do
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 \
      || echo "note: $p not installed (not available from the apt sources?); the tests that need it will skip"
  done
  still=$(missing_of "${required[@]}")
  if [ -n "$still" ]; then
    echo "scripts/test.sh: still missing after apt-get: ${still% }" >&2
    exit 3
  fi
elif [ -n "$missing_optional" ]; then
  # Not retried on every run (libnvrtc11.2 is absent wherever non-free is off): say what is skipped and how to add it.
  echo "note: optional packages missing, their tests will skip: ${missing_optional% } (apt-get install -y --no-install-recommends ${missing_optional% })"
fi

# Scale-out (issue 12): a real one-node Slurm cluster (munge, slurmctld, slurmd from Debian) for the `submit slurm`
# tests. Without it those tests skip with the reason; everything else runs the same.
if [ "$can_install" = 1 ] && [ "$(id -u)" = 0 ] && [ -x scripts/slurm-local-up.sh ]; then
  scripts/slurm-local-up.sh || echo "note: the local Slurm cluster did not start; the submit slurm tests will skip"
fi

# The CUDA backend runs on the emulated device (tests/cuda-emulator): its libcuda/libcublas/libnvrtc stand-ins are
# found first through LLADAV_CUDA_LIBRARY_PATH, so no CUDA test skips for want of a GPU. LLADAV_CUDA_EMULATOR=0 keeps
# whatever CUDA the machine has (a real GPU) instead.
if [ "${LLADAV_CUDA_EMULATOR:-1}" != 0 ]; then
  LLADAV_CUDA_LIBRARY_PATH=$(scripts/cuda-emulator.sh --emulators 2)
  export LLADAV_CUDA_LIBRARY_PATH
  echo "note: CUDA tests run on the emulated device ($LLADAV_CUDA_LIBRARY_PATH)"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# No test may hang CI: one running past 20 minutes (the slowest, on the emulated device, take a few) stops its test
# host and fails the run (VSTest's blame-hang collector) instead of using up the job's time.
dotnet test LLaDAV.Eval.sln -c Release --blame-hang-timeout 20m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain 'N passed, N failed' form, summed over the test projects.
awk '/(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
