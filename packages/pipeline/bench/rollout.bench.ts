/**
 * Rollout throughput: the household episodes a policy plays per second, in one process,
 * with every live episode's turn batched into one policy call (the runner of @epo/env).
 * For a preset (default: `default`) it plays `--episodes` training games in groups of
 * the preset's size, in alternating rounds of each action mode asked for (`--modes
 * score,generate`; generate mode uses the preset's generation counterpart settings given
 * by `--generate-set k=v`), and prints one JSON line per round and a summary line:
 * episodes/s, decisions (turns) per second, milliseconds per decision, mean turns and
 * success.
 *
 * Usage: npm run bench:rollout [-- --episodes 32 --rounds 3 --preset default --modes score
 *          --set k=v ... --generate-set k=v ...]
 */
import { Backend, Random } from "@epo/core"
import { Runner, seedRef } from "@epo/env"
import { Policy } from "@epo/policy"
import { Effect, Layer } from "effect"
import { agent } from "../src/Agent.js"
import * as Environments from "../src/Environments.js"
import { Codec, layer as modelLayer } from "../src/Model.js"
import * as Resolve from "../src/Resolve.js"
import type * as Spec from "../src/Spec.js"

const argv = process.argv.slice(2)
const option = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : fallback
}
const repeated = (name: string) => argv.flatMap((a, i) => (argv[i - 1] === `--${name}` ? [a] : []))
const episodes = Number(option("episodes", "32"))
const rounds = Number(option("rounds", "3"))
const modes = option("modes", "score").split(",")

const measure = (spec: Spec.PipelineSpec, round: number) =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const codec = yield* Codec
    const format = yield* Environments.promptFormat(spec)
    const groupSize = spec.rollout.groupSize
    const games = Array.from({ length: Math.ceil(episodes / groupSize) }, (_, g) => seedRef(spec.environment.split, 1000 * round + g))
    const started = performance.now()
    const result = yield* Runner.run(
      games,
      { groupSize, maxTurns: spec.environment.maxTurns, maxSteps: spec.environment.maxTurns },
      agent(policy, codec, format, spec.rollout, spec.policy, Random.key(round))
    )
    const seconds = (performance.now() - started) / 1000
    const members = result.groups.flatMap((g) => g.members)
    const turns = members.reduce((n, m) => n + m.turns.length, 0)
    return {
      mode: spec.policy.action,
      round,
      episodes: members.length,
      seconds: +seconds.toFixed(2),
      episodesPerSecond: +(members.length / seconds).toFixed(3),
      decisionsPerSecond: +(turns / seconds).toFixed(1),
      msPerDecision: +((1000 * seconds) / turns).toFixed(2),
      meanTurns: +(turns / members.length).toFixed(1),
      success: +(members.filter((m) => m.won).length / members.length).toFixed(3)
    }
  })

const program = Effect.gen(function* () {
  const specs = yield* Effect.forEach(modes, (mode) =>
    Resolve.resolve({ preset: option("preset", "default"), sets: [...repeated("set"), ...(mode === "generate" ? repeated("generate-set") : []), `policy.action=${mode}`] })
  )
  const results: Array<Effect.Success<ReturnType<typeof measure>>> = []
  for (let round = 0; round < rounds; round++)
    for (const spec of specs) {
      const layers = Layer.mergeAll(Environments.info(spec.environment.name).layer(spec.warmStart.expert), modelLayer(spec)).pipe(Layer.provideMerge(Backend.layer(spec.backend)))
      const r = yield* measure(spec, round).pipe(Effect.provide(layers), Effect.scoped)
      results.push(r)
      console.log(JSON.stringify(r))
    }
  for (const mode of modes) {
    const mine = results.filter((r) => r.mode === mode)
    const median = (xs: Array<number>) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    console.log(
      JSON.stringify({
        summary: mode,
        rounds: mine.length,
        medianEpisodesPerSecond: median(mine.map((r) => r.episodesPerSecond)),
        medianMsPerDecision: median(mine.map((r) => r.msPerDecision)),
        meanTurns: +(mine.reduce((s, r) => s + r.meanTurns, 0) / mine.length).toFixed(1)
      })
    )
  }
})

Effect.runPromise(program).catch((e) => {
  console.error(String(e))
  process.exit(1)
})
