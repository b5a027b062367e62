/**
 * The policy a run trains and its tokenizer, as Layers: a fresh transformer shaped by
 * `policy.model` over the environment's vocabulary (the one its registration brings, else
 * household's; a value head when the algorithm trains a critic), or the weights of
 * `policy.checkpoint` with that checkpoint's configuration and vocabulary. Initialisation
 * draws from the run seed. A checkpoint of a run is checked against the hashes its run
 * recorded before it is loaded (runs/Integrity.ts).
 */
import { type ConfigError, TensorBackend } from "@epo/core"
import { Checkpoint, type CheckpointError, HouseholdVocabulary, Params, Policy, PolicyConfig, PolicyService, type Safetensors, Tokenizer, Vocabulary } from "@epo/policy"
import * as tf from "@tensorflow/tfjs"
import { Context, Effect, Layer } from "effect"
import * as Environments from "../spec/Environments.js"
import type { RunStoreError } from "../runs/Files.js"
import { type IntegrityError, verifyIfRecorded } from "../runs/Integrity.js"
import { keyOf } from "../spec/RunKeys.js"
import type { PipelineSpec } from "../spec/Spec.js"

/** The tokenizer of the run's policy. */
export class Codec extends Context.Service<Codec, Tokenizer.Tokenizer>()("@epo/pipeline/Codec") {}

/** The tokenizer of a fresh policy: its environment's vocabulary, or the household one when the environment brings none. */
const freshTokenizer = (spec: PipelineSpec): Effect.Effect<Tokenizer.Tokenizer, Vocabulary.VocabularyError> => {
  const vocabulary = Environments.info(spec.environment.name).vocabulary
  return vocabulary === undefined ? HouseholdVocabulary.tokenizer : Effect.map(Vocabulary.decode(vocabulary.data, vocabulary.source), Tokenizer.make)
}

export const needsCritic = (spec: PipelineSpec): boolean => spec.objective.value !== undefined

const learnsChoiceScale = (spec: PipelineSpec): boolean => spec.policy.scale === "learned"

/** A fresh policy's configuration: `policy.model` over a vocabulary of `vocab` tokens. */
const freshConfig = (spec: PipelineSpec, vocab: number) => ({ vocab, ...spec.policy.model, valueHead: needsCritic(spec), choiceScale: learnsChoiceScale(spec) })

/** A stored configuration, with a value head added when the algorithm trains a critic and a choice scale when the spec learns one. */
const storedConfig = (spec: PipelineSpec, stored: PolicyConfig) => ({
  ...stored,
  valueHead: stored.valueHead || needsCritic(spec),
  choiceScale: stored.choiceScale === true || learnsChoiceScale(spec)
})

/** Parameters a spec may add to a stored policy. */
const isAddable = (name: string) => name.startsWith("value.") || name === Params.choiceScale

/**
 * Assigns stored weights to variables of the same names. A value head or choice scale
 * missing from the weights keeps its fresh initialisation (a critic or a scale added to a
 * warm-started policy); anything else must match exactly.
 */
export const restoreWeights = (
  variables: ReadonlyMap<string, tf.Variable>,
  weights: Safetensors.NamedArrays,
  file: string
): Effect.Effect<void, CheckpointError> => {
  const keep = [...variables].filter(([name]) => !(isAddable(name) && weights[name] === undefined))
  return Checkpoint.restore(new Map(keep), weights, file)
}

/** A policy checkpoint, verified against its run's recorded hashes when it belongs to a run, with its configuration checked. */
export const loadCheckpoint = (dir: string) =>
  Effect.andThen(verifyIfRecorded(dir), Checkpoint.load(dir, PolicyConfig, { vocabularySize: (c) => c.vocab, parameters: Params.specs }))

/**
 * The model configuration a spec's policy will have: `policy.model` (with the environment
 * vocabulary's size) for a fresh policy, or the stored configuration of `policy.checkpoint`,
 * whose `policy.model` is then unused. Loading checks the checkpoint as training would.
 */
export const effectiveConfig = (spec: PipelineSpec) =>
  Effect.gen(function* () {
    const from = spec.policy.checkpoint
    if (from === undefined) {
      const tokenizer = yield* freshTokenizer(spec)
      return { source: "policy.model" as const, config: freshConfig(spec, tokenizer.size) }
    }
    const stored = yield* loadCheckpoint(from)
    return { source: from, config: storedConfig(spec, stored.config) }
  })

/** Policy and tokenizer from the spec. */
export const layer = (
  spec: PipelineSpec
): Layer.Layer<Policy | Codec, ConfigError | CheckpointError | Vocabulary.VocabularyError | IntegrityError | RunStoreError, TensorBackend> => {
  const from = spec.policy.checkpoint
  if (from === undefined) {
    const codec = Layer.effect(Codec, freshTokenizer(spec))
    const policy = Layer.effect(
      Policy,
      Effect.gen(function* () {
        const tokenizer = yield* Codec
        return yield* PolicyService.make(freshConfig(spec, tokenizer.size), keyOf(spec, "init"))
      })
    )
    return Layer.provideMerge(policy, codec)
  }
  return Layer.effectContext(
    Effect.gen(function* () {
      yield* TensorBackend
      const stored = yield* loadCheckpoint(from)
      const policy = yield* PolicyService.make(storedConfig(spec, stored.config), keyOf(spec, "init"))
      yield* restoreWeights(policy.variables, stored.weights, from)
      return Context.make(Policy, policy).pipe(Context.add(Codec, Tokenizer.make(stored.vocabulary)))
    })
  )
}
