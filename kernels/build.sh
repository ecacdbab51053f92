#!/usr/bin/env bash
# Builds kernels/maec_kernels.wasm from the C sources with Debian's clang 14 and lld.
#
#   bash kernels/build.sh          rebuild and overwrite the committed binary
#   bash kernels/build.sh --check  rebuild into a temporary file and fail if it differs
#                                  byte for byte from the committed one
#
# The binary is committed so users need no compiler; --check keeps it honest. The build is
# deterministic: no debug info, no paths, fixed flags, translation units in a fixed order.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
committed="$here/maec_kernels.wasm"
mode="${1:-build}"

if ! command -v clang >/dev/null 2>&1 || ! command -v wasm-ld >/dev/null 2>&1; then
  echo "kernels/build.sh: clang or wasm-ld not found; skipped (the committed $committed is used as is)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# -fno-builtin: without it clang turns the packing loops into calls to memcpy/memset, which
# a -nostdlib module cannot import. -O3 -msimd128: the kernel is written with wasm_simd128.h.
cflags=(--target=wasm32 -msimd128 -O3 -fno-builtin -ffreestanding -g0 -Wall -Wextra -Werror)
units=(matmul elementwise)
for unit in "${units[@]}"; do
  clang "${cflags[@]}" -c "$here/$unit.c" -o "$work/$unit.o"
done
objects=("${units[@]/#/$work/}")
objects=("${objects[@]/%/.o}")
# --import-memory: the kernels run on tfjs-wasm's own memory, so tensors need no copies.
# The exports are listed in check_module.mjs too, which fails on any other.
wasm-ld --no-entry --import-memory --strip-debug \
  --export=maec_matmul --export=maec_scratch_floats \
  --export=maec_gelu --export=maec_gelu_grad \
  --export=maec_softmax_grad \
  --export=maec_layer_norm --export=maec_layer_norm_grad \
  --export=maec_sum_rows \
  "${objects[@]}" -o "$work/maec_kernels.wasm"

node "$here/check_module.mjs" "$work/maec_kernels.wasm" "${objects[@]}"

if [[ "$mode" == "--check" ]]; then
  if cmp -s "$work/maec_kernels.wasm" "$committed"; then
    echo "kernels/build.sh: fresh build matches $committed"
  else
    echo "kernels/build.sh: fresh build differs from $committed; run 'npm run build:kernels' and commit" >&2
    exit 1
  fi
else
  cp "$work/maec_kernels.wasm" "$committed"
  echo "kernels/build.sh: wrote $committed ($(wc -c <"$committed") bytes)"
fi
