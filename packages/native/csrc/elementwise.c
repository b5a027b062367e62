/* Row-wise and elementwise kernels: LayerNorm, GELU (tanh), column sums. */
#include <math.h>
#include <stdlib.h>
#include "kernels.h"
#include "simd.h"

EPO_CLONES static void norm_row(const float *x, const float *g, const float *b, int64_t d, float eps, float *y,
                                float *stats) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < d; j++) sum += x[j];
  const float mean = sum / (float)d;
  float sq = 0.0f;
#pragma omp simd reduction(+ : sq)
  for (int64_t j = 0; j < d; j++) sq += (x[j] - mean) * (x[j] - mean);
  const float rstd = 1.0f / sqrtf(sq / (float)d + eps);
#pragma omp simd
  for (int64_t j = 0; j < d; j++) y[j] = (x[j] - mean) * rstd * g[j] + b[j];
  stats[0] = mean;
  stats[1] = rstd;
}

void epo_layer_norm_forward(const float *x, const float *g, const float *b, int64_t n, int64_t d, float eps, float *y,
                            float *stats) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) norm_row(x + i * d, g, b, d, eps, y + i * d, stats + 2 * i);
}

/* dx = rstd (dx̂ - mean(dx̂) - x̂ mean(dx̂ x̂)), dx̂ = dy g, for one row. */
EPO_CLONES static void norm_row_backward(const float *dy, const float *x, const float *g, const float *stats, int64_t d,
                                         float *dx) {
  const float mean = stats[0], rstd = stats[1];
  float a = 0.0f, c = 0.0f;
#pragma omp simd reduction(+ : a, c)
  for (int64_t j = 0; j < d; j++) {
    const float dxhat = dy[j] * g[j];
    a += dxhat;
    c += dxhat * (x[j] - mean) * rstd;
  }
  a /= (float)d;
  c /= (float)d;
#pragma omp simd
  for (int64_t j = 0; j < d; j++) dx[j] = rstd * (dy[j] * g[j] - a - (x[j] - mean) * rstd * c);
}

/* dg = Σ_i dy x̂, db = Σ_i dy over rows, for columns [from, to); double accumulators. */
EPO_CLONES static void norm_columns(const float *dy, const float *x, const float *stats, int64_t n, int64_t d,
                                    int64_t from, int64_t to, double *accG, double *accB) {
  for (int64_t i = 0; i < n; i++) {
    const float mean = stats[2 * i], rstd = stats[2 * i + 1];
    const float *dyi = dy + i * d, *xi = x + i * d;
#pragma omp simd
    for (int64_t j = from; j < to; j++) {
      accG[j] += (double)(dyi[j] * ((xi[j] - mean) * rstd));
      accB[j] += (double)dyi[j];
    }
  }
}

/* Columns per task of the column reductions: each column is summed by one thread in row order. */
#define COLUMN_BLOCK 64

void epo_layer_norm_backward(const float *dy, const float *x, const float *g, const float *stats, int64_t n, int64_t d,
                             float *dx, float *dg, float *db) {
  double *acc = calloc((size_t)(2 * d + 1), sizeof(double));
#pragma omp parallel
  {
#pragma omp for schedule(static) nowait
    for (int64_t i = 0; i < n; i++) norm_row_backward(dy + i * d, x + i * d, g, stats + 2 * i, d, dx + i * d);
#pragma omp for schedule(static)
    for (int64_t from = 0; from < d; from += COLUMN_BLOCK) {
      const int64_t to = from + COLUMN_BLOCK < d ? from + COLUMN_BLOCK : d;
      norm_columns(dy, x, stats, n, d, from, to, acc, acc + d);
    }
  }
  for (int64_t j = 0; j < d; j++) {
    dg[j] = (float)acc[j];
    db[j] = (float)acc[d + j];
  }
  free(acc);
}

EPO_CLONES static void column_sum_range(const float *x, int64_t n, int64_t m, int64_t from, int64_t to, double *acc) {
  for (int64_t i = 0; i < n; i++) {
    const float *xi = x + i * m;
#pragma omp simd
    for (int64_t j = from; j < to; j++) acc[j] += (double)xi[j];
  }
}

void epo_column_sum(const float *x, int64_t n, int64_t m, float *out) {
  double *acc = calloc((size_t)m + 1, sizeof(double));
#pragma omp parallel for schedule(static)
  for (int64_t from = 0; from < m; from += COLUMN_BLOCK)
    column_sum_range(x, n, m, from, from + COLUMN_BLOCK < m ? from + COLUMN_BLOCK : m, acc);
  for (int64_t j = 0; j < m; j++) out[j] = (float)acc[j];
  free(acc);
}

/*
 * gelu(x) = ½ x (1 + tanh(u)) = x σ(2u), u = √(2/π) (x + 0.044715 x³);
 * d gelu/dx = s + x s (1 - s) 2u'(x), s = σ(2u), u'(x) = √(2/π) (1 + 3 · 0.044715 x²).
 */
EPO_CLONES static void gelu_range(const float *x, int64_t n, float *y, float *derivative) {
  const float a = 2.0f * 0.7978845608028654f, b = a * 0.044715f;
  if (derivative == NULL) {
#pragma omp simd
    for (int64_t i = 0; i < n; i++) {
      const float v = x[i];
      const float s = 1.0f / (1.0f + epo_exp(-v * (a + b * v * v)));
      y[i] = v * s;
    }
    return;
  }
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    const float v2 = v * v;
    const float s = 1.0f / (1.0f + epo_exp(-v * (a + b * v2)));
    y[i] = v * s;
    derivative[i] = s + v * s * (1.0f - s) * (a + 3.0f * b * v2);
  }
}

/* Elements per task of the elementwise kernels. */
#define ELEMENT_BLOCK 16384

void epo_gelu(const float *x, int64_t n, float *y, float *derivative) {
#pragma omp parallel for schedule(static)
  for (int64_t from = 0; from < n; from += ELEMENT_BLOCK) {
    const int64_t count = from + ELEMENT_BLOCK < n ? ELEMENT_BLOCK : n - from;
    gelu_range(x + from, count, y + from, derivative == NULL ? NULL : derivative + from);
  }
}
