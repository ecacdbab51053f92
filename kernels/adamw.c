/*
 * One AdamW update of a parameter tensor in one pass, for tfjs-wasm's memory.
 *
 * Why it exists: runtime/train/adamw.ts's update is about fourteen tfjs ops per parameter (a
 * kernel call each, on top of the passes over memory); for cifar-small's 110 parameters that
 * was half of a training step's kernel calls. Here it is one call per parameter.
 *
 * Exactness: the same float32 operations in the same order as adamw.ts, each rounded once
 * (IEEE multiply, add, divide and square root, no fused multiply-add: FP_CONTRACT is off, and
 * madd.h is not used), so the results are bit for bit those of the tfjs ops:
 *   m' = m * beta1 + g * (1 - beta1)
 *   v' = v * beta2 + (g * g) * (1 - beta2)
 *   p' = p * decay - ((m' / c1) / (sqrt(v' / c2) + eps)) * lr
 * where decay is 1 - lr * weight_decay for a decayed parameter and 1 otherwise (multiplying by
 * 1 is exact), c1 = 1 - beta1^t and c2 = 1 - beta2^t. The caller rounds every scalar to float32
 * as tfjs does when it makes a scalar tensor from a number.
 */
#include <wasm_simd128.h>
#include "partial.h"

#pragma STDC FP_CONTRACT OFF

static inline void adamw4(const float *p, const float *g, const float *m, const float *v, float *po,
                          float *mo, float *vo, int n, v128_t beta1, v128_t one_minus_beta1,
                          v128_t beta2, v128_t one_minus_beta2, v128_t decay, v128_t c1, v128_t c2,
                          v128_t eps, v128_t lr) {
  v128_t gv = load_partial(g, n);
  v128_t mn = wasm_f32x4_add(wasm_f32x4_mul(load_partial(m, n), beta1), wasm_f32x4_mul(gv, one_minus_beta1));
  v128_t vn = wasm_f32x4_add(wasm_f32x4_mul(load_partial(v, n), beta2),
                             wasm_f32x4_mul(wasm_f32x4_mul(gv, gv), one_minus_beta2));
  v128_t denom = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_div(vn, c2)), eps);
  v128_t update = wasm_f32x4_div(wasm_f32x4_div(mn, c1), denom);
  v128_t pn = wasm_f32x4_sub(wasm_f32x4_mul(load_partial(p, n), decay), wasm_f32x4_mul(update, lr));
  store_partial(mo, mn, n);
  store_partial(vo, vn, n);
  store_partial(po, pn, n);
}

/* Writes p', m', v' (n floats each) from p, g, m, v; outputs may not alias inputs. */
__attribute__((export_name("maec_adamw"))) void
maec_adamw(const float *p, const float *g, const float *m, const float *v, float *p_out, float *m_out,
           float *v_out, int n, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
           float decay, float c1, float c2, float eps, float lr) {
  v128_t b1 = wasm_f32x4_splat(beta1), omb1 = wasm_f32x4_splat(one_minus_beta1);
  v128_t b2 = wasm_f32x4_splat(beta2), omb2 = wasm_f32x4_splat(one_minus_beta2);
  v128_t d = wasm_f32x4_splat(decay), vc1 = wasm_f32x4_splat(c1), vc2 = wasm_f32x4_splat(c2);
  v128_t ve = wasm_f32x4_splat(eps), vlr = wasm_f32x4_splat(lr);
  int i = 0;
  for (; i + 4 <= n; i += 4)
    adamw4(p + i, g + i, m + i, v + i, p_out + i, m_out + i, v_out + i, 4, b1, omb1, b2, omb2, d, vc1, vc2, ve, vlr);
  if (i < n)
    adamw4(p + i, g + i, m + i, v + i, p_out + i, m_out + i, v_out + i, n - i, b1, omb1, b2, omb2, d, vc1, vc2, ve, vlr);
}
