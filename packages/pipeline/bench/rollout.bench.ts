/**
 * Rollout throughput: the household episodes a policy plays per second with each
 * Rollouts provider (`--workers in-process,threads:2`), every live episode's turn of a
 * shard batched into one policy call. For a preset (default: `default`) each round plays
 * one step's `--episodes` training games (the preset's group size, cut into `--shards`
 * shards, the same for every provider so that each does the same work), in alternating
 * rounds of each provider and action mode asked for (`--modes score,generate`; generate
 * mode uses the preset's generation counterpart settings given by `--generate-set k=v`).
 * Providers start before the first round and play one uncounted warm-up step (start-up
 * and warm-up time are reported apart; `cluster:N` starts a private PostgreSQL server and
 * N `epo worker` processes on this host, which needs Debian's postgresql). It
 * prints one JSON line per round and a summary line per mode and provider: episodes/s,
 * decisions (turns) per second, milliseconds per decision, mean turns and success, and
 * the per-step cost of shipping the weights to a worker (serialising them, copying them
 * as a thread message does, and assigning them to the worker's policy).
 *
 * Usage: npm run bench:rollout [-- --episodes 32 --shards 2 --rounds 3 --preset default
 *          --modes score --workers in-process,threads:2,cluster:2 --set k=v ... --generate-set k=v ...]
 */
import { Backend } from "@epo/core"
import { Policy, Safetensors } from "@epo/policy"
import { Context, Effect, Layer } from "effect"
import * as Environments from "../src/spec/Environments.js"
import { Codec, layer as modelLayer, restoreWeights } from "../src/train/Model.js"
import * as Resolve from "../src/spec/Resolve.js"
import * as RolloutProvider from "../src/rollout/Provider.js"
import { Rollouts } from "../src/rollout/Rollouts.js"
import type * as Spec from "../src/spec/Spec.js"
import * as Postgres from "../src/testing/Postgres.js"
import * as Runners from "../src/testing/Runners.js"

const argv = process.argv.slice(2)
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : fallback
}
const repeated = (name: string) => argv.flatMap((a, i) => (argv[i - 1] === `--${name}` ? [a] : []))
const episodes = Number(option("episodes", "32"))
const shards = Number(option("shards", "2"))
const rounds = Number(option("rounds", "3"))
const modes = option("modes", "score").split(",")
const providers = option("workers", "in-process,threads:2").split(",")

/**
 * `in-process`, `threads:N` or `cluster:N` as the spec's `rollout.workers`; `cluster:N`
 * starts a private PostgreSQL server and N `epo worker` processes on this host.
 */
const workersOf = (provider: string) =>
  Effect.gen(function* () {
    const [kind, count] = provider.split(":")
    if (kind === "threads") return { kind, count: Number(count) }
    if (kind !== "cluster") return { kind }
    const { url } = yield* Postgres.server
    yield* Runners.start(url, Number(count), 34700)
    return { kind, url }
  })

const seconds = (since: number) => (performance.now() - since) / 1000
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Milliseconds to serialise the weights, copy them as postMessage does, and assign them back. */
const shipWeights = Effect.gen(function* () {
  const policy = yield* Policy
  const started = performance.now()
  const arrays = yield* Safetensors.fromTensors(policy.variables, "the policy")
  yield* restoreWeights(policy.variables, structuredClone(arrays), "the copy")
  const bytes = Object.values(arrays).reduce((n, a) => n + a.data.byteLength, 0)
  return { ms: +(performance.now() - started).toFixed(1), megabytes: +(bytes / 2 ** 20).toFixed(2) }
})

const measure = (spec: Spec.PipelineSpec, provider: string, round: number, context: Context.Context<Rollouts | Policy | Codec>) =>
  Effect.gen(function* () {
    const format = yield* Environments.promptFormat(spec)
    const started = performance.now()
    const result = yield* Context.get(context, Rollouts).collect({ spec, step: round, policy: Context.get(context, Policy), codec: Context.get(context, Codec), format })
    const elapsed = seconds(started)
    const members = result.groups.flatMap((g) => g.members)
    const turns = members.reduce((n, m) => n + m.turns.length, 0)
    return {
      mode: spec.policy.action,
      provider,
      round,
      episodes: members.length,
      seconds: +elapsed.toFixed(2),
      episodesPerSecond: +(members.length / elapsed).toFixed(3),
      decisionsPerSecond: +(turns / elapsed).toFixed(1),
      msPerDecision: +((1000 * elapsed) / turns).toFixed(2),
      meanTurns: +(turns / members.length).toFixed(1),
      success: +(members.filter((m) => m.won).length / members.length).toFixed(3)
    }
  })

const program = Effect.gen(function* () {
  const setups = yield* Effect.forEach(
    modes.flatMap((mode) => providers.map((provider) => ({ mode, provider }))),
    ({ mode, provider }) =>
      Effect.gen(function* () {
        const spec = yield* Resolve.resolve({
          preset: option("preset", "default"),
          sets: [...repeated("set"), ...(mode === "generate" ? repeated("generate-set") : []), `policy.action=${mode}`]
        })
        const groups = Math.ceil(episodes / spec.rollout.groupSize)
        const workers = yield* workersOf(provider)
        const sized = { ...spec, rollout: { ...spec.rollout, groups, shards: Math.min(shards, groups), workers } } as Spec.PipelineSpec
        const environment = Environments.layer(sized)
        const started = performance.now()
        const context = yield* Layer.build(
          Layer.mergeAll(RolloutProvider.layer(sized).pipe(Layer.provide(environment)), environment, modelLayer(sized)).pipe(Layer.provideMerge(Backend.layer(sized.backend)))
        )
        const weights = provider === "in-process" ? undefined : yield* shipWeights.pipe(Effect.provide(context))
        // A warm-up step, not counted: runners build their model on their first shard.
        if (provider !== "in-process") yield* measure(sized, provider, rounds, context)
        console.log(JSON.stringify({ mode, provider, startSeconds: +seconds(started).toFixed(2), ...(weights === undefined ? {} : { weightsPerStep: weights }) }))
        return { spec: sized, provider, context, weights }
      })
  )
  const results: Array<Effect.Success<ReturnType<typeof measure>>> = []
  for (let round = 0; round < rounds; round++)
    for (const { spec, provider, context } of setups) {
      const r = yield* measure(spec, provider, round, context).pipe(Effect.provide(context))
      results.push(r)
      console.log(JSON.stringify(r))
    }
  for (const { spec, provider, weights } of setups) {
    const mine = results.filter((r) => r.mode === spec.policy.action && r.provider === provider)
    console.log(
      JSON.stringify({
        summary: spec.policy.action,
        provider,
        shards: spec.rollout.shards,
        rounds: mine.length,
        medianEpisodesPerSecond: median(mine.map((r) => r.episodesPerSecond)),
        medianMsPerDecision: median(mine.map((r) => r.msPerDecision)),
        meanTurns: +(mine.reduce((s, r) => s + r.meanTurns, 0) / mine.length).toFixed(1),
        ...(weights === undefined ? {} : { weightsMsPerStep: weights.ms })
      })
    )
  }
})

Effect.runPromise(Effect.scoped(program)).catch((e) => {
  console.error(String(e))
  process.exit(1)
})
