/**
 * Splits, as in ALFWorld. A game is a pure function of (split, seed): the split fixes
 * the floor plans, the task types and a seed range disjoint from every other split's,
 * so evaluation games are never training games.
 *
 * Floor plans are drawn with the weight of ALFWorld's games of the matching split in them.
 *
 * - train: ALFWorld's train floor plans (108; not ALFRED's unseen validation scenes 10,
 *   219, 308, 424), all six task types.
 * - eval_in_distribution: ALFWorld's valid_seen floor plans (76 of the 108), unseen games;
 *   140 evaluation games with ALFWorld's valid_seen type counts.
 * - eval_out_of_distribution: ALFWorld's valid_unseen floor plans (the held-out four); 134
 *   evaluation games with ALFWorld's valid_unseen type counts.
 * - train_types_1_4 / eval_types_5_6: EPO's task-type split on the train floor plans
 *   (types 1-4 to train; cool and pick-two to test, 140 evaluation games, 70 each).
 */
import { Random } from "@epo/core"
import type { Game } from "./Game.js"
import { type Distribution, generate } from "./Generate.js"
import { type TaskType, alfworldSplits, floorPlans, taskTypes } from "./Tables.js"

export const heldOutFloorPlans: ReadonlyArray<number> = [10, 219, 308, 424]

export const splitNames = [
  "train",
  "eval_in_distribution",
  "eval_out_of_distribution",
  "train_types_1_4",
  "eval_types_5_6"
] as const
export type SplitName = (typeof splitNames)[number]

export interface Split {
  readonly name: SplitName
  readonly distribution: Distribution
  /** Added to a seed to make the generation seed: splits never share a game. */
  readonly seedBase: number
  /** Evaluation-set games per task type (in scan order of seeds 0, 1, 2, ...); empty for training splits. */
  readonly evaluation: Partial<Record<TaskType, number>>
}

/** Seeds of a split are integers in [0, seedsPerSplit). */
export const seedsPerSplit = 1_000_000_000

/** The floor plans of one of ALFWorld's splits, each weighted by its games there. */
const rooms = (split: "train" | "valid_seen" | "valid_unseen", taskTypes: ReadonlyArray<TaskType>): Distribution => {
  const plans = floorPlans.filter((f) => alfworldSplits[split].floorPlans.includes(f.floorPlan))
  return { floorPlans: plans, weights: plans.map((f) => f.games[split] ?? 0), taskTypes }
}
const allTypes = taskTypes
const types14 = taskTypes.slice(0, 4)
const types56 = taskTypes.slice(4)

export const splits: Readonly<Record<SplitName, Split>> = {
  train: { name: "train", distribution: rooms("train", allTypes), seedBase: 0, evaluation: {} },
  eval_in_distribution: {
    name: "eval_in_distribution",
    distribution: rooms("valid_seen", allTypes),
    seedBase: 1 * seedsPerSplit,
    // ALFWorld valid_seen: 140 games.
    evaluation: {
      pick_and_place_simple: 35,
      look_at_obj_in_light: 13,
      pick_clean_then_place_in_recep: 27,
      pick_heat_then_place_in_recep: 16,
      pick_cool_then_place_in_recep: 25,
      pick_two_obj_and_place: 24
    }
  },
  eval_out_of_distribution: {
    name: "eval_out_of_distribution",
    distribution: rooms("valid_unseen", allTypes),
    seedBase: 2 * seedsPerSplit,
    // ALFWorld valid_unseen: 134 games.
    evaluation: {
      pick_and_place_simple: 24,
      look_at_obj_in_light: 18,
      pick_clean_then_place_in_recep: 31,
      pick_heat_then_place_in_recep: 23,
      pick_cool_then_place_in_recep: 21,
      pick_two_obj_and_place: 17
    }
  },
  train_types_1_4: {
    name: "train_types_1_4",
    distribution: rooms("train", types14),
    seedBase: 3 * seedsPerSplit,
    evaluation: {}
  },
  eval_types_5_6: {
    name: "eval_types_5_6",
    distribution: rooms("train", types56),
    seedBase: 4 * seedsPerSplit,
    evaluation: { pick_cool_then_place_in_recep: 70, pick_two_obj_and_place: 70 }
  }
}

export const isSplitName = (s: string): s is SplitName => (splitNames as ReadonlyArray<string>).includes(s)

/** The game of a seed within a split (seed an integer in [0, seedsPerSplit)). */
export const gameOf = (split: SplitName, seed: number): Game => {
  const sp = splits[split]
  return generate(sp.distribution, Random.key(sp.seedBase + seed))
}

export const gameId = (split: SplitName, seed: number): string => `household/${split}/${seed}`

/** Parses "household/<split>/<seed>"; undefined when malformed. */
export const parseGameId = (id: string): { split: SplitName; seed: number } | undefined => {
  const m = /^household\/([a-z0-9_]+)\/(\d{1,9})$/.exec(id)
  if (m === null || !isSplitName(m[1])) return undefined
  return { split: m[1], seed: Number(m[2]) }
}

const evaluationCache = new Map<SplitName, ReadonlyArray<number>>()

/**
 * The fixed evaluation seeds of a split: scanning seeds 0, 1, 2, ... and keeping a game
 * while its task type's quota is not yet full. Deterministic, so it is the same set on
 * every machine; empty for training splits.
 */
export const evaluationSeeds = (split: SplitName): ReadonlyArray<number> => {
  const cached = evaluationCache.get(split)
  if (cached !== undefined) return cached
  const left = new Map(Object.entries(splits[split].evaluation) as Array<[TaskType, number]>)
  let remaining = [...left.values()].reduce((a, b) => a + b, 0)
  const seeds: Array<number> = []
  for (let seed = 0; remaining > 0; seed++) {
    const type = gameOf(split, seed).goal.type
    const n = left.get(type) ?? 0
    if (n > 0) {
      left.set(type, n - 1)
      remaining--
      seeds.push(seed)
    }
  }
  evaluationCache.set(split, seeds)
  return seeds
}
