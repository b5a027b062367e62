/*
 * N-API bindings of the kernels in kernels.h. Every kernel works in place on one memory
 * (the wasm heap's ArrayBuffer, or any ArrayBuffer or typed array): tensors are passed
 * as byte offsets into it, and every region is checked against its length before a
 * kernel runs, so a bad call throws a RangeError instead of touching other memory.
 *
 * Kernels run with asynchronous signals blocked: oneDNN 2.6's AVX-512 sgemm corrupts the
 * malloc heap when a signal handler runs on its thread mid-product (reproduced in plain
 * C with setitimer(ITIMER_PROF), the signal Node's --cpu-prof sends; not with AVX2
 * kernels; the signal frame of AVX-512 state is larger). Pending signals are delivered
 * when the kernel returns, and OpenMP's worker threads, created inside a kernel, inherit
 * the blocked mask.
 */
#define NAPI_VERSION 8
#include <dnnl.h>
#include <node_api.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#define MAX_ARGS 24

/* Blocks every asynchronous signal (faults stay deliverable) until unblock(). */
static sigset_t block(void) {
  sigset_t all, old;
  sigfillset(&all);
  sigdelset(&all, SIGSEGV);
  sigdelset(&all, SIGBUS);
  sigdelset(&all, SIGFPE);
  sigdelset(&all, SIGILL);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  return old;
}
static void unblock(sigset_t old) { pthread_sigmask(SIG_SETMASK, &old, NULL); }

/* Runs a kernel call with signals blocked. */
#define BLOCKED(call)          \
  ({                           \
    sigset_t old_ = block();   \
    __typeof__(call) r_ = call; \
    unblock(old_);             \
    r_;                        \
  })
#define BLOCKED_VOID(call)    \
  do {                        \
    sigset_t old_ = block();  \
    call;                     \
    unblock(old_);            \
  } while (0)

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[MAX_ARGS];
  uint8_t *heap;
  size_t length;
  int failed;
} call_t;

static void fail(call_t *c, const char *message) {
  if (!c->failed) napi_throw_range_error(c->env, NULL, message);
  c->failed = 1;
}

static int begin(call_t *c, napi_env env, napi_callback_info info, size_t expected) {
  c->env = env;
  c->argc = MAX_ARGS;
  c->failed = 0;
  c->heap = NULL;
  c->length = 0;
  napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL);
  if (c->argc != expected || expected > MAX_ARGS) {
    char message[96];
    snprintf(message, sizeof message, "expected %zu arguments, got %zu", expected, c->argc);
    fail(c, message);
    return 0;
  }
  bool is;
  if (napi_is_arraybuffer(env, c->argv[0], &is) == napi_ok && is) {
    void *data;
    napi_get_arraybuffer_info(env, c->argv[0], &data, &c->length);
    c->heap = data;
  } else if (napi_is_typedarray(env, c->argv[0], &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t count, offset;
    void *data;
    napi_value buffer;
    napi_get_typedarray_info(env, c->argv[0], &type, &count, &data, &buffer, &offset);
    size_t size = type == napi_float32_array || type == napi_int32_array || type == napi_uint32_array ? 4
                  : type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array ? 8
                  : type == napi_int16_array || type == napi_uint16_array ? 2
                                                                          : 1;
    c->heap = data;
    c->length = count * size;
  } else {
    fail(c, "argument 0 must be an ArrayBuffer or a typed array");
    return 0;
  }
  return 1;
}

static int64_t integer(call_t *c, size_t i) {
  double v = 0;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &v) != napi_ok || v != (double)(int64_t)v) {
    char message[64];
    snprintf(message, sizeof message, "argument %zu must be an integer", i);
    fail(c, message);
    return 0;
  }
  return (int64_t)v;
}

static int64_t count(call_t *c, size_t i) {
  int64_t v = integer(c, i);
  if (!c->failed && v < 0) {
    char message[64];
    snprintf(message, sizeof message, "argument %zu must be ≥ 0, got %lld", i, (long long)v);
    fail(c, message);
  }
  return v;
}

static double number(call_t *c, size_t i) {
  double v = 0;
  if (!c->failed && napi_get_value_double(c->env, c->argv[i], &v) != napi_ok) fail(c, "expected a number");
  return v;
}

static int flag(call_t *c, size_t i) {
  bool v = false;
  if (!c->failed && napi_get_value_bool(c->env, c->argv[i], &v) != napi_ok) fail(c, "expected a boolean");
  return v ? 1 : 0;
}

/* The float region [offset, offset + 4 floats) of the heap; NULL after a failure or for offset -1 when optional. */
static float *region(call_t *c, size_t i, int64_t floats, int optional) {
  int64_t offset = integer(c, i);
  if (c->failed) return NULL;
  if (optional && offset == -1) return NULL;
  char message[160];
  if (offset < 0 || offset % 4 != 0) {
    snprintf(message, sizeof message, "argument %zu: byte offset %lld is not a non-negative multiple of 4", i,
             (long long)offset);
    fail(c, message);
    return NULL;
  }
  if (floats < 0 || (uint64_t)offset + 4 * (uint64_t)floats > c->length) {
    snprintf(message, sizeof message, "argument %zu: %lld floats at byte %lld overrun the %zu-byte memory", i,
             (long long)floats, (long long)offset, c->length);
    fail(c, message);
    return NULL;
  }
  return (float *)(c->heap + offset);
}

/* An Int32Array of `n` matrix indices, each in [0, limit). */
static const int32_t *indices(call_t *c, size_t i, int64_t n, int64_t limit) {
  if (c->failed) return NULL;
  bool is = false;
  napi_typedarray_type type;
  size_t length, offset;
  void *data;
  napi_value buffer;
  if (napi_is_typedarray(c->env, c->argv[i], &is) != napi_ok || !is ||
      napi_get_typedarray_info(c->env, c->argv[i], &type, &length, &data, &buffer, &offset) != napi_ok ||
      type != napi_int32_array || (int64_t)length != n) {
    fail(c, "matrix indices must be an Int32Array with one entry per product");
    return NULL;
  }
  const int32_t *index = data;
  for (int64_t j = 0; j < n; j++)
    if (index[j] < 0 || index[j] >= limit) {
      fail(c, "matrix index out of range");
      return NULL;
    }
  return index;
}

static napi_value kernel_status(call_t *c, int status, const char *what) {
  if (!c->failed && status != 0) {
    char message[96];
    snprintf(message, sizeof message, "%s failed (status %d)", what, status);
    napi_throw_error(c->env, NULL, message);
  }
  return NULL;
}

/* gemm(heap, transA, transB, m, n, k, a, aIndex, b, bIndex, c, batch, bias|-1, biasLength, activation, alpha,
        prelu|-1, preluLength): a and b hold as many matrices as their largest index. */
static napi_value gemm(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 18)) return NULL;
  int ta = flag(&c, 1), tb = flag(&c, 2);
  int64_t m = count(&c, 3), n = count(&c, 4), k = count(&c, 5), batch = count(&c, 11);
  int64_t biasLength = count(&c, 13), activation = integer(&c, 14), preluLength = count(&c, 17);
  float alpha = (float)number(&c, 15);
  if (c.failed) return NULL;
  if (batch == 0 || m == 0 || n == 0) return NULL;
  if (biasLength != 0 && biasLength != 1 && biasLength != n) fail(&c, "bias length must be 0, 1 or n");
  if (activation < EPO_LINEAR || activation > EPO_PRELU) fail(&c, "unknown activation");
  if (activation == EPO_PRELU && preluLength != 1 && preluLength != n) fail(&c, "PReLU slopes must be 1 or n");
  /* The indices are checked against the matrices the memory can hold from each offset. */
  int64_t aStart = integer(&c, 6), bStart = integer(&c, 8);
  if (c.failed) return NULL;
  int64_t aLimit = m * k == 0 ? INT32_MAX : ((int64_t)c.length - aStart) / 4 / (m * k);
  int64_t bLimit = k * n == 0 ? INT32_MAX : ((int64_t)c.length - bStart) / 4 / (k * n);
  const int32_t *aIndex = indices(&c, 7, batch, aLimit < 1 ? 1 : aLimit);
  const int32_t *bIndex = indices(&c, 9, batch, bLimit < 1 ? 1 : bLimit);
  float *a = region(&c, 6, m * k, 0), *b = region(&c, 8, k * n, 0);
  float *out = region(&c, 10, batch * m * n, 0);
  float *bias = region(&c, 12, biasLength, 1), *prelu = region(&c, 16, preluLength, 1);
  if (c.failed) return NULL;
  if (biasLength > 0 && bias == NULL) return fail(&c, "bias length without a bias"), NULL;
  if (activation == EPO_PRELU && prelu == NULL) return fail(&c, "PReLU without slopes"), NULL;
  return kernel_status(&c,
                       BLOCKED(epo_gemm(ta, tb, m, n, k, a, aIndex, b, bIndex, out, batch, bias, biasLength,
                                        (int)activation, alpha, prelu, preluLength)),
                       "sgemm");
}

/* The arguments both attention calls start with: heap, qkv, mask (-1 with maskRows 0: the plain
   causal mask), maskRows, batch, time, heads, headSize, causal, out, stats (optional in the
   forward call). */
typedef struct {
  int64_t maskRows, B, T, H, dh;
  int causal;
  float *qkv, *mask, *out, *stats;
} attention_t;

static int attention_args(call_t *c, attention_t *a, int statsOptional) {
  a->maskRows = count(c, 3), a->B = count(c, 4), a->T = count(c, 5), a->H = count(c, 6), a->dh = count(c, 7);
  a->causal = flag(c, 8);
  if (c->failed) return 0;
  if (a->maskRows == 0 && !a->causal) return fail(c, "no mask is the plain causal mask: causal must be set"), 0;
  if (a->maskRows > 1 && a->maskRows != a->B) return fail(c, "mask rows must be 0, 1 or the batch size"), 0;
  const int64_t rows = a->B * a->T, d = a->H * a->dh;
  a->qkv = region(c, 1, rows * 3 * d, 0);
  a->mask = region(c, 2, a->maskRows * a->T * a->T, a->maskRows == 0);
  if (a->maskRows > 0 && a->mask == NULL && !c->failed) return fail(c, "mask rows without a mask"), 0;
  if (a->maskRows == 0 && a->mask != NULL) return fail(c, "a mask with 0 mask rows"), 0;
  a->out = region(c, 9, rows * d, 0);
  a->stats = region(c, 10, rows * a->H * 2, statsOptional);
  return !c->failed;
}

/* attentionForward(heap, qkv, mask, maskRows, batch, time, heads, headSize, causal, out, stats|-1) */
static napi_value attention_forward(napi_env env, napi_callback_info info) {
  call_t c;
  attention_t a;
  if (!begin(&c, env, info, 11) || !attention_args(&c, &a, 1)) return NULL;
  return kernel_status(
      &c, BLOCKED(epo_attention_forward(a.qkv, a.mask, a.maskRows, a.B, a.T, a.H, a.dh, a.causal, a.out, a.stats)),
      "attention");
}

/* attentionBackward(heap, qkv, mask, maskRows, batch, time, heads, headSize, causal, out, stats, dout, dqkv) */
static napi_value attention_backward(napi_env env, napi_callback_info info) {
  call_t c;
  attention_t a;
  if (!begin(&c, env, info, 13) || !attention_args(&c, &a, 0)) return NULL;
  float *dout = region(&c, 11, a.B * a.T * a.H * a.dh, 0), *dqkv = region(&c, 12, a.B * a.T * 3 * a.H * a.dh, 0);
  if (c.failed) return NULL;
  return kernel_status(&c,
                       BLOCKED(epo_attention_backward(a.qkv, a.mask, a.maskRows, a.B, a.T, a.H, a.dh, a.causal, a.out,
                                                      a.stats, dout, dqkv)),
                       "attention");
}

/* layerNormForward(heap, x, g, b, n, d, eps, y, stats) */
static napi_value layer_norm_forward(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 9)) return NULL;
  int64_t n = count(&c, 4), d = count(&c, 5);
  float eps = (float)number(&c, 6);
  float *x = region(&c, 1, n * d, 0), *g = region(&c, 2, d, 0), *b = region(&c, 3, d, 0);
  float *y = region(&c, 7, n * d, 0), *stats = region(&c, 8, 2 * n, 0);
  if (c.failed) return NULL;
  BLOCKED_VOID(epo_layer_norm_forward(x, g, b, n, d, eps, y, stats));
  return NULL;
}

/* layerNormBackward(heap, dy, x, g, stats, n, d, dx, dg, db) */
static napi_value layer_norm_backward(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 10)) return NULL;
  int64_t n = count(&c, 5), d = count(&c, 6);
  float *dy = region(&c, 1, n * d, 0), *x = region(&c, 2, n * d, 0), *g = region(&c, 3, d, 0);
  float *stats = region(&c, 4, 2 * n, 0), *dx = region(&c, 7, n * d, 0), *dg = region(&c, 8, d, 0);
  float *db = region(&c, 9, d, 0);
  if (c.failed) return NULL;
  BLOCKED_VOID(epo_layer_norm_backward(dy, x, g, stats, n, d, dx, dg, db));
  return NULL;
}

/* gelu(heap, x, n, y, derivative|-1) */
static napi_value gelu(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 5)) return NULL;
  int64_t n = count(&c, 2);
  float *x = region(&c, 1, n, 0), *y = region(&c, 3, n, 0), *derivative = region(&c, 4, n, 1);
  if (c.failed) return NULL;
  BLOCKED_VOID(epo_gelu(x, n, y, derivative));
  return NULL;
}

/* columnSum(heap, x, n, m, out) */
static napi_value column_sum(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 5)) return NULL;
  int64_t n = count(&c, 2), m = count(&c, 3);
  float *x = region(&c, 1, n * m, 0), *out = region(&c, 4, m, 0);
  if (c.failed) return NULL;
  BLOCKED_VOID(epo_column_sum(x, n, m, out));
  return NULL;
}

/* tokenStats(heap, logits, targets (int32), n, v, temperature, out, lse) */
static napi_value token_stats(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 8)) return NULL;
  int64_t n = count(&c, 3), v = count(&c, 4);
  float temperature = (float)number(&c, 5);
  float *logits = region(&c, 1, n * v, 0), *out = region(&c, 6, 2 * n, 0), *lse = region(&c, 7, n, 0);
  const int32_t *targets = (const int32_t *)region(&c, 2, n, 0);
  if (c.failed) return NULL;
  if (!(temperature > 0.0f)) return fail(&c, "temperature must be positive"), NULL;
  int64_t bad = BLOCKED(epo_token_stats(logits, targets, n, v, temperature, out, lse));
  if (bad >= 0) {
    char message[96];
    snprintf(message, sizeof message, "target %d of row %lld is outside 0..%lld", targets[bad], (long long)bad,
             (long long)(v - 1));
    fail(&c, message);
  }
  return NULL;
}

/* tokenStatsBackward(heap, logits, targets, out, lse, dy, n, v, temperature, dlogits) */
static napi_value token_stats_backward(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 10)) return NULL;
  int64_t n = count(&c, 6), v = count(&c, 7);
  float temperature = (float)number(&c, 8);
  float *logits = region(&c, 1, n * v, 0), *out = region(&c, 3, 2 * n, 0), *lse = region(&c, 4, n, 0);
  float *dy = region(&c, 5, 2 * n, 0), *dlogits = region(&c, 9, n * v, 0);
  const int32_t *targets = (const int32_t *)region(&c, 2, n, 0);
  if (c.failed) return NULL;
  for (int64_t i = 0; i < n; i++)
    if (targets[i] < 0 || targets[i] >= v) return fail(&c, "target outside the vocabulary"), NULL;
  BLOCKED_VOID(epo_token_stats_backward(logits, targets, out, lse, dy, n, v, temperature, dlogits));
  return NULL;
}

/* adamw(heap, theta, g, m, v, n, scale, b1, b2, eps, weightDecay, lr, c1, c2, mOut, vOut, u) */
static napi_value adamw(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 17)) return NULL;
  int64_t n = count(&c, 5);
  float k[8];
  for (int i = 0; i < 8; i++) k[i] = (float)number(&c, 6 + (size_t)i);
  float *theta = region(&c, 1, n, 0), *g = region(&c, 2, n, 0), *m = region(&c, 3, n, 0), *v = region(&c, 4, n, 0);
  float *mOut = region(&c, 14, n, 0), *vOut = region(&c, 15, n, 0), *u = region(&c, 16, n, 0);
  if (c.failed) return NULL;
  BLOCKED_VOID(epo_adamw(theta, g, m, v, n, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], mOut, vOut, u));
  return NULL;
}

/* sumOfSquares(heap, x, n): Σ x² in double precision */
static napi_value sum_of_squares(napi_env env, napi_callback_info info) {
  call_t c;
  if (!begin(&c, env, info, 3)) return NULL;
  int64_t n = count(&c, 2);
  float *x = region(&c, 1, n, 0);
  if (c.failed) return NULL;
  napi_value result;
  napi_create_double(env, BLOCKED(epo_sum_of_squares(x, n)), &result);
  return result;
}

void epo_set_threads(int threads) { omp_set_num_threads(threads); }
int epo_threads(void) { return omp_get_max_threads(); }

/* setThreads(n): the OpenMP team size of every later kernel (oneDNN's included). */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || napi_get_value_double(env, argv[0], &n) != napi_ok || n < 1 || n != (double)(int)n) {
    napi_throw_range_error(env, NULL, "threads must be a positive integer");
    return NULL;
  }
  BLOCKED_VOID(epo_set_threads((int)n));
  return NULL;
}

/* info(): { onednn: "major.minor.patch", threads } */
static napi_value describe(napi_env env, napi_callback_info info) {
  (void)info;
  const dnnl_version_t *v = dnnl_version();
  char version[32];
  snprintf(version, sizeof version, "%d.%d.%d", v->major, v->minor, v->patch);
  napi_value result, s, t;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, version, NAPI_AUTO_LENGTH, &s);
  napi_create_int32(env, epo_threads(), &t);
  napi_set_named_property(env, result, "onednn", s);
  napi_set_named_property(env, result, "threads", t);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"gemm", NULL, gemm, NULL, NULL, NULL, napi_default, NULL},
      {"attentionForward", NULL, attention_forward, NULL, NULL, NULL, napi_default, NULL},
      {"attentionBackward", NULL, attention_backward, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormForward", NULL, layer_norm_forward, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormBackward", NULL, layer_norm_backward, NULL, NULL, NULL, napi_default, NULL},
      {"gelu", NULL, gelu, NULL, NULL, NULL, napi_default, NULL},
      {"columnSum", NULL, column_sum, NULL, NULL, NULL, napi_default, NULL},
      {"tokenStats", NULL, token_stats, NULL, NULL, NULL, napi_default, NULL},
      {"tokenStatsBackward", NULL, token_stats_backward, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw, NULL, NULL, NULL, napi_default, NULL},
      {"sumOfSquares", NULL, sum_of_squares, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, describe, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
