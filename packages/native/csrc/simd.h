/* Helpers for loops the compiler vectorises, built once per instruction set. */
#ifndef EPO_SIMD_H
#define EPO_SIMD_H
#include <stdint.h>
#include <string.h>

/* Hot loops are compiled for AVX-512, AVX2 + FMA and baseline x86-64; the loader picks one. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EPO_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define EPO_CLONES
#endif

/*
 * e^x in float32 (Cephes expf: x = n ln2 + r, |r| <= ln2/2, e^r by a degree-7 polynomial,
 * 2^n through the exponent bits), written so that loops over it vectorise. Relative error
 * about 2 ulp; exactly 0 below -87.33 (the smallest normal result), as softmax over an
 * additive mask of -1e9 needs.
 */
static inline float epo_exp(float x) {
  const float lo = -87.3365447505531f, hi = 88.0f;
  float xc = x < lo ? lo : (x > hi ? hi : x);
  /* round(xc log2 e) by the 1.5 * 2^23 trick (no floorf: it would not vectorise on SSE2). */
  float fx = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - fx * 0.693359375f + fx * 2.12194440e-4f;
  float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * z + r + 1.0f;
  int32_t bits = ((int32_t)fx + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return x < lo ? 0.0f : y * scale;
}

#endif
