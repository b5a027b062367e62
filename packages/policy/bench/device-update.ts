/**
 * The policy bench's update step (./update.ts: the torch reference configuration, its
 * inputs and loss) in the formulation that reads nothing on the host (src/BatchedUpdate.ts:
 * batched forward, on-device token statistics, backward, on-device global-norm clip at
 * 1.0 and AdamW), for the webgpu backend. Each step is queued whole; only its loss is
 * read, asynchronously, at the end, which also waits for the device to finish.
 */
import { Random } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import * as BatchedUpdate from "../src/BatchedUpdate.js"
import * as Config from "../src/Config.js"
import * as AdamW from "../src/optim/AdamW.js"
import * as Params from "../src/Params.js"
import { inputs, loss } from "./update.js"

export interface DeviceUpdateBench {
  readonly batch: number
  readonly tokens: number
  /** One update step; resolves to the loss once the device has finished it. */
  readonly step: () => Promise<number>
  /** Mean milliseconds per step over `steps` steps, after one untimed step. */
  readonly time: (steps: number) => Promise<number>
  readonly dispose: () => void
}

export const deviceUpdateBench = (c: Config.PolicyConfig = Config.reference, batch = 16): DeviceUpdateBench => {
  const vars = Params.init(c, Random.key(0))
  const x = inputs(c, batch)
  const targets = tf.tensor1d(x.targets, "int32")
  const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({ maxGradNorm: 1.0 })))
  let state = opt.init(vars)
  const step = async () => {
    const r = BatchedUpdate.step(opt, vars, c, x.tokens, targets, (logp, entropy) => loss(logp, entropy, x.oldLogp, x.adv, x.tokenMask), state, 1e-4)
    state = r.state
    const value = (await r.loss.data())[0]!
    tf.dispose([r.loss, r.gradNorm])
    return value
  }
  return {
    batch,
    tokens: x.tokens.ids.length,
    step,
    time: async (steps) => {
      await step()
      const t0 = performance.now()
      for (let i = 0; i < steps; i++) await step()
      return (performance.now() - t0) / steps
    },
    dispose: () => {
      AdamW.dispose(state)
      Params.dispose(vars)
      tf.dispose([targets, x.oldLogp, x.adv, x.tokenMask])
    }
  }
}
