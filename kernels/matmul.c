/*
 * Batched float32 matmul for tfjs-wasm's memory: C[t] = act(A[t] . B[t] + bias).
 *
 * Why it exists: stock tfjs-wasm hands a matmul to XNNPACK only for batch 1 without transpose
 * flags; every attention matmul and every matmul autodiff creates for a backward pass falls
 * to a naive loop at 2-3 GFLOP/s. This kernel covers all of them with one code path.
 *
 * How: the GotoBLAS/BLIS blocking. B is packed a KC x NC block at a time into 8-column
 * panels, A an MC x KC block at a time into 4-row panels, and a 4x8 register block (8 v128
 * accumulators) walks them. 4x8 because 5x8 and 6x8 spill in V8's register allocator; edge
 * panels use smaller blocks instead of computing on zero padding. Packing turns every transpose-flag combination into the same contiguous inner loop.
 *
 * Constraints of living inside someone else's memory: the module imports tfjs's memory, so
 * it must have no data segment and no shadow stack (both would sit inside tfjs's static data);
 * build.sh verifies this. Nothing here takes an address of a local; scratch space for packing
 * comes in from the caller.
 *
 * Element (i, p) of A is a[i * a_rs + p * a_cs]; element (p, j) of B is b[p * b_rs + j * b_cs].
 * A transpose flag only swaps the two strides, so the caller passes them directly.
 */
#include <wasm_simd128.h>
#include "madd.h"
#include "partial.h"

#define MR 4
#define NR 8
/* KC x NR floats of B (8 KB) stay in L1 while the MC x KC block of A (64 KB) streams from
 * L2; the KC x NC block of B (512 KB) is reused across all of M. KC 128-768, MC 32-128 and
 * NC 256 measured the same within noise; unrolling the k loop by 2 or 4 was slower on every shape measured
 * in V8. Override with -D for experiments only: the committed build uses these. */
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 64
#endif
#ifndef NC
#define NC 512
#endif

/* mode bits for the store of one register block */
#define ACCUMULATE 1 /* a later K block adds to what an earlier one stored */
#define EPILOGUE 2   /* the last K block applies bias and activation */

/* activation codes, mirrored in runtime/tfjs/kernels/abi.ts */
#define ACT_LINEAR 0
#define ACT_RELU 1
#define ACT_RELU6 2
#define ACT_LEAKYRELU 3

static inline int min_i(int a, int b) { return a < b ? a : b; }

/* pmax/pmin rather than max/min: they lower to single instructions in V8, and NaN stays NaN
 * because the comparison is false for it and the input is returned. */
static inline v128_t activate(v128_t v, int act, float alpha) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  switch (act) {
  case ACT_RELU: return wasm_f32x4_pmax(v, zero);
  case ACT_RELU6: return wasm_f32x4_pmin(wasm_f32x4_pmax(v, zero), wasm_f32x4_splat(6.0f));
  case ACT_LEAKYRELU:
    return wasm_v128_bitselect(wasm_f32x4_mul(v, wasm_f32x4_splat(alpha)), v,
                               wasm_f32x4_lt(v, zero));
  default: return v;
  }
}

/* Stores one row (up to 8 columns) of a register block: v0 holds columns 0..3, v1 4..7. */
static inline void store_row(float *c, v128_t v0, v128_t v1, int nr, int mode, v128_t bias0,
                             v128_t bias1, int act, float alpha) {
  int n0 = min_i(nr, 4), n1 = nr - n0;
  if (mode & ACCUMULATE) {
    v0 = wasm_f32x4_add(v0, load_partial(c, n0));
    v1 = wasm_f32x4_add(v1, load_partial(c + 4, n1));
  }
  if (mode & EPILOGUE) {
    v0 = activate(wasm_f32x4_add(v0, bias0), act, alpha);
    v1 = activate(wasm_f32x4_add(v1, bias1), act, alpha);
  }
  store_partial(c, v0, n0);
  store_partial(c + 4, v1, n1);
}

/* Adds row r of a rank-1 update: acc_r0 += a_r * b0, acc_r1 += a_r * b1 when V is 2. */
#define ROW_UPDATE(r)                                                                        \
  do {                                                                                       \
    v128_t a##r = wasm_v128_load32_splat(ap + r);                                            \
    c##r##0 = madd(a##r, b0, c##r##0);                                                       \
    if (V > 1) c##r##1 = madd(a##r, b1, c##r##1);                                            \
  } while (0)

/* One register block: C[0:mr, 0:nr] (op)= Ap[kc][4] . Bp[kc][8], computing R rows (1, 2 or 4)
 * and V vectors of 4 columns (1 or 2). Packed panels are zero-padded, so only the store is
 * partial. R and V are constants at every call site, so the branches on them fold away.
 * Accumulators are named variables, not an array: clang does not always promote an array to
 * wasm locals and would put it on the shadow stack (build.sh's check catches that). */
static inline __attribute__((always_inline)) void
block(const int R, const int V, int kc, const float *restrict ap, const float *restrict bp,
      float *c, int ldc, int mr, int nr, int mode, const float *bias, int act, float alpha) {
  v128_t zero = wasm_f32x4_splat(0.0f);
  v128_t c00 = zero, c01 = zero, c10 = zero, c11 = zero;
  v128_t c20 = zero, c21 = zero, c30 = zero, c31 = zero;
  for (int p = 0; p < kc; ++p) {
    v128_t b0 = wasm_v128_load(bp);
    v128_t b1 = V > 1 ? wasm_v128_load(bp + 4) : zero;
    ROW_UPDATE(0);
    if (R > 1) ROW_UPDATE(1);
    if (R > 2) {
      ROW_UPDATE(2);
      ROW_UPDATE(3);
    }
    ap += MR;
    bp += NR;
  }
  v128_t bias0 = zero, bias1 = zero;
  if ((mode & EPILOGUE) && bias) {
    int n0 = min_i(nr, 4);
    bias0 = load_partial(bias, n0);
    bias1 = load_partial(bias + 4, nr - n0);
  }
  store_row(c, c00, c01, nr, mode, bias0, bias1, act, alpha);
  if (mr > 1) store_row(c + ldc, c10, c11, nr, mode, bias0, bias1, act, alpha);
  if (mr > 2) store_row(c + 2 * ldc, c20, c21, nr, mode, bias0, bias1, act, alpha);
  if (mr > 3) store_row(c + 3 * ldc, c30, c31, nr, mode, bias0, bias1, act, alpha);
}

/* Edge blocks (a last panel of 1-2 rows or 1-4 columns) use a smaller block instead of the
 * full 4x8 on zero padding: for T=17 attention that is a third of the work. */
static void block_edge_aware(int kc, const float *ap, const float *bp, float *c, int ldc, int mr,
                             int nr, int mode, const float *bias, int act, float alpha) {
  if (mr > 2) {
    if (nr > 4) block(4, 2, kc, ap, bp, c, ldc, mr, nr, mode, bias, act, alpha);
    else block(4, 1, kc, ap, bp, c, ldc, mr, nr, mode, bias, act, alpha);
  } else if (mr == 2) {
    if (nr > 4) block(2, 2, kc, ap, bp, c, ldc, mr, nr, mode, bias, act, alpha);
    else block(2, 1, kc, ap, bp, c, ldc, mr, nr, mode, bias, act, alpha);
  } else {
    if (nr > 4) block(1, 2, kc, ap, bp, c, ldc, mr, nr, mode, bias, act, alpha);
    else block(1, 1, kc, ap, bp, c, ldc, mr, nr, mode, bias, act, alpha);
  }
}

/* Packs one panel of W lanes (W = 4 rows of A or 8 columns of B) over kc steps of the
 * shared dimension: dst[p * W + l] = src[p * s_k + l * s_lane], lanes >= valid set to zero.
 * The two fast paths are the two memory layouts a transpose flag can give: lanes contiguous
 * (plain vector copies) or steps contiguous (4x4 transposes). */
static inline void pack_panel(float *restrict dst, const float *restrict src, int W, int valid,
                              int kc, int s_lane, int s_k) {
  if (valid == W && s_lane == 1) {
    for (int p = 0; p < kc; ++p)
      for (int l = 0; l < W; l += 4) wasm_v128_store(dst + p * W + l,
                                                     wasm_v128_load(src + p * s_k + l));
    return;
  }
  if (valid == W && s_k == 1) {
    int p = 0;
    for (; p + 4 <= kc; p += 4) {
      for (int l = 0; l < W; l += 4) {
        v128_t r0 = wasm_v128_load(src + (l + 0) * s_lane + p);
        v128_t r1 = wasm_v128_load(src + (l + 1) * s_lane + p);
        v128_t r2 = wasm_v128_load(src + (l + 2) * s_lane + p);
        v128_t r3 = wasm_v128_load(src + (l + 3) * s_lane + p);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);
        v128_t t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(dst + (p + 0) * W + l, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
        wasm_v128_store(dst + (p + 1) * W + l, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
        wasm_v128_store(dst + (p + 2) * W + l, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
        wasm_v128_store(dst + (p + 3) * W + l, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
      }
    }
    for (; p < kc; ++p)
      for (int l = 0; l < W; ++l) dst[p * W + l] = src[l * s_lane + p];
    return;
  }
  for (int p = 0; p < kc; ++p) {
    int l = 0;
    for (; l < valid; ++l) dst[p * W + l] = src[p * s_k + l * s_lane];
    for (; l < W; ++l) dst[p * W + l] = 0.0f;
  }
}

/* Packs rows [0, mc) x steps [0, kc) of A into ceil(mc / 4) panels of kc x 4. */
static void pack_a(float *restrict dst, const float *restrict a, int mc, int kc, int a_rs,
                   int a_cs) {
  for (int i = 0; i < mc; i += MR)
    pack_panel(dst + i * kc, a + i * a_rs, MR, min_i(MR, mc - i), kc, a_rs, a_cs);
}

/* Packs steps [0, kc) x columns [0, nc) of B into ceil(nc / 8) panels of kc x 8. */
static void pack_b(float *restrict dst, const float *restrict b, int kc, int nc, int b_rs,
                   int b_cs) {
  for (int j = 0; j < nc; j += NR)
    pack_panel(dst + j * kc, b + j * b_cs, NR, min_i(NR, nc - j), kc, b_cs, b_rs);
}

/* Floats of scratch space maec_matmul needs: one packed block of B and one of A. */
__attribute__((export_name("maec_scratch_floats"))) int maec_scratch_floats(void) {
  return KC * NC + MC * KC;
}

/*
 * c[t] (m x n, row-major, contiguous, t < batch) = act(A[t] . B[t] + bias), with A[t] at
 * a + t * a_bs and B[t] at b + t * b_bs (a stride of 0 broadcasts). bias is null or n floats.
 * scratch holds maec_scratch_floats() floats, 16-byte aligned. k must be at least 1.
 */
__attribute__((export_name("maec_matmul"))) void
maec_matmul(const float *a, const float *b, float *c, int batch, int m, int n, int k, int a_bs,
            int b_bs, int a_rs, int a_cs, int b_rs, int b_cs, float *scratch, const float *bias,
            int act, float alpha) {
  float *bpack = scratch;
  float *apack = scratch + KC * NC;
  /* A batch-broadcast B that fits one block is packed once for the whole batch. */
  int b_once = b_bs == 0 && k <= KC && n <= NC;
  for (int t = 0; t < batch; ++t) {
    const float *at = a + t * a_bs;
    const float *bt = b + t * b_bs;
    float *ct = c + t * m * n;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = min_i(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = min_i(KC, k - pc);
        int mode = (pc > 0 ? ACCUMULATE : 0) | (pc + kc == k ? EPILOGUE : 0);
        if (!b_once || t == 0) pack_b(bpack, bt + pc * b_rs + jc * b_cs, kc, nc, b_rs, b_cs);
        for (int ic = 0; ic < m; ic += MC) {
          int mc = min_i(MC, m - ic);
          pack_a(apack, at + ic * a_rs + pc * a_cs, mc, kc, a_rs, a_cs);
          for (int jr = 0; jr < nc; jr += NR) {
            const float *bias_j = bias ? bias + jc + jr : 0;
            for (int ir = 0; ir < mc; ir += MR) {
              block_edge_aware(kc, apack + ir * kc, bpack + jr * kc,
                               ct + (ic + ir) * n + jc + jr, n, min_i(MR, mc - ir),
                               min_i(NR, nc - jr), mode, bias_j, act, alpha);
            }
          }
        }
      }
    }
  }
}
