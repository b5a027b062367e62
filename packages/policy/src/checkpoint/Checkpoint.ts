/**
 * A policy checkpoint: one directory holding
 *
 *   model.safetensors      the weights, named tensors (F32)
 *   config.json            the model configuration, encoded with the caller's Schema
 *   vocab.json             the tokenizer's vocabulary (Vocabulary.VocabularyFile)
 *   optimizer.safetensors  optional: the optimiser's state tensors, with the step in
 *                          its metadata, for resuming training
 *
 * Each file is written atomically and config.json last, so a directory without
 * config.json is an unfinished save; write each checkpoint to its own directory. Loading
 * returns host arrays (no tensors to free); `restore` assigns them to variables after
 * checking that names, shapes and dtypes match.
 */
import type * as tf from "@tensorflow/tfjs"
import { Effect, type Schema } from "effect"
import { rm } from "node:fs/promises"
import { join } from "node:path"
import * as Vocabulary from "../tokenizer/Vocabulary.js"
import { CheckpointError } from "./CheckpointError.js"
import * as Files from "./Files.js"
import * as Safetensors from "./Safetensors.js"

export const fileNames = {
  model: "model.safetensors",
  config: "config.json",
  vocabulary: "vocab.json",
  optimizer: "optimizer.safetensors"
} as const

export interface SaveInput<C> {
  readonly config: C
  readonly weights: Safetensors.NamedTensors
  readonly vocabulary: Vocabulary.VocabularyFile
  /** The optimiser's step and state tensors (e.g. AdamW's moments by name); omit to save weights only. */
  readonly optimizer?: { readonly step: number; readonly tensors: Safetensors.NamedTensors }
}

export interface Checkpoint<C> {
  readonly config: C
  readonly weights: Safetensors.NamedArrays
  readonly vocabulary: Vocabulary.VocabularyFile
  /** Absent when the checkpoint was saved without optimiser state. */
  readonly optimizer?: { readonly step: number; readonly arrays: Safetensors.NamedArrays }
}

/** What a parameter of the configuration looks like (the model's `Params.specs` entries fit). */
export interface ParameterShape {
  readonly name: string
  readonly shape: ReadonlyArray<number>
}

export interface LoadOptions<C> {
  /** The parameters the configuration implies: each must be stored as F32 with its shape, and nothing else. */
  readonly parameters?: (config: C) => ReadonlyArray<ParameterShape>
  /** The vocabulary size the configuration implies: vocab.json must have as many tokens. */
  readonly vocabularySize?: (config: C) => number
}

const stepKey = "step"

/** Saves a checkpoint into `dir` (created if needed). */
export const save = <C, I>(dir: string, configSchema: Schema.Codec<C, I>, input: SaveInput<C>): Effect.Effect<void, CheckpointError> =>
  Effect.gen(function* () {
    const modelPath = join(dir, fileNames.model)
    const optimizerPath = join(dir, fileNames.optimizer)
    const weights = yield* Safetensors.fromTensors(input.weights, modelPath)
    yield* Files.writeAtomic(modelPath, Safetensors.serialize(weights))
    if (input.optimizer !== undefined) {
      const { step, tensors } = input.optimizer
      if (!Number.isSafeInteger(step) || step < 0)
        return yield* Effect.fail(new CheckpointError({ file: optimizerPath, item: stepKey, reason: `must be a non-negative integer, got ${step}` }))
      const arrays = yield* Safetensors.fromTensors(tensors, optimizerPath)
      yield* Files.writeAtomic(optimizerPath, Safetensors.serialize(arrays, { [stepKey]: String(step) }))
    } else {
      // A stale optimiser file from an earlier save must not be resumed with these weights.
      yield* Effect.tryPromise({
        try: () => rm(optimizerPath, { force: true }),
        catch: (e) => new CheckpointError({ file: optimizerPath, item: "", reason: `cannot remove: ${String(e)}` })
      })
    }
    yield* Files.writeJson(join(dir, fileNames.vocabulary), Vocabulary.VocabularyFile, input.vocabulary)
    yield* Files.writeJson(join(dir, fileNames.config), configSchema, input.config)
  })

/** The first tensor holding NaN or an infinity, as an error naming the file and tensor. */
const nonFinite = (file: string, arrays: Safetensors.NamedArrays): CheckpointError | undefined => {
  for (const [name, a] of Object.entries(arrays)) {
    if (a.dtype !== "F32") continue
    const at = a.data.findIndex((x) => !Number.isFinite(x))
    if (at >= 0) return new CheckpointError({ file, item: name, reason: `holds a non-finite value (${a.data[at]} at flat index ${at})` })
  }
  return undefined
}

const readSafetensors = (path: string) =>
  Effect.flatMap(Files.read(path), (bytes) => Safetensors.parse(bytes, path)).pipe(
    Effect.flatMap((contents) => {
      const bad = nonFinite(path, contents.arrays)
      return bad === undefined ? Effect.succeed(contents) : Effect.fail(bad)
    })
  )

/** The first mismatch between stored weights and the configuration's parameters, as an error. */
const checkParameters = (file: string, weights: Safetensors.NamedArrays, expected: ReadonlyArray<ParameterShape>): CheckpointError | undefined => {
  const fail = (item: string, reason: string) => new CheckpointError({ file, item, reason })
  const names = new Set<string>()
  for (const p of expected) {
    names.add(p.name)
    const a = weights[p.name]
    if (a === undefined) return fail(p.name, "missing: the configuration has this parameter")
    if (a.dtype !== "F32") return fail(p.name, `dtype ${a.dtype}, expected F32`)
    if (a.shape.length !== p.shape.length || a.shape.some((d, i) => d !== p.shape[i]))
      return fail(p.name, `shape [${a.shape.join(", ")}] does not match the configuration's [${p.shape.join(", ")}]`)
  }
  const extra = Object.keys(weights).find((n) => !names.has(n))
  return extra === undefined ? undefined : fail(extra, "not a parameter of the configuration")
}

/** Loads the checkpoint in `dir`, checking it against the configuration when `options` say how. */
export const load = <C, I>(
  dir: string,
  configSchema: Schema.Codec<C, I>,
  options: LoadOptions<C> = {}
): Effect.Effect<Checkpoint<C>, CheckpointError> =>
  Effect.gen(function* () {
    const configPath = join(dir, fileNames.config)
    const modelPath = join(dir, fileNames.model)
    const vocabularyPath = join(dir, fileNames.vocabulary)
    const optimizerPath = join(dir, fileNames.optimizer)
    const config = yield* Files.readJson(configPath, configSchema)
    const vocabulary = yield* Files.readJson(vocabularyPath, Vocabulary.VocabularyFile).pipe(
      Effect.flatMap((v) => Vocabulary.decode(v, vocabularyPath)),
      Effect.mapError((e) => (e._tag === "VocabularyError" ? new CheckpointError({ file: vocabularyPath, item: "", reason: e.reason }) : e))
    )
    if (options.vocabularySize !== undefined) {
      const size = options.vocabularySize(config)
      if (size !== vocabulary.tokens.length)
        return yield* Effect.fail(
          new CheckpointError({ file: vocabularyPath, item: "tokens", reason: `${vocabulary.tokens.length} tokens, the configuration says ${size}` })
        )
    }
    const { arrays: weights } = yield* readSafetensors(modelPath)
    if (options.parameters !== undefined) {
      const mismatch = checkParameters(modelPath, weights, options.parameters(config))
      if (mismatch !== undefined) return yield* Effect.fail(mismatch)
    }
    if (!(yield* Files.exists(optimizerPath))) return { config, weights, vocabulary }
    const stored = yield* readSafetensors(optimizerPath)
    const rawStep = stored.metadata[stepKey]
    const step = rawStep !== undefined && /^(0|[1-9][0-9]*)$/.test(rawStep) ? Number(rawStep) : NaN
    if (!Number.isSafeInteger(step))
      return yield* Effect.fail(
        new CheckpointError({ file: optimizerPath, item: `__metadata__.${stepKey}`, reason: `must be a non-negative integer string, got ${JSON.stringify(rawStep)}` })
      )
    return { config, weights, vocabulary, optimizer: { step, arrays: stored.arrays } }
  })

/**
 * Assigns stored arrays to variables of the same names. Every variable must have an
 * array of its shape and dtype and every array a variable; nothing is assigned unless
 * all match. `file` names the source in errors.
 */
export const restore = (
  variables: ReadonlyMap<string, tf.Variable> | Readonly<Record<string, tf.Variable>>,
  arrays: Safetensors.NamedArrays,
  file: string
): Effect.Effect<void, CheckpointError> =>
  Effect.suspend(() => {
    const vars: Array<[string, tf.Variable]> =
      variables instanceof Map ? [...variables.entries()] : Object.entries(variables as Readonly<Record<string, tf.Variable>>)
    const mismatch = checkParameters(file, arrays, vars.map(([name, v]) => ({ name, shape: v.shape })))
    const wrongType = vars.find(([, v]) => v.dtype !== "float32")
    if (wrongType !== undefined)
      return Effect.fail(new CheckpointError({ file, item: wrongType[0], reason: `variable dtype ${wrongType[1].dtype}: only float32 variables are restored` }))
    if (mismatch !== undefined) return Effect.fail(mismatch)
    return Effect.sync(() => {
      for (const [name, v] of vars) {
        const t = Safetensors.toTensor(arrays[name])
        v.assign(t)
        t.dispose()
      }
    })
  })
