/**
 * The generic interface of a multi-turn text environment (ALFWorld-like): a game is
 * reset from a reference (a seed within a split, or a pinned game id), then stepped with
 * text commands. Stepping is synchronous and cheap: an engine should be far from the
 * policy's cost, so the Effect boundary sits at reset and at the batched runner, not at
 * every step.
 */
import { Context, Data, type Effect } from "effect"

/** How a game is chosen: generated from a seed within a split, or a pinned game id. */
export type GameRef =
  | { readonly _tag: "Seed"; readonly split: string; readonly seed: number }
  | { readonly _tag: "GameId"; readonly id: string }

export const seedRef = (split: string, seed: number): GameRef => ({ _tag: "Seed", split, seed })
export const idRef = (id: string): GameRef => ({ _tag: "GameId", id })

/** The result of one step, as ALFWorld's `step` returns it. */
export interface Transition {
  readonly observation: string
  /** 1 when the goal holds after this step (unscaled), else 0. */
  readonly reward: number
  /** Won, or the step limit was reached. */
  readonly done: boolean
  readonly won: boolean
  /** Whether the command was exactly one of the admissible commands. */
  readonly valid: boolean
  /** Steps taken so far, this one included. */
  readonly step: number
}

/** One running episode. Mutable by design (an engine state machine); not shared. */
export interface Session {
  readonly gameId: string
  readonly taskType: string
  /** The task sentence, e.g. "put some soapbottle on toilet." */
  readonly task: string
  readonly maxSteps: number
  /** The observation returned by reset. */
  readonly initialObservation: string
  admissibleCommands(): ReadonlyArray<string>
  /**
   * Environment-specific lists a prompt format may show besides the admissible commands
   * (science: its possible actions and objects, which EPO's ScienceWorld prompt lists);
   * the runner copies them into the episode memory after reset and every step.
   */
  promptLists?(): Readonly<Record<string, ReadonlyArray<string>>>
  step(command: string): Transition
  /** The expert's next command from the current state, when the environment has one. */
  expertCommand?(): string | undefined
}

export class EnvironmentError extends Data.TaggedError("EnvironmentError")<{
  readonly reason: string
}> {
  override toString(): string {
    return `environment error: ${this.reason}`
  }
}

export interface EnvironmentShape {
  readonly name: string
  readonly taskTypes: ReadonlyArray<string>
  readonly splits: ReadonlyArray<string>
  reset(ref: GameRef, options?: { readonly maxSteps?: number }): Effect.Effect<Session, EnvironmentError>
  /** The fixed, documented evaluation games of a split. */
  evaluationSet(split: string): Effect.Effect<ReadonlyArray<GameRef>, EnvironmentError>
}

export class Environment extends Context.Service<Environment, EnvironmentShape>()("@epo/env/Environment") {}
