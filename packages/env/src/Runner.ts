/**
 * Batched, grouped execution of episodes, as group-based estimators (GRPO, GiGPO) need:
 * N groups of G members, all members of a group reset from the same game. Every turn the
 * live members' views go to the caller's policy in one batch (one Effect, so the policy
 * can run a model, draw keys, log); its commands are then stepped synchronously. A
 * member stops at its first `done` and is never stepped again; the run stops when all
 * members are done or after `maxTurns` turns.
 */
import { ConfigError, Errors } from "@epo/core"
import { Data, Effect, Schema } from "effect"
import { Environment, EnvironmentError, type EnvironmentShape, type GameRef, type Session, type Transition } from "./Environment.js"
import * as Memory from "./Memory.js"

const Positive = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(1)))

export const RunConfig = Schema.Struct({
  /** Members per group (G); each group's members play the same game. */
  groupSize: Positive,
  /** Policy turns at most; a member not done by then is cut off (its `done` stays false). */
  maxTurns: Positive,
  /** Passed to `reset` as the environment's own step limit, when given. */
  maxSteps: Schema.optionalKey(Positive)
})
export type RunConfig = typeof RunConfig.Type

/** What a policy returns for one member: at least the command to send; any extra data rides along into the trajectory. */
export interface Decision {
  readonly command: string
}

/** What a policy sees of one live member. */
export interface MemberView {
  readonly group: number
  readonly member: number
  readonly gameId: string
  readonly taskType: string
  readonly memory: Memory.EpisodeMemory
  /** The environment expert's next command from this state, when it has one. */
  expertCommand(): string | undefined
}

/**
 * Chooses one decision per view, in the order of `views`. `turn` is the 0-based turn
 * index (for example to fold a Random key).
 */
export type BatchPolicy<D extends Decision, E = never, R = never> = (
  views: ReadonlyArray<MemberView>,
  turn: number
) => Effect.Effect<ReadonlyArray<D>, E, R>

/** One turn of one member's trajectory. */
export interface Turn<D extends Decision> {
  /** 0-based turn index (equal to the environment step index for this member). */
  readonly turn: number
  /** The observation acted on. */
  readonly observation: string
  readonly admissibleCommands: ReadonlyArray<string>
  readonly decision: D
  /** The text sent to the environment (`decision.command`). */
  readonly command: string
  readonly reward: number
  readonly done: boolean
  readonly won: boolean
  /** Whether the environment accepted the command (it was admissible). */
  readonly valid: boolean
}

export interface MemberResult<D extends Decision> {
  readonly group: number
  readonly member: number
  readonly gameId: string
  readonly taskType: string
  readonly task: string
  readonly turns: ReadonlyArray<Turn<D>>
  /** The memory after the last turn (its observation is the final one). */
  readonly memory: Memory.EpisodeMemory
  readonly won: boolean
  /** The environment ended the episode; false when `maxTurns` cut it off. */
  readonly done: boolean
  readonly totalReward: number
}

export interface GroupResult<D extends Decision> {
  readonly group: number
  readonly game: GameRef
  readonly gameId: string
  readonly members: ReadonlyArray<MemberResult<D>>
}

export interface RunResult<D extends Decision> {
  readonly groups: ReadonlyArray<GroupResult<D>>
  /** Policy calls made (turns with at least one live member). */
  readonly turns: number
}

/** The run could not proceed: a policy broke its contract or a group's members diverged. */
export class RunnerError extends Data.TaggedError("RunnerError")<{
  readonly reason: string
}> {
  override toString(): string {
    return `runner error: ${this.reason}`
  }
}

interface Live<D extends Decision> {
  readonly group: number
  readonly member: number
  readonly session: Session
  memory: Memory.EpisodeMemory
  readonly turns: Array<Turn<D>>
  done: boolean
  won: boolean
  totalReward: number
}

const resetGroup = (
  env: EnvironmentShape,
  game: GameRef,
  group: number,
  config: RunConfig
): Effect.Effect<ReadonlyArray<Session>, EnvironmentError | RunnerError> =>
  Effect.gen(function* () {
    const options = config.maxSteps === undefined ? undefined : { maxSteps: config.maxSteps }
    const sessions: Array<Session> = []
    for (let m = 0; m < config.groupSize; m++) sessions.push(yield* env.reset(game, options))
    const first = sessions[0]
    const odd = sessions.find((s) => s.gameId !== first.gameId || s.initialObservation !== first.initialObservation)
    if (odd !== undefined)
      return yield* new RunnerError({
        reason: `group ${group}: members reset to different games (${first.gameId} vs ${odd.gameId}); reset must be deterministic in its GameRef`
      })
    return sessions
  })

const stepSession = (live: Live<Decision>, command: string): Effect.Effect<Transition, EnvironmentError> =>
  Effect.try({
    try: () => live.session.step(command),
    catch: (e) =>
      new EnvironmentError({
        reason: `step(${JSON.stringify(command)}) in game ${live.session.gameId} threw: ${e instanceof Error ? e.message : String(e)}`
      })
  })

const memberResult = <D extends Decision>(live: Live<D>): MemberResult<D> => ({
  group: live.group,
  member: live.member,
  gameId: live.session.gameId,
  taskType: live.session.taskType,
  task: live.session.task,
  turns: live.turns,
  memory: live.memory,
  won: live.won,
  done: live.done,
  totalReward: live.totalReward
})

/**
 * Runs `games.length` groups of `config.groupSize` members with the `Environment`
 * service, asking `policy` for the live members' commands once per turn.
 */
export const run = <D extends Decision, E, R>(
  games: ReadonlyArray<GameRef>,
  config: RunConfig,
  policy: BatchPolicy<D, E, R>
): Effect.Effect<RunResult<D>, E | EnvironmentError | RunnerError | ConfigError, Environment | R> =>
  Effect.gen(function* () {
    const cfg = yield* Errors.decodeConfig(RunConfig, "run")(config)
    const env = yield* Environment
    const members: Array<Live<D>> = []
    for (let g = 0; g < games.length; g++) {
      const sessions = yield* resetGroup(env, games[g], g, cfg)
      sessions.forEach((session, m) =>
        members.push({
          group: g,
          member: m,
          session,
          memory: Memory.start(session.task, session.initialObservation, session.admissibleCommands(), session.promptLists?.()),
          turns: [],
          done: false,
          won: false,
          totalReward: 0
        })
      )
    }

    let turns = 0
    for (let turn = 0; turn < cfg.maxTurns; turn++) {
      const live = members.filter((m) => !m.done)
      if (live.length === 0) break
      const views: Array<MemberView> = live.map((m) => ({
        group: m.group,
        member: m.member,
        gameId: m.session.gameId,
        taskType: m.session.taskType,
        memory: m.memory,
        expertCommand: () => m.session.expertCommand?.()
      }))
      const decisions = yield* policy(views, turn)
      turns++
      if (decisions.length !== live.length)
        return yield* new RunnerError({
          reason: `turn ${turn}: the policy returned ${decisions.length} decisions for ${live.length} live members`
        })
      for (let i = 0; i < live.length; i++) {
        const m = live[i]
        const decision = decisions[i]
        const t = yield* stepSession(m, decision.command)
        m.turns.push({
          turn,
          observation: m.memory.observation,
          admissibleCommands: m.memory.admissibleCommands,
          decision,
          command: decision.command,
          reward: t.reward,
          done: t.done,
          won: t.won,
          valid: t.valid
        })
        m.memory = Memory.record(m.memory, decision.command, t.observation, m.session.admissibleCommands(), m.session.promptLists?.())
        m.totalReward += t.reward
        m.done = t.done
        m.won = t.won
      }
    }

    const groups: Array<GroupResult<D>> = games.map((game, g) => {
      const own = members.filter((m) => m.group === g)
      return { group: g, game, gameId: own[0].session.gameId, members: own.map(memberResult) }
    })
    return { groups, turns }
  })
