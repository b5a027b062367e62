/**
 * The science engine as the generic `Environment` service of @epo/env, with EPO's episode
 * rules (spec section 12; WujiangXu/EPO env_package/sciworld/envs.py):
 *
 * - a game is loaded with the `easy` simplifications and envStepLimit 100 (ticks);
 * - an episode lasts at most 30 agent turns (max_steps), `maxSteps` to change it;
 * - `won` = the Python done flag and score > 0 (so exceeding the 100 ticks with a
 *   positive partial score also wins, as in EPO: a script that teleports to the workshop
 *   and waits wins nearly every version 1 game, examples/science-wait.ts); with the
 *   success rule "completed", only when the task's goals are all met (the Python
 *   `getCompleted()` with a positive score); the reward is 1 on that step (the pipeline
 *   scales it by 10: EPO's reward 10 x won);
 * - `done` = the Python done flag (completed, failed or past the tick limit) or the turn
 *   limit reached;
 * - `valid` = the command is one of the valid action-object combinations of the state it
 *   was sent in (EPO's `action_available`, logged only);
 * - the admissible commands are those combinations (get_valid_action_object_combinations),
 *   and `promptLists` gives the possible actions and objects EPO's prompt lists.
 *
 * `expertCommand` follows the gold solver of the task (Gold.ts). When the episode leaves
 * the solver's path (the policy sent something else) the solver starts again from the
 * current state; the solvers read the world before each command, so they mostly recover.
 */
import { Environment, EnvironmentError, type EnvironmentShape, type GameRef, type Session, type SuccessRule, type Transition } from "@epo/env"
import { Effect, Layer } from "effect"
import { ScienceWorld } from "./Engine.js"
import { solvers } from "./Gold.js"
import { type Game, type SplitName, evaluationGames, gameId, gameOf, isSplitName, parseGameId, seedsPerSplit, splitNames, tasksInOrder } from "./Splits.js"
import { implementedTasks, taskInfo, taskNames } from "./Tasks.js"

/** EPO's max_steps: agent turns per episode. */
export const defaultMaxSteps = 30
/** EPO's envStepLimit: ticks (moves) before the Python done flag is raised. */
export const defaultEnvStepLimit = 100
/** EPO's simplifications preset. */
export const defaultSimplifications = "easy"

export interface SessionOptions {
  readonly maxSteps?: number
  readonly simplifications?: string
  readonly envStepLimit?: number
  /** When an episode is won (default "environment": EPO's rule). */
  readonly success?: SuccessRule
}

/** The keys of `promptLists()`. */
export const possibleActionsKey = "possibleActions"
export const possibleObjectsKey = "possibleObjects"

export class ScienceSession implements Session {
  readonly gameId: string
  readonly taskType: string
  readonly task: string
  readonly maxSteps: number
  readonly initialObservation: string
  /** The engine (read it; stepping it directly bypasses the turn count). */
  readonly engine: ScienceWorld
  private turns = 0
  private finished = false
  private hasWon = false
  private lastScore = 0
  private lastObservation: string
  private valid: ReadonlyArray<string> | undefined
  private lastCommand: string | undefined
  private expert: { gen: Generator<string, void, void>; next: string | undefined; turn: number } | undefined
  private readonly success: SuccessRule

  constructor(
    readonly game: Game,
    options: SessionOptions = {}
  ) {
    this.engine = new ScienceWorld(game.task, game.variation, {
      simplifications: options.simplifications ?? defaultSimplifications,
      envStepLimit: options.envStepLimit ?? defaultEnvStepLimit
    })
    this.gameId = gameId(game)
    this.taskType = game.task
    this.maxSteps = options.maxSteps ?? defaultMaxSteps
    this.success = options.success ?? "environment"
    this.initialObservation = this.engine.reset().observation
    this.lastObservation = this.initialObservation
    this.task = this.engine.taskDescription()
  }

  get stepCount(): number {
    return this.turns
  }
  /** The task score after the last step (0 to 100, or -100 on failure). */
  get score(): number {
    return this.lastScore
  }
  get isDone(): boolean {
    return this.finished
  }
  get isWon(): boolean {
    return this.hasWon
  }

  admissibleCommands(): ReadonlyArray<string> {
    return (this.valid ??= this.engine.validActions())
  }

  promptLists(): Readonly<Record<string, ReadonlyArray<string>>> {
    return { [possibleActionsKey]: this.engine.possibleActions(), [possibleObjectsKey]: this.engine.possibleObjects() }
  }

  step(command: string): Transition {
    if (this.finished) return { observation: this.lastObservation, reward: 0, done: true, won: this.hasWon, valid: false, step: this.turns }
    const valid = this.admissibleCommands().includes(command)
    const r = this.engine.step(command)
    this.turns++
    this.valid = undefined
    this.lastCommand = command
    this.lastScore = r.score
    this.lastObservation = r.observation
    this.hasWon = (this.success === "completed" ? r.completed : r.done) && r.score > 0
    this.finished = r.done || this.turns >= this.maxSteps
    return { observation: r.observation, reward: this.hasWon ? 1 : 0, done: this.finished, won: this.hasWon, valid, step: this.turns }
  }

  /** The gold solver's next command from this state; undefined once the episode is over or the solver has nothing left. */
  expertCommand(): string | undefined {
    if (this.finished) return undefined
    const e = this.expert
    if (e !== undefined && e.turn === this.turns) return e.next
    try {
      if (e !== undefined && e.turn === this.turns - 1 && e.next !== undefined && e.next === this.lastCommand) {
        e.next = e.gen.next().value ?? undefined
        e.turn = this.turns
        return e.next
      }
      const gen = solvers[this.taskType](this.engine)
      const next = gen.next().value ?? undefined
      this.expert = { gen, next, turn: this.turns }
      return next
    } catch {
      this.expert = { gen: (function* () {})(), next: undefined, turn: this.turns }
      return undefined
    }
  }
}

const fail = (reason: string) => Effect.fail(new EnvironmentError({ reason }))

/** The game of a reference, checked: a known, implemented task and a variation in range. */
const resolve = (ref: GameRef): Effect.Effect<Game, EnvironmentError> => {
  if (ref._tag === "Seed") {
    if (!isSplitName(ref.split)) return fail(`unknown science split "${ref.split}" (one of ${splitNames.join(", ")})`)
    if (!Number.isInteger(ref.seed) || ref.seed < 0 || ref.seed >= seedsPerSplit)
      return fail(`science seed must be an integer in [0, ${seedsPerSplit}), got ${ref.seed}`)
    return Effect.succeed(gameOf(ref.split, ref.seed))
  }
  const game = parseGameId(ref.id)
  if (game === undefined) return fail(`bad science game id "${ref.id}" (expected science/<task>/<variation>, e.g. science/find-animal/0)`)
  if (!taskNames().includes(game.task)) return fail(`${ref.id}: unknown science task "${game.task}" (known: ${taskNames().join(", ")})`)
  if (!implementedTasks.includes(game.task))
    return fail(`${ref.id}: the task "${game.task}" is not implemented yet (version 3 of the spec: biology); implemented: ${[...implementedTasks].sort().join(", ")}`)
  const n = taskInfo(game.task).numVariations
  if (game.variation >= n) return fail(`${ref.id}: variation ${game.variation} out of range (${game.task} has ${n} variations, 0 to ${n - 1})`)
  return Effect.succeed(game)
}

export interface Options {
  /** The simplifications every game is loaded with (default "easy", as EPO). */
  readonly simplifications?: string
  /** Ticks before the Python done flag (default 100, as EPO). */
  readonly envStepLimit?: number
  /** When an episode is won (default "environment": EPO's rule). */
  readonly success?: SuccessRule
}

/** Starts a session synchronously (for benchmarks, tests and examples). */
export const session = (game: Game, options: SessionOptions = {}): ScienceSession => new ScienceSession(game, options)

export const make = (config: Options = {}): EnvironmentShape => ({
  name: "science",
  taskTypes: tasksInOrder,
  splits: splitNames,
  reset: (ref, options) =>
    Effect.flatMap(resolve(ref), (game) => {
      const maxSteps = options?.maxSteps ?? defaultMaxSteps
      if (!Number.isInteger(maxSteps) || maxSteps < 1) return fail(`maxSteps must be a positive integer, got ${maxSteps}`)
      return Effect.try({
        try: () => session(game, { ...config, maxSteps }),
        catch: (e) => new EnvironmentError({ reason: `${gameId(game)}: ${String(e)}` })
      })
    }),
  evaluationSet: (split) =>
    !isSplitName(split)
      ? fail(`unknown science split "${split}" (one of ${splitNames.join(", ")})`)
      : split === "train"
        ? fail(`science split "train" is a training split: it has no evaluation set`)
        : Effect.succeed(evaluationGames(split as SplitName).map((g): GameRef => ({ _tag: "GameId", id: gameId(g) })))
})

/** The Environment service backed by the science engine with EPO's settings. */
export const layer: Layer.Layer<Environment> = Layer.succeed(Environment, make())

/** The same with other load options, e.g. `layerWith({ simplifications: "" })`. */
export const layerWith = (options: Options): Layer.Layer<Environment> => Layer.succeed(Environment, make(options))
