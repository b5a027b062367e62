/**
 * The worker-thread provider of Rollouts: `count` Node worker threads of this host, each
 * with its own tensor backend, environment and copy of the policy (ThreadMain.ts). Each
 * step the trainer posts the policy's weights to every thread, then hands out the
 * step's shards to whichever thread is free; a thread plays a shard from the spec, k and
 * the shard's index alone, so the results do not depend on which thread played it.
 */
import { Safetensors } from "@epo/policy"
import { Worker } from "node:worker_threads"
import { Effect, Layer } from "effect"
import * as Spec from "../spec/Spec.js"
import { RolloutError, Rollouts } from "./Rollouts.js"
import * as Shards from "./Shards.js"

/** What the trainer posts to a thread. */
export type ToThread =
  | { readonly _tag: "Weights"; readonly arrays: Safetensors.NamedArrays }
  | { readonly _tag: "Play"; readonly id: number; readonly step: number; readonly shard: number }

/** What a thread answers to a Play. */
export type FromThread =
  | { readonly _tag: "Ready" }
  | { readonly _tag: "Played"; readonly id: number; readonly result: Shards.ShardResult }
  /** Playing shard `id` failed; id -1: the thread could not start. */
  | { readonly _tag: "Failed"; readonly id: number; readonly reason: string }

export interface ThreadData {
  /** The run's spec in its JSON form. */
  readonly spec: Spec.PipelineSpecInput
}

interface Thread {
  readonly worker: Worker
  readonly ready: Promise<void>
  readonly pending: Map<number, { resolve: (r: Shards.ShardResult) => void; reject: (reason: string) => void }>
  failure: string | undefined
}

const entry = new URL("./thread.mjs", import.meta.url)

const startThread = (data: ThreadData, index: number): Thread => {
  const worker = new Worker(entry, { workerData: data })
  const started = { resolve: () => {}, reject: (_: RolloutError) => {} }
  const ready = new Promise<void>((resolve, reject) => Object.assign(started, { resolve, reject }))
  // A start-up failure is also reported to the shards asked of the thread; no unhandled rejection.
  ready.catch(() => {})
  const thread: Thread = { worker, ready, pending: new Map(), failure: undefined }
  const fail = (reason: string) => {
    thread.failure ??= `rollout thread ${index}: ${reason}`
    started.reject(new RolloutError({ reason: thread.failure }))
    for (const p of thread.pending.values()) p.reject(thread.failure)
    thread.pending.clear()
  }
  worker.on("message", (message: FromThread) => {
    if (message._tag === "Ready") return started.resolve()
    if (message._tag === "Failed" && message.id === -1) return fail(`cannot start: ${message.reason}`)
    const p = thread.pending.get(message.id)
    thread.pending.delete(message.id)
    if (message._tag === "Played") p?.resolve(message.result)
    else p?.reject(`rollout thread ${index}: ${message.reason}`)
  })
  // An error thrown in a thread arrives as a copy: an Error, or a plain object without its methods.
  worker.on("error", (e: unknown) => fail(e instanceof Error ? e.message : typeof e === "object" ? JSON.stringify(e) : String(e)))
  worker.on("exit", (code) => fail(`exited with code ${code}`))
  return thread
}

let requests = 0

const playOn = (thread: Thread, step: number, shard: number) =>
  Effect.callback<Shards.ShardResult, RolloutError>((resume) => {
    if (thread.failure !== undefined) return resume(Effect.fail(new RolloutError({ reason: thread.failure })))
    const id = requests++
    thread.pending.set(id, { resolve: (r) => resume(Effect.succeed(r)), reject: (reason) => resume(Effect.fail(new RolloutError({ reason }))) })
    thread.worker.postMessage({ _tag: "Play", id, step, shard } satisfies ToThread)
  })

/** `count` worker threads playing the shards of `spec`'s steps; they end with the layer's scope. */
export const layer = (spec: Spec.PipelineSpec, count: number): Layer.Layer<Rollouts, RolloutError> =>
  Layer.effect(
    Rollouts,
    Effect.gen(function* () {
      const data: ThreadData = { spec: Spec.encode(spec) }
      const threads = yield* Effect.acquireRelease(
        Effect.sync(() => Array.from({ length: count }, (_, i) => startThread(data, i))),
        (threads) => Effect.promise(() => Promise.all(threads.map((t) => t.worker.terminate())))
      )
      yield* Effect.tryPromise({ try: () => Promise.all(threads.map((t) => t.ready)), catch: (e) => e as RolloutError })
      return {
        collect: ({ step, policy }) =>
          Effect.gen(function* () {
            const arrays = yield* Safetensors.fromTensors(policy.variables, "the policy").pipe(Effect.mapError((e) => new RolloutError({ reason: String(e) })))
            for (const t of threads) t.worker.postMessage({ _tag: "Weights", arrays } satisfies ToThread)
            const shards = Shards.shardsOf(spec, step)
            const results: Array<Shards.ShardResult> = []
            let next = 0
            yield* Effect.forEach(
              threads,
              (thread) =>
                Effect.gen(function* () {
                  while (next < shards.length) {
                    const s = next++
                    results[s] = yield* playOn(thread, step, s)
                  }
                }),
              { concurrency: "unbounded", discard: true }
            )
            return Shards.merge(results)
          })
      }
    })
  )
