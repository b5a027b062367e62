/** The generation part of the policy bench: 64 new tokens for each of 32 prompts of 48-79 tokens. */
import { Random } from "@epo/core"
import * as Config from "../src/Config.js"
import { generateSync } from "../src/Generate.js"
import * as Params from "../src/Params.js"

export interface GenerateBench {
  readonly prompts: number
  readonly newTokens: number
  /** Milliseconds of one generation (after one untimed warm-up on first use). */
  readonly run: () => number
  readonly dispose: () => void
}

export const generateBench = (): GenerateBench => {
  const c = Config.reference
  const vars = Params.init(c, Random.key(0))
  const s = Random.Stream.fromSeed(2)
  const prompts = Array.from({ length: 32 }, () => Int32Array.from({ length: 48 + s.int(32) }, () => s.int(c.vocab)))
  const maxNewTokens = 64
  let calls = 0
  const once = () => generateSync(vars, c, prompts, { temperature: 1, maxNewTokens, key: Random.key(calls++) })
  return {
    prompts: prompts.length,
    newTokens: prompts.length * maxNewTokens,
    run: () => {
      once()
      const t0 = performance.now()
      const out = once()
      const ms = performance.now() - t0
      if (out.some((g) => g.tokens.length !== maxNewTokens)) throw new Error("a prompt stopped early")
      return ms
    },
    dispose: () => Params.dispose(vars)
  }
}
