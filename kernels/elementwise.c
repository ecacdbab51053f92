/*
 * Fused elementwise and row-wise float32 kernels for tfjs-wasm's memory: GELU and LayerNorm,
 * each forward and backward, softmax's backward, and a sum over leading axes.
 *
 * Why they exist: once the matmuls ran on kernels/matmul.c, a training step spent a fifth
 * of its time in the elementwise ops around them. tfjs computes exact GELU's gradient with
 * about ten kernel calls (erf, exp, multiplies and adds, each a full pass over the MLP's
 * widest tensor), and its Sum over a leading axis transposes the whole input first. Here each
 * op is one pass.
 *
 * Same constraints as matmul.c: no data segment, no shadow stack, no libm (build.sh checks).
 * exp and erfc are our own, below, accurate to a few float32 ulps.
 *
 * Pointers are byte addresses in tfjs's memory; every tensor is contiguous row-major.
 */
#include <wasm_simd128.h>
#include "madd.h"
#include "partial.h"

#define splat wasm_f32x4_splat

/* A vector constant clang must keep in a local: hoisted out of the loop instead of
 * rematerialised at every use. V8 builds each v128.const from immediates (several
 * instructions); with the ~30 constants of GELU that doubled its time. */
static inline v128_t opaque(v128_t v) {
  __asm__("" : "+r"(v));
  return v;
}
#define K(c) opaque(wasm_f32x4_splat(c))
#define add wasm_f32x4_add
#define sub wasm_f32x4_sub
#define mul wasm_f32x4_mul

/*
 * exp(a + b) where a is exact and may be large, b small: -x^2/2 is passed as an exact a and
 * a small correction b, so the argument's rounding (up to 3e-6 absolute at x = 7) does not
 * become the result's relative error. Cody-Waite reduction a + b = n ln2 + r with a two-part
 * ln2 whose high part has 9 bits, so a - n * ln2_hi is exact; then Cephes' expf polynomial on
 * |r| <= ln2/2 (about 1 ulp) and 2^n built in the exponent bits. Arguments below -87 give 0
 * (float32 subnormals are not produced), above 88 about 1.7e38.
 */
static inline v128_t exp_split(v128_t a, v128_t b) {
  const v128_t lowest = K(-87.0f), highest = K(88.0f);
  v128_t under = wasm_f32x4_lt(add(a, b), lowest);
  a = wasm_v128_bitselect(lowest, a, under);
  b = wasm_v128_andnot(b, under);
  a = wasm_f32x4_pmin(a, highest);
  /* n = round((a + b) / ln2) by the 1.5 * 2^23 trick: after the add, n sits in the low
   * mantissa bits of `shifted`, so no float-to-int conversion is needed for 2^n. */
  v128_t shifted = add(mul(add(a, b), K(1.44269504088896341f)), K(12582912.0f));
  v128_t n = sub(shifted, K(12582912.0f));
  v128_t r = sub(a, mul(n, K(0.693359375f)));
  r = add(r, b);
  r = sub(r, mul(n, K(-2.12194440e-4f)));
  v128_t p = K(1.9875691500e-4f);
  p = madd(p, r, K(1.3981999507e-3f));
  p = madd(p, r, K(8.3334519073e-3f));
  p = madd(p, r, K(4.1665795894e-2f));
  p = madd(p, r, K(1.6666665459e-1f));
  p = madd(p, r, K(5.0000001201e-1f));
  p = add(add(mul(p, mul(r, r)), r), K(1.0f));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(shifted, opaque(wasm_i32x4_splat(127 - 0x4b400000))), 23);
  return wasm_v128_andnot(mul(p, scale), under);
}

/* -x^2 / 2 as an exact high part (x with its low 12 mantissa bits cleared, squared, fits
 * 24 bits) and a small low part. */
static inline __attribute__((always_inline)) void minus_half_square(v128_t x, v128_t *hi, v128_t *lo) {
  v128_t xh = wasm_v128_and(x, opaque(wasm_i32x4_splat((int)0xfffff000)));
  *hi = mul(K(-0.5f), mul(xh, xh));
  *lo = mul(K(-0.5f), mul(sub(x, xh), add(x, xh)));
}

/*
 * Upper tail Q(|x|) = P(Z > |x|) = erfc(|x| / sqrt 2) / 2 of the standard normal, to about
 * 5e-7 relative for every x (no cancellation in the tail, unlike 1 - Phi). erfc by the
 * Chebyshev fit of Numerical Recipes (erfcc, 1.2e-7 relative everywhere):
 *   erfc(z) = t exp(-z^2 + P(t)),  t = 1 / (1 + z/2).
 * hi + lo is -x^2/2 = -z^2 from minus_half_square.
 */
static inline v128_t normal_tail(v128_t ax, v128_t hi, v128_t lo) {
  v128_t t = wasm_f32x4_div(K(1.0f), add(K(1.0f), mul(ax, K(0.35355339059327373f))));
  v128_t p = K(0.17087277f);
  p = madd(p, t, K(-0.82215223f));
  p = madd(p, t, K(1.48851587f));
  p = madd(p, t, K(-1.13520398f));
  p = madd(p, t, K(0.27886807f));
  p = madd(p, t, K(-0.18628806f));
  p = madd(p, t, K(0.09678418f));
  p = madd(p, t, K(0.37409196f));
  p = madd(p, t, K(1.00002368f));
  p = madd(p, t, K(-1.26551223f));
  return mul(mul(K(0.5f), t), exp_split(hi, add(lo, p)));
}

/* Phi(x), the standard normal CDF, from the tail of |x|. */
static inline v128_t normal_cdf(v128_t x, v128_t hi, v128_t lo) {
  v128_t q = normal_tail(wasm_f32x4_abs(x), hi, lo);
  return wasm_v128_bitselect(q, sub(K(1.0f), q), wasm_f32x4_lt(x, K(0.0f)));
}

static inline v128_t gelu4(v128_t x) {
  v128_t hi, lo;
  minus_half_square(x, &hi, &lo);
  return mul(x, normal_cdf(x, hi, lo));
}

/* d gelu / dx = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi). */
static inline v128_t gelu_slope4(v128_t x) {
  v128_t hi, lo;
  minus_half_square(x, &hi, &lo);
  v128_t pdf = mul(exp_split(hi, lo), K(0.3989422804014327f));
  return add(normal_cdf(x, hi, lo), mul(x, pdf));
}

/* y = x Phi(x) (exact GELU, torch.nn.GELU()), n elements. */
__attribute__((export_name("maec_gelu"))) void maec_gelu(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, gelu4(wasm_v128_load(x + i)));
  store_partial(y + i, gelu4(load_partial(x + i, n - i)), n - i);
}

/* dx = dy (Phi(x) + x phi(x)), n elements. */
__attribute__((export_name("maec_gelu_grad"))) void maec_gelu_grad(const float *x, const float *dy, float *dx,
                                                                    int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(dx + i, mul(wasm_v128_load(dy + i), gelu_slope4(wasm_v128_load(x + i))));
  int r = n - i;
  store_partial(dx + i, mul(load_partial(dy + i, r), gelu_slope4(load_partial(x + i, r))), r);
}

/*
 * ds = scale * p * (dp - sum_j dp p) per row of `cols`: the gradient of softmax(scale * s)
 * with respect to s. (The forward softmax stays with tfjs-wasm, whose XNNPACK softmax
 * measured twice as fast as a kernel written here.)
 */
__attribute__((export_name("maec_softmax_grad"))) void maec_softmax_grad(const float *p, const float *dp,
                                                                          float *ds, int rows, int cols,
                                                                          float scale) {
  int full = cols & ~3, rest = cols - full;
  for (int row = 0; row < rows; ++row) {
    const float *pr = p + row * cols, *dpr = dp + row * cols;
    float *dsr = ds + row * cols;
    v128_t dot = mul(load_partial(pr + full, rest), load_partial(dpr + full, rest));
    for (int j = 0; j < full; j += 4) dot = add(dot, mul(wasm_v128_load(pr + j), wasm_v128_load(dpr + j)));
    v128_t vdot = splat(hsum(dot)), vscale = splat(scale);
    for (int j = 0; j < full; j += 4) {
      v128_t g = sub(wasm_v128_load(dpr + j), vdot);
      wasm_v128_store(dsr + j, mul(vscale, mul(wasm_v128_load(pr + j), g)));
    }
    if (rest) {
      v128_t g = sub(load_partial(dpr + full, rest), vdot);
      store_partial(dsr + full, mul(vscale, mul(load_partial(pr + full, rest), g)), rest);
    }
  }
}

/*
 * LayerNorm over rows of `cols` with the biased variance (two passes, as tf.moments):
 *   xhat = (x - mean) rstd,  rstd = 1 / sqrt(var + eps),  y = xhat gamma + beta.
 * Writes y and xhat (rows x cols) and rstd (rows): what the gradient needs.
 */
__attribute__((export_name("maec_layer_norm"))) void
maec_layer_norm(const float *x, const float *gamma, const float *beta, float *y, float *xhat, float *rstd,
                int rows, int cols, float eps) {
  int full = cols & ~3, rest = cols - full;
  for (int row = 0; row < rows; ++row) {
    const float *xr = x + row * cols;
    float *yr = y + row * cols, *hr = xhat + row * cols;
    v128_t total = load_partial(xr + full, rest);
    for (int j = 0; j < full; j += 4) total = add(total, wasm_v128_load(xr + j));
    v128_t mean = splat(hsum(total) / (float)cols);
    v128_t dev = sub(load_partial(xr + full, rest), mean);
    dev = wasm_v128_and(dev, wasm_i32x4_lt(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat(rest)));
    v128_t squares = mul(dev, dev);
    for (int j = 0; j < full; j += 4) {
      v128_t d = sub(wasm_v128_load(xr + j), mean);
      squares = add(squares, mul(d, d));
    }
    v128_t var = splat(hsum(squares) / (float)cols);
    v128_t r = wasm_f32x4_div(K(1.0f), wasm_f32x4_sqrt(add(var, splat(eps))));
    rstd[row] = wasm_f32x4_extract_lane(r, 0);
    for (int j = 0; j < full; j += 4) {
      v128_t h = mul(sub(wasm_v128_load(xr + j), mean), r);
      wasm_v128_store(hr + j, h);
      wasm_v128_store(yr + j, madd(h, wasm_v128_load(gamma + j), wasm_v128_load(beta + j)));
    }
    if (rest) {
      v128_t h = mul(sub(load_partial(xr + full, rest), mean), r);
      store_partial(hr + full, h, rest);
      store_partial(yr + full, madd(h, load_partial(gamma + full, rest), load_partial(beta + full, rest)), rest);
    }
  }
}

/*
 * The gradient of maec_layer_norm, with g = dy gamma and means over each row:
 *   dx = rstd (g - mean(g) - xhat mean(g xhat)),
 *   dgamma = sum over rows of dy xhat,  dbeta = sum over rows of dy   (cols each).
 */
__attribute__((export_name("maec_layer_norm_grad"))) void
maec_layer_norm_grad(const float *dy, const float *xhat, const float *rstd, const float *gamma, float *dx,
                     float *dgamma, float *dbeta, int rows, int cols) {
  int full = cols & ~3, rest = cols - full;
  v128_t zero = K(0.0f);
  for (int j = 0; j < full; j += 4) {
    wasm_v128_store(dgamma + j, zero);
    wasm_v128_store(dbeta + j, zero);
  }
  store_partial(dgamma + full, zero, rest);
  store_partial(dbeta + full, zero, rest);
  v128_t inv_cols = splat(1.0f / (float)cols);
  for (int row = 0; row < rows; ++row) {
    const float *dyr = dy + row * cols, *hr = xhat + row * cols;
    float *dxr = dx + row * cols;
    v128_t sum_g = zero, sum_gh = zero;
    for (int j = 0; j < full; j += 4) {
      v128_t d = wasm_v128_load(dyr + j), h = wasm_v128_load(hr + j);
      v128_t g = mul(d, wasm_v128_load(gamma + j));
      sum_g = add(sum_g, g);
      sum_gh = add(sum_gh, mul(g, h));
      wasm_v128_store(dgamma + j, add(wasm_v128_load(dgamma + j), mul(d, h)));
      wasm_v128_store(dbeta + j, add(wasm_v128_load(dbeta + j), d));
    }
    if (rest) {
      v128_t d = load_partial(dyr + full, rest), h = load_partial(hr + full, rest);
      v128_t g = mul(d, load_partial(gamma + full, rest));
      sum_g = add(sum_g, g);
      sum_gh = add(sum_gh, mul(g, h));
      store_partial(dgamma + full, add(load_partial(dgamma + full, rest), mul(d, h)), rest);
      store_partial(dbeta + full, add(load_partial(dbeta + full, rest), d), rest);
    }
    v128_t mean_g = mul(splat(hsum(sum_g)), inv_cols);
    v128_t mean_gh = mul(splat(hsum(sum_gh)), inv_cols);
    v128_t r = splat(rstd[row]);
    for (int j = 0; j < full; j += 4) {
      v128_t g = mul(wasm_v128_load(dyr + j), wasm_v128_load(gamma + j));
      v128_t v = sub(sub(g, mean_g), mul(wasm_v128_load(hr + j), mean_gh));
      wasm_v128_store(dxr + j, mul(r, v));
    }
    if (rest) {
      v128_t g = mul(load_partial(dyr + full, rest), load_partial(gamma + full, rest));
      v128_t v = sub(sub(g, mean_g), mul(load_partial(hr + full, rest), mean_gh));
      store_partial(dxr + full, mul(r, v), rest);
    }
  }
}

/* out[j] = sum over i of x[i * cols + j]: a reduction over leading axes without a transpose. */
__attribute__((export_name("maec_sum_rows"))) void maec_sum_rows(const float *x, float *out, int rows, int cols) {
  int full = cols & ~3, rest = cols - full;
  v128_t zero = K(0.0f);
  for (int j = 0; j < full; j += 4) wasm_v128_store(out + j, zero);
  store_partial(out + full, zero, rest);
  for (int i = 0; i < rows; ++i) {
    const float *xr = x + i * cols;
    for (int j = 0; j < full; j += 4) wasm_v128_store(out + j, add(wasm_v128_load(out + j), wasm_v128_load(xr + j)));
    if (rest) store_partial(out + full, add(load_partial(out + full, rest), load_partial(xr + full, rest)), rest);
  }
}
