/*
 * c + a * b for the kernels' inner loops and polynomials. The relaxed-SIMD build (build.sh
 * compiles every unit a second time with -mrelaxed-simd -DMAEC_RELAXED_SIMD into
 * maec_kernels_relaxed.wasm) emits f32x4.relaxed_madd, which V8 turns into one fused
 * multiply-add where the CPU has one (x86 FMA3, ARM NEON), rounding once instead of twice; the
 * plain build keeps a multiply and an add, which every SIMD runtime accepts.
 */
#ifndef MAEC_MADD_H
#define MAEC_MADD_H
#include <wasm_simd128.h>

static inline v128_t madd(v128_t a, v128_t b, v128_t c) {
#ifdef MAEC_RELAXED_SIMD
  return __builtin_wasm_relaxed_madd_f32x4(a, b, c);
#else
  return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
#endif
}

#endif
