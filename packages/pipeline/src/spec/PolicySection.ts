/**
 * The policy part of a pipeline spec: the transformer's shape (the vocabulary comes from
 * the tokenizer, the value head from whether the algorithm trains a critic), or a
 * checkpoint to start from (its own configuration and vocabulary then apply).
 */
import { Choice } from "@epo/policy"
import { Effect, Schema } from "effect"
import type { SpecIssue } from "./SpecError.js"

const int = (minimum: number, fallback: number) =>
  Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(minimum)), Schema.withDecodingDefaultKey(Effect.succeed(fallback)))

export const ModelSpec = Schema.Struct({
  dModel: int(1, 64),
  layers: int(1, 2),
  heads: int(1, 4),
  /** Longest prompt + response in tokens; longer prompts keep their last tokens. */
  context: int(8, 512),
  positions: Schema.Literals(["learned", "rotary"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("learned" as const)))
})
export type ModelSpec = typeof ModelSpec.Type

export const actionModes = ["generate", "score"] as const
export type ActionMode = (typeof actionModes)[number]

export const PolicySpec = Schema.Struct({
  model: ModelSpec.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
  /**
   * How the policy acts: `generate` writes its answer token by token (the paper's mode);
   * `score` scores every admissible command and samples one from the softmax over the
   * scores (GLAM / TWOSOME; @epo/policy Choice).
   */
  action: Schema.Literals(actionModes).pipe(Schema.withDecodingDefaultKey(Effect.succeed("generate" as const))),
  /** Score normalisation of the `score` mode: by tokens, by words (TWOSOME), or none. */
  normalisation: Schema.Literals(Choice.normalisations).pipe(Schema.withDecodingDefaultKey(Effect.succeed("token" as const))),
  /**
   * The inverse temperature of the `score` mode's softmax: `fixed` at 1, or `learned`
   * (a parameter e^θ on the scores, θ = 0 at the start; @epo/policy PolicyConfig.choiceScale).
   */
  scale: Schema.Literals(["fixed", "learned"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("fixed" as const))),
  /** A checkpoint directory (a run's checkpoints/<name>) to start from instead of a fresh model. */
  checkpoint: Schema.optionalKey(Schema.NonEmptyString)
})
export type PolicySpec = typeof PolicySpec.Type

export const crossFieldIssues = (spec: PolicySpec, path: string): ReadonlyArray<SpecIssue> => {
  const issues: Array<SpecIssue> = []
  if (spec.scale === "learned" && spec.action !== "score")
    issues.push({ path: `${path}.scale`, message: `a learned scale applies to the score mode's candidate scores; action is "${spec.action}"` })
  const m = spec.model
  if (m.dModel % m.heads !== 0) issues.push({ path: `${path}.model.heads`, message: `heads (${m.heads}) must divide dModel (${m.dModel})` })
  else if (m.positions === "rotary" && (m.dModel / m.heads) % 2 !== 0)
    issues.push({ path: `${path}.model.positions`, message: `rotary positions need an even head width, got dModel/heads = ${m.dModel / m.heads}` })
  return issues
}
