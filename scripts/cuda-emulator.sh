#!/usr/bin/env bash
# Builds the emulated CUDA device (tests/cuda-emulator: libcuda.so.1, libcublas.so.12, libnvrtc.so.12 built with
# Debian's g++) when its sources are newer than the build, and prints the one folder to put in
# LLADAV_CUDA_LIBRARY_PATH:
#
#   export LLADAV_CUDA_LIBRARY_PATH=$(scripts/cuda-emulator.sh --emulators 2)
#   ./lladav-eval selftest --device cuda        # runs on "emulated device 0"
#
# --emulators N   number of emulated devices (cuda:0..cuda:N-1), written to the folder's emulator.conf; the
#                 environment variable LLADAV_CUDA_EMULATORS overrides it at run time. Default 1.
# Needs g++ (Debian: apt-get install g++). Exit 2 for a bad argument, 3 when g++ is missing or the build fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/tests/cuda-emulator"
out="${LLADAV_CUDA_EMULATOR_BUILD:-$root/.artifacts/cuda-emulator}"
emulators=""
while [ $# -gt 0 ]; do
  case "$1" in
    --emulators)
      [ $# -ge 2 ] || { echo "cuda-emulator.sh: --emulators needs a count (e.g. --emulators 2)" >&2; exit 2; }
      emulators="$2"; shift 2 ;;
    --emulators=*) emulators="${1#--emulators=}"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cuda-emulator.sh: unknown argument '$1' (usage: scripts/cuda-emulator.sh [--emulators N])" >&2; exit 2 ;;
  esac
done
if [ -n "$emulators" ] && ! [[ "$emulators" =~ ^[0-9]+$ && "$emulators" -ge 1 && "$emulators" -le 64 ]]; then
  echo "cuda-emulator.sh: --emulators '$emulators' is not a device count 1..64" >&2
  exit 2
fi
cxx="${LLADAV_CUDA_EMULATOR_CXX:-g++}"
if ! command -v "$cxx" >/dev/null; then
  echo "cuda-emulator.sh: $cxx not found; install it (Debian: apt-get install -y --no-install-recommends g++)" >&2
  exit 3
fi

mkdir -p "$out"
stamp="$out/.built"
if [ ! -f "$stamp" ] || [ -n "$(find "$src" "$0" -newer "$stamp" -type f -print -quit)" ]; then
  # The build id (a hash of the emulator's sources) goes into the three libraries and, through the emulated NVRTC,
  # into every module it compiles: the backend caches compiled modules by kernel source alone
  # (~/.cache/lladav-eval/cuda), so a module built by an older emulator is refused by name instead of run stale.
  build_id=$(cat "$src"/*.h "$src"/*.cpp | sha256sum | cut -c1-16)
  flags=(-std=c++17 -O2 -g -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -I"$src" "-DLLADAV_EMU_BUILD_ID=\"$build_id\"")
  log="$out/build.log"
  {
    "$cxx" "${flags[@]}" -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1" "$src/emu_driver.cpp" -ldl &&
    "$cxx" "${flags[@]}" -Wl,-soname,libcublas.so.12 -o "$out/libcublas.so.12" "$src/emu_cublas.cpp" \
      -L"$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN' &&
    "$cxx" "${flags[@]}" -Wl,-soname,libnvrtc.so.12 -o "$out/libnvrtc.so.12" "$src/emu_nvrtc.cpp" -ldl
  } >"$log" 2>&1 || { cat "$log" >&2; echo "cuda-emulator.sh: the build failed (log above, also in $log)" >&2; exit 3; }
  cp "$src/emu_prelude.h" "$src/emu_abi.h" "$out/"
  ln -sf libcuda.so.1 "$out/libcuda.so"
  ln -sf libcublas.so.12 "$out/libcublas.so"
  ln -sf libnvrtc.so.12 "$out/libnvrtc.so"
  touch "$stamp"
fi
if [ -n "$emulators" ]; then
  echo "devices=$emulators" > "$out/emulator.conf"
elif [ ! -f "$out/emulator.conf" ]; then
  echo "devices=1" > "$out/emulator.conf"
fi
echo "$out"
