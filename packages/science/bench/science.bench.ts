/**
 * Science engine benchmark (one core). Episodes of uniformly random valid actions on
 * every version-1 task (train variations, "easy"): the action sequences are recorded
 * first (listing the valid actions each step), then replayed on fresh environments with
 * only `step` timed, so the step figure is the engine alone. Also: the cost of one
 * valid-action list, and the time to load a variation. Prints one JSON object.
 *
 * `npm run bench:science` runs this compiled as `epo` is (scripts/bundled.mjs): through
 * tsx, whose transform renames every closure made in a loop, a step is 1.4 to 1.7 times
 * slower than in `epo`.
 *
 * Times are the process's CPU time (user + system, process.cpuUsage): on a
 * single-threaded engine that is its time on one core, plus the garbage collector's
 * helper threads, and it does not grow when other processes share the machine.
 * Wall-clock rates are printed beside them. After WARMUP untimed rounds (the compiler
 * settling), ROUNDS timed ones; the figure is their median.
 *
 *   npm run bench:science      (EPISODES=n per task, default 12; ROUNDS, default 9; WARMUP, default 3)
 */
import { Random } from "@epo/core"
import { ScienceWorld, Tasks } from "@epo/science"

const episodesPerTask = Number(process.env.EPISODES ?? 12)
const timedRounds = Number(process.env.ROUNDS ?? 9)
const warmupRounds = Number(process.env.WARMUP ?? 3)
/** CPU milliseconds of this process so far. */
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const stepsPerEpisode = 100
const rng = Random.Stream.fromSeed(7)

interface Episode {
  readonly task: string
  readonly variation: number
  readonly actions: ReadonlyArray<string>
}

// Record random-valid-action episodes (and time the valid-action lists on the way).
const episodes: Array<Episode> = []
let listMs = 0
let lists = 0
for (const task of Tasks.version1Tasks) {
  const train = Tasks.splitOf(Tasks.taskInfo(task).numVariations).train
  for (let e = 0; e < episodesPerTask; e++) {
    const variation = train[rng.int(train.length)]
    const env = new ScienceWorld(task, variation, { simplifications: "easy" })
    env.reset()
    const actions: Array<string> = []
    for (let s = 0; s < stepsPerEpisode; s++) {
      const t0 = cpuMs()
      const valid = env.validActions()
      listMs += cpuMs() - t0
      lists++
      const a = valid[rng.int(valid.length)]
      actions.push(a)
      if (env.step(a).done) break
    }
    episodes.push({ task, variation, actions })
  }
}

// Load times (after the data files are cached).
let loadMs = 0
let loads = 0
for (const ep of episodes) {
  const t0 = cpuMs()
  new ScienceWorld(ep.task, ep.variation, { simplifications: "easy" }).reset()
  loadMs += cpuMs() - t0
  loads++
}

// Replay with only steps timed.
const round = (): { steps: number; ms: number; wallMs: number } => {
  let steps = 0
  let ms = 0
  let wallMs = 0
  for (const ep of episodes) {
    const env = new ScienceWorld(ep.task, ep.variation, { simplifications: "easy" })
    env.reset()
    const w0 = performance.now()
    const t0 = cpuMs()
    for (const a of ep.actions) env.step(a)
    ms += cpuMs() - t0
    wallMs += performance.now() - w0
    steps += ep.actions.length
  }
  return { steps, ms, wallMs }
}
for (let r = 0; r < warmupRounds; r++) round()
const rounds = Array.from({ length: timedRounds }, round)
const rate = (steps: number, ms: number) => Math.round((steps / ms) * 1000)
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const cpuRates = rounds.map((r) => rate(r.steps, r.ms))
const wallRates = rounds.map((r) => rate(r.steps, r.wallMs))

console.log(
  JSON.stringify(
    {
      bench: "science",
      tasks: Tasks.version1Tasks.length,
      episodes: episodes.length,
      steps: rounds[0].steps,
      stepsPerSecond: median(cpuRates),
      stepsPerSecondRounds: cpuRates,
      stepsPerSecondWallClock: median(wallRates),
      stepsPerSecondWallClockRounds: wallRates,
      validActionListMs: Number((listMs / lists).toFixed(3)),
      loadVariationMs: Number((loadMs / loads).toFixed(3))
    },
    null,
    2
  )
)
