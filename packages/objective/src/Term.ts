/**
 * The objective algebra. A `Term` is a pure function from a token batch and an
 * evaluation context to a scalar loss tensor plus named metric tensors; an objective is
 * just a term. Combinators build new terms from old ones:
 *
 * - `perToken(f, aggregation)`: a per-token `[S, L]` quantity reduced by an aggregation;
 * - `sum(...terms)`, `scale(term, c)` with c a constant or a function of the context
 *   (e.g. a StepSchedule of the step), `negate(term)`;
 * - `named(term, name)`: reports the term's value as metric `name`;
 * - `stopGradient(term)`: the same value, no gradient;
 * - `metric(name, f)`: reports a value without contributing to the loss.
 *
 * EPO (paper Eq. 6) is one expression over these; see Presets.ts and docs/objectives.md.
 */
import { ShapeError, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect, Function } from "effect"
import { type AggregationLike, resolve } from "./Aggregation.js"
import * as Gradients from "./Gradients.js"
import type { StepSchedule } from "./StepSchedule.js"
import { check, type OptionalField, type TokenBatch } from "./TokenBatch.js"

/** Where in training an objective is evaluated (CONTRACTS.md). */
export interface EvalContext {
  /** The update step k = 0, 1, ... */
  readonly step: number
  /** The number of update steps K of the run. */
  readonly totalSteps: number
  /** The entropy history's reference Hbar^{W_k} for this step; undefined at step 0. */
  readonly entropyReference?: number | undefined
  /**
   * The released code's per-turn reference (index = turn), current step included;
   * read only by the "epo-released" smoothing variant.
   */
  readonly turnEntropyReference?: ReadonlyArray<number> | undefined
}

/** A term's scalar value and its named metrics (tensors owned by the caller). */
export interface Evaluation {
  readonly value: tf.Scalar
  readonly metrics: Readonly<Record<string, tf.Scalar>>
}

/**
 * A loss term. `evaluate` may leave intermediate tensors behind: call it through
 * `evaluate`, `evaluateChecked` or `valueAndGrads` (or inside tf.tidy), which free them.
 */
export interface Term {
  /** The optional batch fields this term reads (checked before evaluation). */
  readonly requires: ReadonlyArray<OptionalField>
  readonly evaluate: (batch: TokenBatch, context: EvalContext) => Evaluation
}

/** A coefficient: a constant or a function of the context (a schedule of the step). */
export type Coefficient = number | ((context: EvalContext) => number)

const coefficientAt = (c: Coefficient, context: EvalContext): number => (typeof c === "number" ? c : c(context))

/** A term from its evaluation function. */
export const make = (evaluate: Term["evaluate"], requires: ReadonlyArray<OptionalField> = []): Term => ({ requires, evaluate })

/** A term with no metrics from a scalar function of the batch. */
export const fromScalar = (f: (batch: TokenBatch, context: EvalContext) => tf.Scalar, requires: ReadonlyArray<OptionalField> = []): Term =>
  make((batch, context) => ({ value: f(batch, context), metrics: {} }), requires)

/**
 * A per-token quantity `f(batch, context)` of shape `[S, L]`, reduced by `aggregation`
 * (a registry name or an Aggregation). The building block of every loss term.
 */
export const perToken = (
  f: (batch: TokenBatch, context: EvalContext) => tf.Tensor2D,
  aggregation: AggregationLike,
  requires: ReadonlyArray<OptionalField> = []
): Term => {
  const aggregate = resolve(aggregation)
  return fromScalar((batch, context) => tf.tidy(() => aggregate(f(batch, context), batch)), requires)
}

/** The zero term. */
export const zero: Term = fromScalar(() => tf.scalar(0))

const mergeMetrics = (parts: ReadonlyArray<Readonly<Record<string, tf.Scalar>>>): Record<string, tf.Scalar> => {
  const out: Record<string, tf.Scalar> = {}
  for (const metrics of parts) {
    for (const [name, value] of Object.entries(metrics)) {
      let key = name
      for (let i = 2; key in out; i++) key = `${name}#${i}`
      out[key] = value
    }
  }
  return out
}

/** The sum of terms; metrics are merged (a repeated name gets a `#2` suffix). */
export const sum = (...terms: ReadonlyArray<Term>): Term =>
  make(
    (batch, context) => {
      const parts = terms.map((t) => t.evaluate(batch, context))
      const value = parts.length === 0 ? tf.scalar(0) : (tf.addN(parts.map((p) => p.value)) as tf.Scalar)
      return { value, metrics: mergeMetrics(parts.map((p) => p.metrics)) }
    },
    [...new Set(terms.flatMap((t) => t.requires))]
  )

/** `c * term`, c a constant or a function of the context. Data-first or pipeable. */
export const scale: {
  (coefficient: Coefficient): (self: Term) => Term
  (self: Term, coefficient: Coefficient): Term
} = Function.dual(2, (self: Term, coefficient: Coefficient): Term =>
  make((batch, context) => {
    const inner = self.evaluate(batch, context)
    const c = coefficientAt(coefficient, context)
    return { value: tf.mul(inner.value, c) as tf.Scalar, metrics: inner.metrics }
  }, self.requires)
)

/** `-term`. */
export const negate = (self: Term): Term => scale(self, -1)

/** Reports the term's value as the metric `name`. Data-first or pipeable. */
export const named: {
  (name: string): (self: Term) => Term
  (self: Term, name: string): Term
} = Function.dual(2, (self: Term, name: string): Term =>
  make((batch, context) => {
    const inner = self.evaluate(batch, context)
    return { value: inner.value, metrics: mergeMetrics([{ [name]: inner.value }, inner.metrics]) }
  }, self.requires)
)

/** The same value with zero gradient: `sg[term]`. */
export const stopGradient = (self: Term): Term =>
  make((batch, context) => {
    const inner = self.evaluate(batch, context)
    return { value: Gradients.stopGradient(inner.value), metrics: inner.metrics }
  }, self.requires)

/**
 * Reports `f(batch, context)` as metric `name`; contributes 0 to the loss. On a
 * micro-batch (`batch.totals`) it reports its share, rows / totals.rows, of the value,
 * so that micro-batch metrics add up like the aggregated ones (a constant stays itself).
 */
export const metric = (name: string, f: (batch: TokenBatch, context: EvalContext) => tf.Scalar | number, requires: ReadonlyArray<OptionalField> = []): Term =>
  make((batch, context) => {
    const v = f(batch, context)
    const value = typeof v === "number" ? tf.scalar(v) : v
    const share = batch.totals === undefined ? 1 : batch.trajectory.length / Math.max(batch.totals.rows, 1)
    return { value: tf.scalar(0), metrics: { [name]: share === 1 ? value : (tf.mul(value, share) as tf.Scalar) } }
  }, requires)

/** A coefficient following a schedule of the step. */
export const atStep =
  (schedule: StepSchedule): ((context: EvalContext) => number) =>
  (context) =>
    schedule(context.step)

/** A coefficient following a schedule built from the run's horizon K (e.g. EPO's beta_k). */
export const overHorizon =
  (make: (totalSteps: number) => StepSchedule): ((context: EvalContext) => number) =>
  (context) =>
    make(context.totalSteps)(context.step)

/**
 * Evaluates a term: the loss and metrics as tensors the caller owns (intermediates are
 * freed). Synchronous, so it can run inside `tf.variableGrads`. Assumes a valid batch
 * (see `evaluateChecked`).
 */
export const evaluate = (term: Term, batch: TokenBatch, context: EvalContext): Evaluation =>
  tf.tidy(() => {
    const e = term.evaluate(batch, context)
    return { value: e.value, metrics: e.metrics } as unknown as tf.TensorContainerObject
  }) as unknown as Evaluation

/** Checks the batch's shapes and the fields the term requires, then evaluates. */
export const evaluateChecked = (term: Term, batch: TokenBatch, context: EvalContext): Effect.Effect<Evaluation, ShapeError> =>
  Effect.suspend(() => {
    const error = check(batch, term.requires)
    return error === undefined ? Effect.succeed(evaluate(term, batch, context)) : Effect.fail(error)
  })

const readMetrics = (metrics: Readonly<Record<string, tf.Scalar>>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const [name, t] of Object.entries(metrics)) out[name] = t.dataSync()[0]
  tf.dispose(Object.values(metrics))
  return out
}

/** Reads an evaluation back as numbers (`loss` plus every metric) and disposes it. */
export const read = (evaluation: Evaluation): Record<string, number> => {
  const loss = evaluation.value.dataSync()[0]
  const metrics = readMetrics(evaluation.metrics)
  evaluation.value.dispose()
  return { loss, ...metrics }
}

export interface ValueAndGrads {
  readonly loss: number
  readonly metrics: Record<string, number>
  /** Gradients of the loss by variable name (owned by the caller). */
  readonly grads: tf.NamedTensorMap
}

/** `ValueAndGrads` before anything is read back: the loss and the metrics as scalars. */
export interface ValueAndGradTensors {
  /** The loss (owned by the caller). */
  readonly loss: tf.Scalar
  /** The metrics (owned by the caller; a metric may be the loss tensor itself). */
  readonly metrics: Readonly<Record<string, tf.Scalar>>
  /** Gradients of the loss by variable name (owned by the caller). */
  readonly grads: tf.NamedTensorMap
}

/**
 * `valueAndGrads` without reading anything back: the loss and the metrics stay scalar
 * tensors, so that on a GPU backend the caller can queue more work (the optimiser step)
 * before it waits on the device to read them.
 */
export const valueAndGradTensors = (
  term: Term,
  context: EvalContext,
  batchOf: () => TokenBatch,
  variables?: ReadonlyArray<tf.Variable>
): Effect.Effect<ValueAndGradTensors, ShapeError> =>
  Effect.suspend(() => {
    let metrics: Record<string, tf.Scalar> = {}
    let shapeError: ShapeError | undefined
    const { value, grads } = tf.variableGrads(() => {
      const batch = batchOf()
      shapeError = check(batch, term.requires)
      // Throwing under the gradient tape leaks the tape's tensors in tfjs; a bad batch
      // instead yields a zero loss still connected to the variables, and fails below.
      if (shapeError !== undefined) return tf.mul(tf.sum(batch.logp), 0) as tf.Scalar
      const e = term.evaluate(batch, context)
      metrics = Object.fromEntries(Object.entries(e.metrics).map(([k, v]) => [k, tf.keep(v)]))
      return e.value
    }, variables as Array<tf.Variable> | undefined)
    if (shapeError !== undefined) {
      tf.dispose([value, ...Object.values(grads)])
      return Effect.fail(shapeError)
    }
    return Effect.succeed({ loss: value, metrics, grads })
  })

/**
 * One training evaluation: builds the batch with `batchOf` under the gradient tape (so
 * `logp`, `entropy`, `values` depend on the policy's variables), checks its shapes,
 * evaluates the objective and returns the loss, the metrics as numbers, and the gradients
 * of the loss with respect to `variables` (default: all trainable variables).
 */
export const valueAndGrads = (
  term: Term,
  context: EvalContext,
  batchOf: () => TokenBatch,
  variables?: ReadonlyArray<tf.Variable>
): Effect.Effect<ValueAndGrads, ShapeError> =>
  Effect.flatMap(valueAndGradTensors(term, context, batchOf, variables), ({ loss, metrics, grads }) => {
    const names = Object.keys(metrics)
    const scalars = [loss, ...Object.values(metrics)]
    return Tensors.read(scalars).pipe(
      Effect.ensuring(Effect.sync(() => tf.dispose(scalars))),
      Effect.map(([value, ...values]) => ({ loss: value![0]!, metrics: Object.fromEntries(names.map((name, i) => [name, values[i]![0]!])), grads }))
    )
  })
