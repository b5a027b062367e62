/*
 * Token log-probabilities and entropies of the softmax over a vocabulary, and their
 * gradient (the policy's TokenStats op):
 *
 *   logp = z_t - lse(z),  H = lse(z) - Σ p z,  p = softmax(z),  z = logits / τ
 *   ∂/∂z = g_logp (onehot_t - p) - g_H p (z - lse + H)
 */
#include <math.h>
#include "kernels.h"
#include "simd.h"

EPO_CLONES static void stats_row(const float *l, int64_t v, float inv, int32_t target, float *out, float *lse) {
  float max = -INFINITY;
#pragma omp simd reduction(max : max)
  for (int64_t j = 0; j < v; j++) max = l[j] * inv > max ? l[j] * inv : max;
  float sum = 0.0f, dot = 0.0f;
#pragma omp simd reduction(+ : sum, dot)
  for (int64_t j = 0; j < v; j++) {
    const float z = l[j] * inv;
    const float e = epo_exp(z - max);
    sum += e;
    dot += e * z;
  }
  const float s = max + logf(sum);
  out[0] = l[target] * inv - s;
  out[1] = s - dot / sum;
  *lse = s;
}

int64_t epo_token_stats(const float *logits, const int32_t *targets, int64_t n, int64_t v, float temperature, float *out,
                        float *lse) {
  for (int64_t i = 0; i < n; i++)
    if (targets[i] < 0 || targets[i] >= v) return i;
  const float inv = 1.0f / temperature;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) stats_row(logits + i * v, v, inv, targets[i], out + 2 * i, lse + i);
  return -1;
}

EPO_CLONES static void stats_row_backward(const float *l, int64_t v, float inv, int32_t target, const float *out,
                                          float lse, const float *dy, float *dl) {
  const float gl = dy[0], gh = dy[1], entropy = out[1];
#pragma omp simd
  for (int64_t j = 0; j < v; j++) {
    const float z = l[j] * inv;
    const float p = epo_exp(z - lse);
    dl[j] = -p * ((z - lse + entropy) * gh + gl) * inv;
  }
  dl[target] += gl * inv;
}

void epo_token_stats_backward(const float *logits, const int32_t *targets, const float *out, const float *lse,
                              const float *dy, int64_t n, int64_t v, float temperature, float *dlogits) {
  const float inv = 1.0f / temperature;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++)
    stats_row_backward(logits + i * v, v, inv, targets[i], out + 2 * i, lse[i], dy + 2 * i, dlogits + i * v);
}
