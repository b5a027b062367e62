/**
 * The games of the science environment and its splits, as EPO samples them (spec section
 * 12): a game is a (task, variation) pair. `train` holds the train variations of every
 * implemented task (EPO's L0.train), `eval_in_distribution` their dev variations (EPO's
 * "IID" test set, L0.test) and `eval_out_of_distribution` their test variations (EPO's
 * "OOD" test set, L1.test). EPO's lists cover the 29 tasks other than use-thermometer;
 * here they cover those of them this engine implements (version 1 and version 2: the
 * matter, melting-point and chemistry tasks; use-thermometer is implemented but, as in
 * EPO, in no split: it is played by game id).
 *
 * Game ids are "science/<task>/<variation>". A seed of a split picks one of its pairs
 * uniformly (EPO draws with `random.choice`, so tasks weigh by their variation counts),
 * through an integer hash so that consecutive seeds spread over the tasks. Evaluation
 * sets list every pair of the split, the tasks interleaved (round robin in task-name
 * order), so that their first games already cover every task.
 */
import { implementedTasks, splitOf, taskInfo } from "./Tasks.js"

export const splitNames = ["train", "eval_in_distribution", "eval_out_of_distribution"] as const
export type SplitName = (typeof splitNames)[number]

export const isSplitName = (s: string): s is SplitName => (splitNames as ReadonlyArray<string>).includes(s)

/** Which variation split of each task a split draws from. */
export const variationSplit = { train: "train", eval_in_distribution: "dev", eval_out_of_distribution: "test" } as const

/** Seeds of a split are integers in [0, seedsPerSplit). */
export const seedsPerSplit = 1_000_000_000

export interface Game {
  readonly task: string
  readonly variation: number
}

/** The one task EPO's lists leave out (spec section 12: L0 and L2 hold the other 29). */
export const notInEpoLists: ReadonlyArray<string> = ["use-thermometer"]

/** The implemented tasks EPO's lists hold, in EPO's task order (the sorted task names). */
export const tasksInOrder: ReadonlyArray<string> = implementedTasks.filter((t) => !notInEpoLists.includes(t)).sort()

const cache = new Map<SplitName, ReadonlyArray<Game>>()

/** Every game of a split: the tasks in name order, each with its variations ascending. */
export const games = (split: SplitName): ReadonlyArray<Game> => {
  let out = cache.get(split)
  if (out === undefined) {
    out = tasksInOrder.flatMap((task) => splitOf(taskInfo(task).numVariations)[variationSplit[split]].map((variation) => ({ task, variation })))
    cache.set(split, out)
  }
  return out
}

/** A 32-bit integer hash (the finaliser of MurmurHash3), so that nearby seeds land far apart. */
const mix = (seed: number): number => {
  let h = (seed ^ Math.floor(seed / 0x100000000)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

/** The game of a seed within a split (seed an integer in [0, seedsPerSplit)). */
export const gameOf = (split: SplitName, seed: number): Game => {
  const all = games(split)
  return all[mix(seed) % all.length]
}

/** The fixed evaluation games of a split: all its pairs, the tasks interleaved. */
export const evaluationGames = (split: SplitName): ReadonlyArray<Game> => {
  const byTask = tasksInOrder.map((task) => games(split).filter((g) => g.task === task))
  const out: Array<Game> = []
  for (let k = 0; out.length < games(split).length; k++) for (const list of byTask) if (k < list.length) out.push(list[k])
  return out
}

export const gameId = (game: Game): string => `science/${game.task}/${game.variation}`

/** The (task, variation) of "science/<task>/<variation>", or undefined when it is not of that form. */
export const parseGameId = (id: string): Game | undefined => {
  const m = /^science\/([a-z0-9-]+)\/(0|[1-9][0-9]*)$/.exec(id)
  return m === null ? undefined : { task: m[1], variation: Number(m[2]) }
}
