/*
 * Loads and stores of the last 0-4 floats of a tensor, shared by the kernels. A full v128
 * load there could read past the end of tfjs's memory and trap.
 */
#ifndef MAEC_PARTIAL_H
#define MAEC_PARTIAL_H
#include <wasm_simd128.h>

/* Loads n (0..4) floats; lanes past them are `fill`. */
static inline v128_t load_partial_or(const float *p, int n, float fill) {
  switch (n) {
  case 0: return wasm_f32x4_splat(fill);
  case 1: return wasm_f32x4_make(p[0], fill, fill, fill);
  case 2: return wasm_f32x4_make(p[0], p[1], fill, fill);
  case 3: return wasm_f32x4_make(p[0], p[1], p[2], fill);
  default: return wasm_v128_load(p);
  }
}

/* Loads n (0..4) floats without touching memory past them; lanes past them are zero. */
static inline v128_t load_partial(const float *p, int n) { return load_partial_or(p, n, 0.0f); }

static inline void store_partial(float *p, v128_t v, int n) {
  switch (n) {
  case 0: return;
  case 1: p[0] = wasm_f32x4_extract_lane(v, 0); return;
  case 2:
    p[0] = wasm_f32x4_extract_lane(v, 0);
    p[1] = wasm_f32x4_extract_lane(v, 1);
    return;
  case 3:
    p[0] = wasm_f32x4_extract_lane(v, 0);
    p[1] = wasm_f32x4_extract_lane(v, 1);
    p[2] = wasm_f32x4_extract_lane(v, 2);
    return;
  default: wasm_v128_store(p, v); return;
  }
}

/* Sum of the four lanes. */
static inline float hsum(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

#endif
