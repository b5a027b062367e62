/**
 * The agent: a language-model policy acting in a text environment. For each live member
 * of a batched run it renders the prompt from the episode memory (the prompt format),
 * tokenizes it, samples a response with the Policy service, decodes it and parses the
 * command (the format again, which also says whether the answer kept to the format and
 * what penalty it earns). Every decision keeps its token ids and the rollout's per-token
 * log-probabilities and entropies, which the update and the metrics need.
 */
import { Random } from "@epo/core"
import type { Runner } from "@epo/env"
import type { Prompt } from "@epo/household"
import type { PolicyShape } from "@epo/policy"
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

export interface AgentDecision extends Runner.Decision {
  /** Prompt token ids (starting with <bos>; the oldest tokens dropped if it was too long). */
  readonly prompt: Int32Array
  /** Response token ids, ending with <eot> when the model stopped by itself. */
  readonly response: Int32Array
  /** Rollout per-token log-probabilities and entropies (from logits / temperature). */
  readonly logp: Float32Array
  readonly entropy: Float32Array
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

/** Prompt ids for a text: <bos> + ids, keeping the newest tokens when longer than `budget`. */
export const encodePrompt = (codec: TextCodec, text: string, budget: number): Int32Array => {
  const body = codec.encodeSync(text)
  if (body.length + 1 <= budget) return Int32Array.from([codec.bos, ...body])
  return Int32Array.from([codec.bos, ...body.subarray(body.length - (budget - 1))])
}

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
          response: g.tokens,
          logp: g.logp,
          entropy: g.entropy,
          valid: parsed.valid,
          penalty: parsed.penalty
        }
      })
    })
