/**
 * AdamW (Loshchilov & Hutter 2019) with global-norm gradient clipping, optax style: an
 * `{ init, update }` pair over named tensors. The learning rate is an argument of each
 * update, so a schedule (a pure function of the step) stays outside.
 *
 *   g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6))        (global norm over all gradients; torch's clip_grad_norm_)
 *   m ← β₁ m + (1 - β₁) g,  v ← β₂ v + (1 - β₂) g²,  t ← t + 1
 *   Δθ = -lr (m / (1 - β₁ᵗ) / (√(v / (1 - β₂ᵗ)) + ε) + λ θ)   (decoupled weight decay, as torch.optim.AdamW)
 *
 * The state is a step count plus the moment tensors, named "mu/<param>" and "nu/<param>"
 * by `toTensors`, so a checkpoint can store it. With the native kernels (@epo/native) the
 * norm is one kernel and each parameter's update one pass (EpoAdamW) instead of a dozen.
 * `updateOnDevice` is the same step with the clip factor computed as a tensor, so that
 * nothing is read on the host (the webgpu backend has no synchronous read in Node).
 */
import { Native, NativeOps } from "@epo/native"
import * as tf from "@tensorflow/tfjs"
import { Effect, Schema } from "effect"
import { type ConfigError, Errors, Tensors } from "@epo/core"

export const AdamWConfig = Schema.Struct({
  b1: Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMaximum: true })), Schema.withDecodingDefaultKey(Effect.succeed(0.9))),
  b2: Schema.Finite.pipe(Schema.check(Schema.isBetween({ minimum: 0, maximum: 1, exclusiveMaximum: true })), Schema.withDecodingDefaultKey(Effect.succeed(0.999))),
  eps: Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0)), Schema.withDecodingDefaultKey(Effect.succeed(1e-8))),
  /** Decoupled weight decay λ (torch's default 0.01). */
  weightDecay: Schema.Finite.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)), Schema.withDecodingDefaultKey(Effect.succeed(0.01))),
  /** Clip the global gradient norm to this value; absent: no clipping. */
  maxGradNorm: Schema.optionalKey(Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0)))),
  /** Learning-rate multipliers by parameter name (parameter groups); absent names: 1. */
  multipliers: Schema.optionalKey(Schema.Record(Schema.String, Schema.Finite.pipe(Schema.check(Schema.isGreaterThan(0)))))
})
export type AdamWConfig = typeof AdamWConfig.Type

/** Decodes an AdamW configuration (defaults: torch's). */
export const decodeConfig = (input: unknown): Effect.Effect<AdamWConfig, ConfigError> =>
  Errors.decodeConfig(AdamWConfig, "AdamWConfig")(input)

export type Named = ReadonlyMap<string, tf.Tensor>

export interface AdamWState {
  /** Updates applied so far. */
  readonly step: number
  readonly mu: Named
  readonly nu: Named
}

/** `Norm`: a number, or for `updateOnDevice` a scalar tensor (the caller disposes it). */
export interface Update<Norm = number> {
  /** Parameter increments (θ ← θ + Δθ), one per gradient. */
  readonly updates: Named
  readonly state: AdamWState
  /** Global gradient norm before clipping. */
  readonly gradNorm: Norm
}

export interface AdamW {
  /** Zero moments shaped like `params`. */
  readonly init: (params: Named) => AdamWState
  /**
   * One step for `grads` (a subset of the state's names is allowed: absent names keep
   * their moments). Pure: the inputs are not disposed; the result's tensors are new.
   */
  readonly update: (grads: Named, state: AdamWState, params: Named, learningRate: number) => Update
  /**
   * `update` in tfjs ops alone, with no host read: the norm and the clip factor
   * min(1, maxNorm / (‖g‖₂ + 1e-6)) are scalar tensors, so it runs on any backend
   * (webgpu included) without a device-to-host sync. Same math as `update`.
   */
  readonly updateOnDevice: (grads: Named, state: AdamWState, params: Named, learningRate: number) => Update<tf.Scalar>
}

const map = <A, B>(m: ReadonlyMap<string, A>, f: (a: A, name: string) => B): Map<string, B> => {
  const out = new Map<string, B>()
  for (const [k, v] of m) out.set(k, f(v, k))
  return out
}

/**
 * The moments and increments of every parameter of the state, with each gradient scaled
 * by `scale` (the clip factor: a number, or a scalar tensor that stays on the device);
 * `native`: through @epo/native's fused kernel (a numeric scale only).
 */
const moments = (
  config: AdamWConfig,
  grads: Named,
  state: AdamWState,
  params: Named,
  learningRate: number,
  scale: number | tf.Scalar,
  native: boolean
): { readonly updates: Named; readonly state: AdamWState } => {
  const { b1, b2, eps, weightDecay } = config
  const step = state.step + 1
  const c1 = 1 / (1 - Math.pow(b1, step))
  const c2 = 1 / (1 - Math.pow(b2, step))
  const mu = new Map<string, tf.Tensor>()
  const nu = new Map<string, tf.Tensor>()
  const updates = new Map<string, tf.Tensor>()
  for (const [name, m0] of state.mu) {
    const g0 = grads.get(name)
    if (g0 === undefined) {
      mu.set(name, tf.clone(m0))
      nu.set(name, tf.clone(state.nu.get(name)!))
      continue
    }
    const lr = learningRate * (config.multipliers?.[name] ?? 1)
    const [m, v, u] =
      native && typeof scale === "number"
        ? NativeOps.adamw(params.get(name)!, g0, m0, state.nu.get(name)!, { scale, b1, b2, eps, weightDecay, learningRate: lr, c1, c2 })
        : tf.tidy(() => {
            const g = scale === 1 ? g0 : tf.mul(g0, scale)
            const m = tf.add(tf.mul(m0, b1), tf.mul(g, 1 - b1))
            const v = tf.add(tf.mul(state.nu.get(name)!, b2), tf.mul(tf.square(g), 1 - b2))
            const direction = tf.div(tf.mul(m, c1), tf.add(tf.sqrt(tf.mul(v, c2)), eps))
            const decayed = weightDecay === 0 ? direction : tf.add(direction, tf.mul(params.get(name)!, weightDecay))
            return [m, v, tf.mul(decayed, -lr)]
          })
    mu.set(name, m)
    nu.set(name, v)
    updates.set(name, u)
  }
  return { updates, state: { step, mu, nu } }
}

/**
 * Σ ‖g‖² over all gradients, a scalar tensor. Without the native kernels, a chain of
 * additions (in addN's order): tfjs-backend-webgpu's addN binds one storage buffer per
 * input, and WebGPU's default limit is 8 per shader stage.
 */
const sumOfSquares = (grads: Named, native: boolean): tf.Scalar =>
  native
    ? NativeOps.sumOfSquares([...grads.values()])
    : [...grads.values()].map((g) => tf.sum(tf.square(g)) as tf.Scalar).reduce((total, s) => tf.add(total, s))

/** The AdamW transformation for a configuration. */
export const adamw = (config: AdamWConfig): AdamW => ({
  init: (params) => ({
    step: 0,
    mu: map(params, (p) => tf.zerosLike(p)),
    nu: map(params, (p) => tf.zerosLike(p))
  }),
  update: (grads, state, params, learningRate) => {
    const native = Native.active()
    const gradNorm = tf.tidy(() => Math.sqrt(sumOfSquares(grads, native).dataSync()[0]!))
    const scale = config.maxGradNorm === undefined ? 1 : Math.min(1, config.maxGradNorm / (gradNorm + 1e-6))
    return { ...moments(config, grads, state, params, learningRate, scale, native), gradNorm }
  },
  updateOnDevice: (grads, state, params, learningRate) => {
    const gradNorm = tf.tidy(() => tf.sqrt(sumOfSquares(grads, false)))
    const maxNorm = config.maxGradNorm
    const scale = maxNorm === undefined ? 1 : tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(gradNorm, 1e-6))) as tf.Scalar)
    const r = moments(config, grads, state, params, learningRate, scale, false)
    if (typeof scale !== "number") scale.dispose()
    return { ...r, gradNorm }
  }
})

/** θ ← θ + Δθ for each named variable. */
export const applyUpdates = (params: ReadonlyMap<string, tf.Variable>, updates: Named): void => {
  for (const [name, u] of updates) {
    const p = params.get(name)
    if (p === undefined) throw new RangeError(`no parameter named ${name}`)
    tf.tidy(() => p.assign(tf.add(p, u)))
  }
}

/** Frees a state's tensors (or the updates of an Update). */
export const dispose = (state: AdamWState): void => {
  for (const t of state.mu.values()) t.dispose()
  for (const t of state.nu.values()) t.dispose()
}

/** The state as named tensors ("mu/<param>", "nu/<param>") plus the step, for checkpoints. */
export const toTensors = (state: AdamWState): { readonly step: number; readonly tensors: Named } => {
  const tensors = new Map<string, tf.Tensor>()
  for (const [k, v] of state.mu) tensors.set(`mu/${k}`, v)
  for (const [k, v] of state.nu) tensors.set(`nu/${k}`, v)
  return { step: state.step, tensors }
}

/**
 * The inverse of `toTensors` (the tensors are used, not copied). A name that is neither
 * "mu/…" nor "nu/…", or a moment without its pair, is a ConfigError naming it.
 */
export const fromTensors = (step: number, tensors: Named): Effect.Effect<AdamWState, ConfigError> =>
  Effect.gen(function* () {
    yield* Errors.require(Number.isInteger(step) && step >= 0, "AdamWState.step", `must be an integer ≥ 0, got ${step}`)
    const mu = new Map<string, tf.Tensor>()
    const nu = new Map<string, tf.Tensor>()
    for (const [k, v] of tensors) {
      if (k.startsWith("mu/")) mu.set(k.slice(3), v)
      else if (k.startsWith("nu/")) nu.set(k.slice(3), v)
      else yield* Errors.require(false, `AdamWState.${k}`, "tensor name must start with mu/ or nu/")
    }
    for (const k of mu.keys()) yield* Errors.require(nu.has(k), `AdamWState.nu/${k}`, "missing second moment")
    for (const k of nu.keys()) yield* Errors.require(mu.has(k), `AdamWState.mu/${k}`, "missing first moment")
    return { step, mu, nu }
  })

/** Applies an update's increments to the variables, then frees them and the old state. */
const commit = <N>(params: ReadonlyMap<string, tf.Variable>, r: Update<N>, old: AdamWState): { readonly state: AdamWState; readonly gradNorm: N } => {
  applyUpdates(params, r.updates)
  for (const u of r.updates.values()) u.dispose()
  dispose(old)
  return { state: r.state, gradNorm: r.gradNorm }
}

/**
 * The usual training step: clip, update the moments, apply the increments to the
 * variables, free the old state and the increments. Returns the new state and the norm.
 */
export const step = (
  opt: AdamW,
  params: ReadonlyMap<string, tf.Variable>,
  grads: Named,
  state: AdamWState,
  learningRate: number
): { readonly state: AdamWState; readonly gradNorm: number } => commit(params, opt.update(grads, state, params, learningRate), state)

/** `step` through `updateOnDevice`: nothing is read on the host; the norm is returned as a tensor. */
export const stepOnDevice = (
  opt: AdamW,
  params: ReadonlyMap<string, tf.Variable>,
  grads: Named,
  state: AdamWState,
  learningRate: number
): { readonly state: AdamWState; readonly gradNorm: tf.Scalar } => commit(params, opt.updateOnDevice(grads, state, params, learningRate), state)

/**
 * `step` where the backend reads synchronously (the norm on the host; one kernel with
 * @epo/native), else `stepOnDevice` (webgpu): the norm comes back as a number, or as a
 * scalar tensor that the caller reads (and disposes) once the step is queued.
 */
export const stepOnBackend = (
  opt: AdamW,
  params: ReadonlyMap<string, tf.Variable>,
  grads: Named,
  state: AdamWState,
  learningRate: number
): { readonly state: AdamWState; readonly gradNorm: number | tf.Scalar } =>
  Tensors.readsSynchronously() ? step(opt, params, grads, state, learningRate) : stepOnDevice(opt, params, grads, state, learningRate)
