/**
 * The agent: a language-model policy acting in a text environment. For each live member
 * of a batched run it renders the prompt from the episode memory (the prompt format) and
 * tokenizes it; then, by the spec's action mode, either
 * - `generate`: samples a response with the Policy service, decodes it and parses the
 *   command (the format again, which also says whether the answer kept to the format and
 *   what penalty it earns), or
 * - `score`: scores every admissible command and samples one (@epo/policy Choice): the
 *   answer always keeps to the format and every command is admissible.
 * Every decision keeps what the update needs to re-evaluate it (token ids, or the
 * candidates and the choice) and the rollout's per-token log-probabilities and entropies.
 */
import { Random } from "@epo/core"
import type { Runner } from "@epo/env"
import type { Prompt } from "@epo/household"
import { Candidates, type Normalisation, type PolicyShape, Tokenizer } from "@epo/policy"
import { Data, Effect } from "effect"

/** What the agent needs of a tokenizer (the @epo/policy tokenizer fits). */
export interface TextCodec {
  readonly bos: number
  readonly eot: number
  encodeSync(text: string): Int32Array
  decode(ids: ArrayLike<number>): string
}

export class AgentError extends Data.TaggedError("AgentError")<{ readonly reason: string }> {
  override toString(): string {
    return `agent: ${this.reason}`
  }
}

/** What the policy did at a turn, as the update re-evaluates it. */
export type Action =
  /** Response token ids, ending with <eot> when the model stopped by itself: one "token" per id. */
  | { readonly _tag: "Generated"; readonly response: Int32Array }
  /** The candidate commands' token ids, their word counts and the index chosen: one "token", the choice. */
  | { readonly _tag: "Chosen"; readonly candidates: ReadonlyArray<Int32Array>; readonly words: ReadonlyArray<number>; readonly choice: number }

/** Entries of the [S, L] layout an action occupies: its response tokens, or 1 for a choice. */
export const actionLength = (action: Action): number => (action._tag === "Generated" ? action.response.length : 1)

export interface AgentDecision extends Runner.Decision {
  /** Prompt token ids (starting with <bos>; the oldest tokens dropped if it was too long). */
  readonly prompt: Int32Array
  readonly action: Action
  /** Rollout log-probabilities and entropies per entry of the action (from logits / temperature). */
  readonly logp: Float32Array
  readonly entropy: Float32Array
  /** The critic's value per entry, when the policy computed it while acting (action scoring with a value head). */
  readonly values?: Float32Array | undefined
  /** Whether the answer kept to the prompt format, and the reward penalty it earns. */
  readonly valid: boolean
  readonly penalty: number
}

export interface SamplingSettings {
  readonly temperature: number
  readonly topK?: number | undefined
  readonly topP?: number | undefined
  readonly maxNewTokens: number
}

/** How the policy acts (the spec's `policy.action` and `policy.normalisation`). */
export interface ActionSettings {
  readonly action: "generate" | "score"
  readonly normalisation: Normalisation
}

/** Prompt ids for a text: <bos> + ids, keeping the newest tokens when longer than `budget`. */
export const encodePrompt = (codec: TextCodec, text: string, budget: number): Int32Array =>
  Tokenizer.keepNewest(Int32Array.from([codec.bos, ...codec.encodeSync(text)]), budget)

/**
 * A batch policy for the grouped runner. At turn t the rows draw from
 * `Random.fold(key, t)` (the Policy folds in each row's index). Each turn first yields to
 * the event loop, so that a signal (Ctrl-C) is handled within one turn.
 */
export const batchPolicy =
  (
    policy: PolicyShape,
    codec: TextCodec,
    format: Prompt.PromptFormat,
    sampling: SamplingSettings,
    key: Random.Key
  ): Runner.BatchPolicy<AgentDecision, AgentError> =>
  (views, turn) =>
    Effect.gen(function* () {
      yield* Effect.yieldNow
      const budget = policy.config.context - sampling.maxNewTokens
      if (budget < 2)
        return yield* new AgentError({ reason: `the model's context (${policy.config.context}) leaves no room for a prompt beside ${sampling.maxNewTokens} response tokens` })
      const prompts = yield* Effect.try({
        try: () => views.map((v) => encodePrompt(codec, format.render(v.memory), budget)),
        catch: (e) => new AgentError({ reason: `cannot tokenize a prompt: ${String(e)}` })
      })
      const generations = yield* policy
        .generate(prompts, {
          temperature: sampling.temperature,
          topK: sampling.topK,
          topP: sampling.topP,
          maxNewTokens: sampling.maxNewTokens,
          key: Random.fold(key, turn),
          endOfTurn: codec.eot
        })
        .pipe(Effect.mapError((e) => new AgentError({ reason: String(e) })))
      return generations.map((g, i): AgentDecision => {
        const parsed = format.parse(codec.decode(g.tokens))
        return {
          command: parsed.action,
          prompt: prompts[i],
          action: { _tag: "Generated", response: g.tokens },
          logp: g.logp,
          entropy: g.entropy,
          valid: parsed.valid,
          penalty: parsed.penalty
        }
      })
    })

/**
 * A batch policy that scores the admissible commands of each live member and samples
 * one. At turn t the rows draw from `Random.fold(key, t)` (the Policy folds in each row's
 * index).
 */
export const choicePolicy =
  (
    policy: PolicyShape,
    codec: TextCodec,
    format: Prompt.PromptFormat,
    sampling: SamplingSettings,
    normalisation: Normalisation,
    key: Random.Key
  ): Runner.BatchPolicy<AgentDecision, AgentError> => {
    const encoder = Candidates.encoder(codec)
    return (views, turn) =>
      Effect.gen(function* () {
        const rows = yield* Effect.try({
          try: () => views.map((v) => encoder.row(format.render(v.memory), v.memory.admissibleCommands, policy.config.context)),
          catch: (e) => new AgentError({ reason: `cannot tokenize a prompt or command: ${String(e)}` })
        })
        const choices = yield* policy
          .choose(rows, { temperature: sampling.temperature, topK: sampling.topK, normalisation, key: Random.fold(key, turn) })
          .pipe(Effect.mapError((e) => new AgentError({ reason: String(e) })))
        return choices.map((c, i): AgentDecision => ({
          command: rows[i].commands[c.choice],
          prompt: rows[i].prompt,
          action: { _tag: "Chosen", candidates: rows[i].candidates, words: rows[i].words, choice: c.choice },
          logp: Float32Array.of(c.logp),
          entropy: Float32Array.of(c.entropy),
          values: c.value === undefined ? undefined : Float32Array.of(c.value),
          valid: true,
          penalty: 0
        }))
      })
  }

/** The batch policy of an action mode. */
export const agent = (
  policy: PolicyShape,
  codec: TextCodec,
  format: Prompt.PromptFormat,
  sampling: SamplingSettings,
  acting: ActionSettings,
  key: Random.Key
): Runner.BatchPolicy<AgentDecision, AgentError> =>
  acting.action === "score" ? choicePolicy(policy, codec, format, sampling, acting.normalisation, key) : batchPolicy(policy, codec, format, sampling, key)
