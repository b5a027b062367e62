/**
 * The body of a rollout worker thread (Threads.ts): builds the spec's backend,
 * environment, policy and tokenizer once (then posts Ready), then answers the trainer's messages in order:
 * `Weights` replaces the policy's weights, `Play` plays one shard of a step and posts its
 * trajectories back.
 */
import { Backend } from "@epo/core"
import type { Environment } from "@epo/env"
import { Policy, type Safetensors } from "@epo/policy"
import { parentPort, workerData } from "node:worker_threads"
import { Cause, Effect, Layer, ManagedRuntime } from "effect"
import * as Environments from "../Environments.js"
import { Codec, layer as modelLayer, restoreWeights } from "../Model.js"
import * as Spec from "../Spec.js"
import * as Shards from "./Shards.js"
import type { FromThread, ThreadData, ToThread } from "./Threads.js"

const port = parentPort!
const spec = Effect.runSync(Spec.decode((workerData as ThreadData).spec, "the trainer's spec"))
const runtime = ManagedRuntime.make(
  Layer.mergeAll(Environments.info(spec.environment.name).layer(spec.warmStart.expert), modelLayer(spec)).pipe(Layer.provideMerge(Backend.layer(spec.backend)))
)

const setWeights = (arrays: Safetensors.NamedArrays) =>
  Effect.gen(function* () {
    const policy = yield* Policy
    yield* restoreWeights(policy.variables, arrays, "the trainer's weights")
  })

const playShard = (step: number, index: number) =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const codec = yield* Codec
    const format = yield* Environments.promptFormat(spec)
    return yield* Shards.play(spec, step, Shards.shardsOf(spec, step)[index], policy, codec, format)
  })

const firstLine = (cause: Cause.Cause<unknown>) => String(Cause.squash(cause)).split("\n")[0]

// Weights that could not be set fail the shards played until new weights arrive.
let badWeights: string | undefined

const answer = (message: ToThread): Effect.Effect<FromThread | undefined, never, Policy | Codec | Environment> => {
  if (message._tag === "Weights")
    return setWeights(message.arrays).pipe(
      Effect.matchCause({ onSuccess: () => (badWeights = undefined), onFailure: (cause) => (badWeights = firstLine(cause)) }),
      Effect.as(undefined)
    )
  if (badWeights !== undefined) return Effect.succeed({ _tag: "Failed", id: message.id, reason: badWeights })
  return playShard(message.step, message.shard).pipe(
    Effect.map((result): FromThread => ({ _tag: "Played", id: message.id, result })),
    Effect.catchCause((cause) => Effect.succeed<FromThread>({ _tag: "Failed", id: message.id, reason: firstLine(cause) }))
  )
}

// Built before the first message: the thread says Ready, or why it cannot start.
let queue: Promise<unknown> = Effect.runPromiseExit(runtime.contextEffect).then((exit) =>
  port.postMessage(exit._tag === "Success" ? ({ _tag: "Ready" } satisfies FromThread) : ({ _tag: "Failed", id: -1, reason: firstLine(exit.cause) } satisfies FromThread))
)
// Messages are answered one at a time, in the order they came.
port.on("message", (message: ToThread) => {
  queue = queue.then(() => runtime.runPromise(answer(message))).then((reply) => reply !== undefined && port.postMessage(reply))
})
