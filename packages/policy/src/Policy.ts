/**
 * The `Policy` service (CONTRACTS.md): generation, the differentiable evaluation pass and
 * the trainable variables of one transformer. Text never enters here: the tokenizer turns
 * it into token ids.
 */
import { type ConfigError, type Random, TensorBackend } from "@epo/core"
import { Context, Effect, Layer, type Scope } from "effect"
import { type ChoiceOptions, type Choice, choose, type ChooseOptions, type ChoiceRow, type ChosenRow, evaluateChoices } from "./Choice.js"
import * as Config from "./Config.js"
import { type Evaluation, type EvaluateOptions, evaluate, type PolicyInputError, type Row } from "./Evaluate.js"
import { generate, type GenerateOptions, type Generation } from "./Generate.js"
import * as Params from "./Params.js"

export interface PolicyShape {
  readonly config: Config.PolicyConfig
  /** Trainable variables by stable name ("blocks.0.attn.qkv.weight", ...). */
  readonly variables: Params.Variables
  /** One response per prompt (token ids), with per-token logp and entropy. */
  readonly generate: (
    prompts: ReadonlyArray<Int32Array>,
    options: GenerateOptions
  ) => Effect.Effect<Array<Generation>, PolicyInputError>
  /**
   * Per-token logp, entropy (and values) of each row's response in the [S, L] layout;
   * synchronous so it can run inside tf.tidy / tf.variableGrads; throws PolicyInputError
   * on rows `Evaluate.checkRows` rejects.
   */
  readonly evaluate: (rows: ReadonlyArray<Row>, options: EvaluateOptions) => Evaluation
  /** Action scoring (Choice.ts): one candidate drawn per row from the softmax over their scores. */
  readonly choose: (rows: ReadonlyArray<ChoiceRow>, options: ChooseOptions) => Effect.Effect<Array<Choice>, PolicyInputError>
  /**
   * The differentiable pass over taken choices, [S, 1]: log π(a | s), H(s) (and values);
   * synchronous, throws PolicyInputError like `evaluate`.
   */
  readonly evaluateChoices: (rows: ReadonlyArray<ChosenRow>, options: ChoiceOptions) => Evaluation
}

export class Policy extends Context.Service<Policy, PolicyShape>()("@epo/policy/Policy") {}

/** A policy over existing variables (for example loaded from a checkpoint); not owned. */
export const fromVariables = (config: Config.PolicyConfig, variables: Params.Variables): PolicyShape => ({
  config,
  variables,
  generate: (prompts, options) => generate(variables, config, prompts, options),
  evaluate: (rows, options) => evaluate(variables, config, rows, options),
  choose: (rows, options) => choose(variables, config, rows, options),
  evaluateChoices: (rows, options) => evaluateChoices(variables, config, rows, options)
})

/**
 * A freshly initialised policy whose variables live as long as the Scope. `config` is
 * decoded (a ConfigError names the bad field); initialisation is a function of `key`.
 */
export const make = (
  config: unknown,
  key: Random.Key
): Effect.Effect<PolicyShape, ConfigError, TensorBackend | Scope.Scope> =>
  Effect.gen(function* () {
    yield* TensorBackend
    const c = yield* Config.decode(config)
    const variables = yield* Effect.acquireRelease(
      Effect.sync(() => Params.init(c, key)),
      (v) => Effect.sync(() => Params.dispose(v))
    )
    return fromVariables(c, variables)
  })

/** A Layer providing a freshly initialised Policy. */
export const layer = (config: unknown, key: Random.Key): Layer.Layer<Policy, ConfigError, TensorBackend> =>
  Layer.effect(Policy, make(config, key))

/** A Layer providing a Policy over existing variables. */
export const layerFromVariables = (config: Config.PolicyConfig, variables: Params.Variables): Layer.Layer<Policy> =>
  Layer.succeed(Policy, fromVariables(config, variables))

