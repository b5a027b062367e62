/*
 * The native kernels of @epo/native: plain C over float32 row-major arrays, no knowledge
 * of JavaScript or tfjs (addon.c checks the arguments and maps heap offsets to pointers).
 * Every kernel runs on the OpenMP team set by epo_set_threads; the results do not depend
 * on the team size except where oneDNN's sgemm splits one product's inner dimension.
 */
#ifndef EPO_KERNELS_H
#define EPO_KERNELS_H
#include <stdint.h>

/* Activations of tfjs's _FusedMatMul that the native kernel applies itself. */
enum epo_activation { EPO_LINEAR = 0, EPO_RELU, EPO_RELU6, EPO_ELU, EPO_LEAKYRELU, EPO_SIGMOID, EPO_PRELU };

/*
 * C[i] = act(op(A[aIndex[i]]) op(B[bIndex[i]]) + bias) for i < batch: A holds [M, K]
 * matrices ([K, M] when transA), B [K, N] ([N, K] when transB), C [M, N]; bias has
 * biasLength 0 (none), 1 or N values; PReLU's slopes preluLength 1 or N, LeakyReLU's is
 * `alpha`. Returns 0, or a oneDNN status.
 */
int epo_gemm(int transA, int transB, int64_t m, int64_t n, int64_t k, const float *a, const int32_t *aIndex,
             const float *b, const int32_t *bIndex, float *c, int64_t batch, const float *bias, int64_t biasLength,
             int activation, float alpha, const float *prelu, int64_t preluLength);

/*
 * Causal-or-masked multi-head attention of packed projections qkv [B*T, 3*H*dh] (columns
 * q | k | v, head-major) to out [B*T, H*dh]: S = (q kᵀ)/√dh + M, P = softmax(S), O = P v.
 * mask is additive, [maskRows, T, T] with maskRows 1 or B, or NULL for the plain causal
 * mask (0 up to the query, -∞ after; `causal` must be set). When `causal`, keys after the
 * last query of a block are skipped (they must be masked). stats, when not NULL, receives
 * per (b, h, query) the row maximum of S and the inverse of the softmax denominator.
 */
int epo_attention_forward(const float *qkv, const float *mask, int64_t maskRows, int64_t batch, int64_t time,
                          int64_t heads, int64_t headSize, int causal, float *out, float *stats);

/* The gradient dqkv [B*T, 3*H*dh] of epo_attention_forward given dout [B*T, H*dh]. */
int epo_attention_backward(const float *qkv, const float *mask, int64_t maskRows, int64_t batch, int64_t time,
                           int64_t heads, int64_t headSize, int causal, const float *out, const float *stats,
                           const float *dout, float *dqkv);

/* y = (x - mean) / sqrt(var + eps) * g + b over rows of x [n, d]; stats [n, 2] = mean, rstd. */
void epo_layer_norm_forward(const float *x, const float *g, const float *b, int64_t n, int64_t d, float eps, float *y,
                            float *stats);

/* dx [n, d], dg [d], db [d] of epo_layer_norm_forward given dy. */
void epo_layer_norm_backward(const float *dy, const float *x, const float *g, const float *stats, int64_t n, int64_t d,
                             float *dx, float *dg, float *db);

/* GELU (tanh) y of x [n]; derivative dy/dx too when `derivative` is not NULL. */
void epo_gelu(const float *x, int64_t n, float *y, float *derivative);

/* Column sums of x [n, m] into out [m], accumulated in double precision. */
void epo_column_sum(const float *x, int64_t n, int64_t m, float *out);

/*
 * Per row i of logits [n, V] at temperature τ (z = logits / τ, p = softmax(z)):
 * out[i] = (z[targets[i]] - lse(z), lse(z) - Σ p z) (log-probability, entropy); lse[i] = lse(z).
 * Returns the first row whose target is outside [0, V), or -1.
 */
int64_t epo_token_stats(const float *logits, const int32_t *targets, int64_t n, int64_t v, float temperature, float *out,
                        float *lse);

/* dlogits [n, V] of epo_token_stats given dy [n, 2], from its out and lse. */
void epo_token_stats_backward(const float *logits, const int32_t *targets, const float *out, const float *lse,
                              const float *dy, int64_t n, int64_t v, float temperature, float *dlogits);

/*
 * One AdamW step for one parameter θ [n] (torch.optim.AdamW with the gradient g scaled by
 * `scale`): m' = β₁ m + (1-β₁) g, v' = β₂ v + (1-β₂) g², u = -lr (m' c₁ / (√(v' c₂) + ε) + λ θ)
 * with c₁ = 1/(1-β₁ᵗ), c₂ = 1/(1-β₂ᵗ).
 */
void epo_adamw(const float *theta, const float *g, const float *m, const float *v, int64_t n, float scale, float b1,
               float b2, float eps, float weightDecay, float lr, float c1, float c2, float *mOut, float *vOut, float *u);

/* Σ x² over x [n], in double precision. */
double epo_sum_of_squares(const float *x, int64_t n);

void epo_set_threads(int threads);
int epo_threads(void);

#endif
