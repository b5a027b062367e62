/* Batched matrix products through oneDNN's sgemm, with tfjs's bias and activation epilogue. */
#include <dnnl.h>
#include <math.h>
#include <omp.h>
#include <string.h>
#include "kernels.h"
#include "simd.h"

EPO_CLONES static void activate(float *c, int64_t m, int64_t n, int activation, float alpha, const float *prelu,
                                int64_t preluLength) {
  const int64_t count = m * n;
  switch (activation) {
    case EPO_RELU:
#pragma omp simd
      for (int64_t i = 0; i < count; i++) c[i] = c[i] > 0.0f ? c[i] : 0.0f;
      break;
    case EPO_RELU6:
#pragma omp simd
      for (int64_t i = 0; i < count; i++) c[i] = c[i] < 0.0f ? 0.0f : (c[i] > 6.0f ? 6.0f : c[i]);
      break;
    case EPO_ELU:
#pragma omp simd
      for (int64_t i = 0; i < count; i++) c[i] = c[i] >= 0.0f ? c[i] : epo_exp(c[i]) - 1.0f;
      break;
    case EPO_LEAKYRELU:
#pragma omp simd
      for (int64_t i = 0; i < count; i++) c[i] = c[i] >= 0.0f ? c[i] : alpha * c[i];
      break;
    case EPO_SIGMOID:
#pragma omp simd
      for (int64_t i = 0; i < count; i++) c[i] = 1.0f / (1.0f + epo_exp(-c[i]));
      break;
    case EPO_PRELU:
      for (int64_t r = 0; r < m; r++) {
        float *row = c + r * n;
#pragma omp simd
        for (int64_t j = 0; j < n; j++) row[j] = row[j] >= 0.0f ? row[j] : prelu[preluLength == 1 ? 0 : j] * row[j];
      }
      break;
    default:
      break;
  }
}

static int product(int transA, int transB, int64_t m, int64_t n, int64_t k, const float *a, const float *b, float *c,
                   const float *bias, int64_t biasLength, int activation, float alpha, const float *prelu,
                   int64_t preluLength) {
  if (m == 0 || n == 0) return 0;
  float beta = 0.0f;
  if (biasLength > 0) {
    for (int64_t i = 0; i < m; i++) {
      if (biasLength == 1)
        for (int64_t j = 0; j < n; j++) c[i * n + j] = bias[0];
      else
        memcpy(c + i * n, bias, (size_t)n * sizeof(float));
    }
    beta = 1.0f;
  } else if (k == 0) {
    memset(c, 0, (size_t)(m * n) * sizeof(float));
  }
  if (k > 0) {
    dnnl_status_t s = dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, 1.0f, a, transA ? m : k, b,
                                 transB ? k : n, beta, c, n);
    if (s != dnnl_success) return (int)s;
  }
  if (activation != EPO_LINEAR) activate(c, m, n, activation, alpha, prelu, preluLength);
  return 0;
}

int epo_gemm(int transA, int transB, int64_t m, int64_t n, int64_t k, const float *a, const int32_t *aIndex,
             const float *b, const int32_t *bIndex, float *c, int64_t batch, const float *bias, int64_t biasLength,
             int activation, float alpha, const float *prelu, int64_t preluLength) {
  if (batch == 1)
    return product(transA, transB, m, n, k, a + (int64_t)aIndex[0] * m * k, b + (int64_t)bIndex[0] * k * n, c, bias,
                   biasLength, activation, alpha, prelu, preluLength);
  /* Many products: one per thread (each runs oneDNN on one thread inside the team). */
  int status = 0;
#pragma omp parallel for schedule(static) reduction(| : status)
  for (int64_t i = 0; i < batch; i++)
    status |= product(transA, transB, m, n, k, a + (int64_t)aIndex[i] * m * k, b + (int64_t)bIndex[i] * k * n,
                      c + i * m * n, bias, biasLength, activation, alpha, prelu, preluLength);
  return status;
}
