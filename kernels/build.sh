#!/usr/bin/env bash
# Builds the two kernel binaries from the C sources:
#   kernels/maec_kernels.wasm          plain SIMD128, with Debian's clang 14 and lld
#   kernels/maec_kernels_relaxed.wasm  the same sources with relaxed SIMD (MAEC_RELAXED_SIMD:
#                                      fused multiply-add, kernels/madd.h), with clang 16 and
#                                      lld 16: clang 14 emits the proposal's early opcode for
#                                      f32x4.relaxed_madd (0xfd 0xaf), which V8 no longer
#                                      accepts; clang 16 emits the standard one (0xfd 0x105)
#
#   bash kernels/build.sh          rebuild and overwrite the committed binaries
#   bash kernels/build.sh --check  rebuild into a temporary folder and fail if either differs
#                                  byte for byte from the committed one
#
# The binaries are committed so users need no compiler; --check keeps them honest. The build is
# deterministic: no debug info, no paths, fixed flags, translation units in a fixed order.
# CLANG / WASM_LD and CLANG_RELAXED / WASM_LD_RELAXED override the compilers (default clang,
# wasm-ld, clang-16, wasm-ld-16).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-build}"
clang_plain="${CLANG:-clang}"
ld_plain="${WASM_LD:-wasm-ld}"
clang_relaxed="${CLANG_RELAXED:-clang-16}"
ld_relaxed="${WASM_LD_RELAXED:-wasm-ld-16}"

for tool in "$clang_plain" "$ld_plain" "$clang_relaxed" "$ld_relaxed"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "kernels/build.sh: $tool not found; skipped (the committed kernels/maec_kernels*.wasm are used as is)"
    exit 0
  fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# -fno-builtin: without it clang turns the packing loops into calls to memcpy/memset, which
# a -nostdlib module cannot import. -O3 -msimd128: the kernel is written with wasm_simd128.h.
cflags=(--target=wasm32 -msimd128 -O3 -fno-builtin -ffreestanding -g0 -Wall -Wextra -Werror)
units=(matmul elementwise adamw)

# build_one NAME CLANG WASM_LD EXTRA_CFLAGS...: compiles every unit into $work/NAME/ and links
# $work/NAME.wasm, then checks the module.
build_one() {
  local name="$1" cc="$2" ld="$3"
  shift 3
  mkdir -p "$work/$name"
  local objects=()
  for unit in "${units[@]}"; do
    "$cc" "${cflags[@]}" "$@" -c "$here/$unit.c" -o "$work/$name/$unit.o"
    objects+=("$work/$name/$unit.o")
  done
  # --import-memory: the kernels run on tfjs-wasm's own memory, so tensors need no copies.
  # The exports are listed in check_module.mjs too, which fails on any other.
  "$ld" --no-entry --import-memory --strip-debug \
    --export=maec_matmul --export=maec_scratch_floats \
    --export=maec_gelu --export=maec_gelu_grad \
    --export=maec_softmax_grad \
    --export=maec_layer_norm --export=maec_layer_norm_grad \
    --export=maec_sum_rows --export=maec_adamw \
    "${objects[@]}" -o "$work/$name.wasm"
  node --experimental-wasm-relaxed-simd "$here/check_module.mjs" "$work/$name.wasm" "${objects[@]}"
}

build_one maec_kernels "$clang_plain" "$ld_plain"
build_one maec_kernels_relaxed "$clang_relaxed" "$ld_relaxed" -mrelaxed-simd -DMAEC_RELAXED_SIMD

status=0
for name in maec_kernels maec_kernels_relaxed; do
  committed="$here/$name.wasm"
  if [[ "$mode" == "--check" ]]; then
    if cmp -s "$work/$name.wasm" "$committed"; then
      echo "kernels/build.sh: fresh build matches $committed"
    else
      echo "kernels/build.sh: fresh build differs from $committed; run 'npm run build:kernels' and commit" >&2
      status=1
    fi
  else
    cp "$work/$name.wasm" "$committed"
    echo "kernels/build.sh: wrote $committed ($(wc -c <"$committed") bytes)"
  fi
done
exit "$status"
