/*
 * Multi-head attention forward and backward in place on the packed projections: each
 * (batch row, head) pair reads its q, k, v as strided [T, dh] matrices of qkv (leading
 * dimension 3·H·dh), so no layout transposes are made. Queries go in blocks of QUERY_BLOCK
 * rows; under a causal mask block [s, e) reads only keys [0, e).
 *
 * forward   S = q kᵀ/√dh + M, P = softmax(S), O = P v; stats = (max S, 1/Σ exp(S - max))
 * backward  P recomputed from S and the stats (FlashAttention-2: no [T, T] tensor is kept),
 *           dP = dO vᵀ, dS = P ⊙ (dP - rowsum(dO ⊙ O)), dq = dS k/√dh, dk = dSᵀ q/√dh, dv = Pᵀ dO
 * (rowsum(dP ⊙ P) = rowsum(dO ⊙ O), as in FlashAttention). Pairs run in parallel; each owns
 * its slices of out and dqkv, so the results do not depend on the number of threads.
 */
#include <dnnl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "simd.h"

#define QUERY_BLOCK 64

/*
 * The keys row r of a block sees: all `keys`, or, without a mask (plain causal), keys up to
 * and including its own position first + r.
 */
static inline int64_t visible(const float *mask, int64_t first, int64_t r, int64_t keys) {
  return mask != NULL ? keys : first + r + 1;
}

/*
 * S[r] += mask row, then E = exp(S - max) in place (0 for keys it does not see), with
 * (max, 1/Σ E) per row in stats: the caller scales O = E v by 1/Σ, a [rows, dh] pass
 * instead of a [rows, keys] one.
 */
EPO_CLONES static void softmax_rows(float *s, const float *mask, int64_t first, int64_t rows, int64_t keys,
                                    int64_t time, float *stats) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = s + r * keys;
    const int64_t seen = visible(mask, first, r, keys);
    if (mask != NULL) {
      const float *m = mask + r * time;
#pragma omp simd
      for (int64_t j = 0; j < seen; j++) row[j] += m[j];
    }
    float max = -INFINITY;
#pragma omp simd reduction(max : max)
    for (int64_t j = 0; j < seen; j++) max = row[j] > max ? row[j] : max;
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < seen; j++) {
      row[j] = epo_exp(row[j] - max);
      sum += row[j];
    }
    for (int64_t j = seen; j < keys; j++) row[j] = 0.0f;
    stats[2 * r] = max;
    stats[2 * r + 1] = 1.0f / sum;
  }
}

/* P = exp(S + M - max) / Σ from the saved stats, in place (0 for keys a row does not see). */
EPO_CLONES static void probabilities(float *s, const float *mask, int64_t first, int64_t rows, int64_t keys,
                                     int64_t time, const float *stats) {
  for (int64_t r = 0; r < rows; r++) {
    float *row = s + r * keys;
    const int64_t seen = visible(mask, first, r, keys);
    const float max = stats[2 * r], inv = stats[2 * r + 1];
    if (mask != NULL) {
      const float *m = mask + r * time;
#pragma omp simd
      for (int64_t j = 0; j < seen; j++) row[j] = epo_exp(row[j] + m[j] - max) * inv;
    } else {
#pragma omp simd
      for (int64_t j = 0; j < seen; j++) row[j] = epo_exp(row[j] - max) * inv;
    }
    for (int64_t j = seen; j < keys; j++) row[j] = 0.0f;
  }
}

/* Rows of the strided [rows, cols] matrix o times stats' 1/Σ. */
EPO_CLONES static void scale_rows(float *o, int64_t rows, int64_t cols, int64_t ld, const float *stats) {
  for (int64_t r = 0; r < rows; r++) {
    const float inv = stats[2 * r + 1];
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) o[r * ld + j] *= inv;
  }
}

/* dS = P ⊙ (dP - rowDot) in place of dP. */
EPO_CLONES static void score_gradient(float *dp, const float *p, const float *rowDot, int64_t rows, int64_t keys) {
  for (int64_t r = 0; r < rows; r++) {
    float *d = dp + r * keys;
    const float *pr = p + r * keys;
    const float c = rowDot[r];
#pragma omp simd
    for (int64_t j = 0; j < keys; j++) d[j] = pr[j] * (d[j] - c);
  }
}

EPO_CLONES static void row_dots(const float *a, const float *b, int64_t rows, int64_t cols, int64_t ld, float *out) {
  for (int64_t r = 0; r < rows; r++) {
    float acc = 0.0f;
#pragma omp simd reduction(+ : acc)
    for (int64_t j = 0; j < cols; j++) acc += a[r * ld + j] * b[r * ld + j];
    out[r] = acc;
  }
}

#define GEMM(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)                                      \
  do {                                                                                                  \
    dnnl_status_t s_ = dnnl_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                \
    if (s_ != dnnl_success) status = (int)s_;                                                           \
  } while (0)

int epo_attention_forward(const float *qkv, const float *mask, int64_t maskRows, int64_t batch, int64_t time,
                          int64_t heads, int64_t headSize, int causal, float *out, float *stats) {
  const int64_t d = heads * headSize, ld = 3 * d, T = time;
  const float scale = 1.0f / sqrtf((float)headSize);
  int status = 0;
  if (T == 0 || batch == 0 || heads == 0) return 0;
#pragma omp parallel reduction(| : status)
  {
    float *s = malloc((size_t)(QUERY_BLOCK * T) * sizeof(float));
    float local[2 * QUERY_BLOCK];
#pragma omp for schedule(static)
    for (int64_t p = 0; p < batch * heads; p++) {
      const int64_t b = p / heads, h = p % heads;
      const float *q = qkv + b * T * ld + h * headSize, *k = q + d, *v = q + 2 * d;
      const float *m = mask == NULL ? NULL : mask + (maskRows == 1 ? 0 : b * T * T);
      float *o = out + b * T * d + h * headSize;
      for (int64_t from = 0; from < T; from += QUERY_BLOCK) {
        const int64_t to = from + QUERY_BLOCK < T ? from + QUERY_BLOCK : T, n = to - from;
        const int64_t keys = causal ? to : T;
        float *st = stats == NULL ? local : stats + 2 * (p * T + from);
        if (headSize > 0)
          GEMM('N', 'T', n, keys, headSize, scale, q + from * ld, ld, k, ld, 0.0f, s, keys);
        else
          memset(s, 0, (size_t)(n * keys) * sizeof(float));
        softmax_rows(s, m == NULL ? NULL : m + from * T, from, n, keys, T, st);
        if (headSize > 0) {
          GEMM('N', 'N', n, headSize, keys, 1.0f, s, keys, v, ld, 0.0f, o + from * d, d);
          scale_rows(o + from * d, n, headSize, d, st);
        }
      }
    }
    free(s);
  }
  return status;
}

int epo_attention_backward(const float *qkv, const float *mask, int64_t maskRows, int64_t batch, int64_t time,
                           int64_t heads, int64_t headSize, int causal, const float *out, const float *stats,
                           const float *dout, float *dqkv) {
  const int64_t d = heads * headSize, ld = 3 * d, T = time;
  const float scale = 1.0f / sqrtf((float)headSize);
  int status = 0;
  if (T == 0 || batch == 0 || heads == 0 || headSize == 0) return 0;
#pragma omp parallel reduction(| : status)
  {
    float *s = malloc((size_t)(QUERY_BLOCK * T) * sizeof(float));
    float *dp = malloc((size_t)(QUERY_BLOCK * T) * sizeof(float));
    float *rowDot = malloc((size_t)T * sizeof(float));
#pragma omp for schedule(static)
    for (int64_t p = 0; p < batch * heads; p++) {
      const int64_t b = p / heads, h = p % heads;
      const float *q = qkv + b * T * ld + h * headSize, *k = q + d, *v = q + 2 * d;
      const float *m = mask == NULL ? NULL : mask + (maskRows == 1 ? 0 : b * T * T);
      const float *o = out + b * T * d + h * headSize, *dO = dout + b * T * d + h * headSize;
      float *dq = dqkv + b * T * ld + h * headSize, *dk = dq + d, *dv = dq + 2 * d;
      for (int64_t t = 0; t < T; t++) {
        memset(dk + t * ld, 0, (size_t)headSize * sizeof(float));
        memset(dv + t * ld, 0, (size_t)headSize * sizeof(float));
      }
      row_dots(dO, o, T, headSize, d, rowDot);
      for (int64_t from = 0; from < T; from += QUERY_BLOCK) {
        const int64_t to = from + QUERY_BLOCK < T ? from + QUERY_BLOCK : T, n = to - from;
        const int64_t keys = causal ? to : T;
        GEMM('N', 'T', n, keys, headSize, scale, q + from * ld, ld, k, ld, 0.0f, s, keys);
        probabilities(s, m == NULL ? NULL : m + from * T, from, n, keys, T, stats + 2 * (p * T + from));
        GEMM('N', 'T', n, keys, headSize, 1.0f, dO + from * d, d, v, ld, 0.0f, dp, keys);
        score_gradient(dp, s, rowDot + from, n, keys);
        GEMM('N', 'N', n, headSize, keys, scale, dp, keys, k, ld, 0.0f, dq + from * ld, ld);
        GEMM('T', 'N', keys, headSize, n, scale, dp, keys, q + from * ld, ld, 1.0f, dk, ld);
        GEMM('T', 'N', keys, headSize, n, 1.0f, s, keys, dO + from * d, d, 1.0f, dv, ld);
      }
    }
    free(s);
    free(dp);
    free(rowDot);
  }
  return status;
}
