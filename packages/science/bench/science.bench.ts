/**
 * Science engine benchmark (one core). Episodes of uniformly random valid actions on
 * every version-1 task (train variations, "easy"): the action sequences are recorded
 * first (listing the valid actions each step), then replayed on fresh environments with
 * only `step` timed, so the step figure is the engine alone. Also: the cost of one
 * valid-action list, and the time to load a variation. Prints one JSON object.
 */
import { Random } from "@epo/core"
import { ScienceWorld, Tasks } from "@epo/science"

const episodesPerTask = Number(process.env.EPISODES ?? 6)
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
      const t0 = performance.now()
      const valid = env.validActions()
      listMs += performance.now() - t0
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
  const t0 = performance.now()
  new ScienceWorld(ep.task, ep.variation, { simplifications: "easy" }).reset()
  loadMs += performance.now() - t0
  loads++
}

// Replay with only steps timed; alternate two rounds and keep the faster (the machine is shared).
const round = (): { steps: number; ms: number } => {
  let steps = 0
  let ms = 0
  for (const ep of episodes) {
    const env = new ScienceWorld(ep.task, ep.variation, { simplifications: "easy" })
    env.reset()
    const t0 = performance.now()
    for (const a of ep.actions) env.step(a)
    ms += performance.now() - t0
    steps += ep.actions.length
  }
  return { steps, ms }
}
round()
const rounds = [round(), round(), round()]
const best = rounds.reduce((a, b) => (a.steps / a.ms > b.steps / b.ms ? a : b))

console.log(
  JSON.stringify(
    {
      bench: "science",
      tasks: Tasks.version1Tasks.length,
      episodes: episodes.length,
      steps: best.steps,
      stepsPerSecond: Math.round((best.steps / best.ms) * 1000),
      stepsPerSecondRounds: rounds.map((r) => Math.round((r.steps / r.ms) * 1000)),
      validActionListMs: Number((listMs / lists).toFixed(3)),
      loadVariationMs: Number((loadMs / loads).toFixed(3))
    },
    null,
    2
  )
)
