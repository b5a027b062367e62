/* The optimiser's elementwise work in one pass: AdamW's moments and increment, squared norms. */
#include <math.h>
#include <stdlib.h>
#include "kernels.h"
#include "simd.h"

/* Elements per task. */
#define BLOCK 16384

EPO_CLONES static void adamw_range(const float *theta, const float *g, const float *m, const float *v, int64_t n,
                                   float scale, float b1, float b2, float eps, float weightDecay, float lr, float c1,
                                   float c2, float *mOut, float *vOut, float *u) {
  const float a1 = 1.0f - b1, a2 = 1.0f - b2;
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i] * scale;
    const float mi = m[i] * b1 + gi * a1;
    const float vi = v[i] * b2 + gi * gi * a2;
    mOut[i] = mi;
    vOut[i] = vi;
    u[i] = (mi * c1 / (sqrtf(vi * c2) + eps) + theta[i] * weightDecay) * -lr;
  }
}

void epo_adamw(const float *theta, const float *g, const float *m, const float *v, int64_t n, float scale, float b1,
               float b2, float eps, float weightDecay, float lr, float c1, float c2, float *mOut, float *vOut, float *u) {
#pragma omp parallel for schedule(static)
  for (int64_t from = 0; from < n; from += BLOCK) {
    const int64_t count = from + BLOCK < n ? BLOCK : n - from;
    adamw_range(theta + from, g + from, m + from, v + from, count, scale, b1, b2, eps, weightDecay, lr, c1, c2,
                mOut + from, vOut + from, u + from);
  }
}

EPO_CLONES static double squares(const float *x, int64_t n) {
  double acc = 0.0;
#pragma omp simd reduction(+ : acc)
  for (int64_t i = 0; i < n; i++) acc += (double)x[i] * (double)x[i];
  return acc;
}

/* Blocks are summed in order, so the result does not depend on the number of threads. */
double epo_sum_of_squares(const float *x, int64_t n) {
  const int64_t blocks = (n + BLOCK - 1) / BLOCK;
  if (blocks <= 1) return squares(x, n);
  double *partial = malloc((size_t)blocks * sizeof(double));
  if (partial == NULL) return squares(x, n);
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; b++) {
    const int64_t from = b * BLOCK;
    partial[b] = squares(x + from, from + BLOCK < n ? BLOCK : n - from);
  }
  double total = 0.0;
  for (int64_t b = 0; b < blocks; b++) total += partial[b];
  free(partial);
  return total;
}
