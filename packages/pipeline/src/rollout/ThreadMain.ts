/**
 * The body of a rollout worker thread (Threads.ts): a Player for the trainer's spec
 * (posts Ready once built, or why it cannot start), then the trainer's messages answered
 * one at a time, in order: `Weights` replaces the policy's weights, `Play` plays one
 * shard of a step and posts its trajectories back.
 */
import { parentPort, workerData } from "node:worker_threads"
import { Effect } from "effect"
import * as Spec from "../spec/Spec.js"
import * as Player from "./Player.js"
import type { FromThread, ThreadData, ToThread } from "./Threads.js"

const port = parentPort!
const player = Player.make(Effect.runSync(Spec.decode((workerData as ThreadData).spec, "the trainer's spec")))

// Weights that could not be set fail the shards played until new weights arrive.
let badWeights: string | undefined

const answer = (message: ToThread): Effect.Effect<FromThread | undefined> => {
  if (message._tag === "Weights")
    return player.setWeights(message.arrays).pipe(
      Effect.match({ onSuccess: () => (badWeights = undefined), onFailure: (reason) => (badWeights = reason) }),
      Effect.as(undefined)
    )
  if (badWeights !== undefined) return Effect.succeed({ _tag: "Failed", id: message.id, reason: badWeights })
  return player.play(message.step, message.shard).pipe(
    Effect.match({
      onSuccess: (result): FromThread => ({ _tag: "Played", id: message.id, result }),
      onFailure: (reason): FromThread => ({ _tag: "Failed", id: message.id, reason })
    })
  )
}

let queue: Promise<unknown> = Effect.runPromise(
  player.ready.pipe(Effect.match({ onSuccess: (): FromThread => ({ _tag: "Ready" }), onFailure: (reason): FromThread => ({ _tag: "Failed", id: -1, reason }) }))
).then((reply) => port.postMessage(reply))
port.on("message", (message: ToThread) => {
  queue = queue.then(() => Effect.runPromise(answer(message))).then((reply) => reply !== undefined && port.postMessage(reply))
})
