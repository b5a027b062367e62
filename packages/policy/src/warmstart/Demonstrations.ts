/**
 * Expert demonstrations for behaviour cloning: games are played through the grouped
 * runner of @epo/env, and every turn becomes a (prompt, response) text pair: the prompt
 * rendered from the episode memory by a prompt format, the response the expert's command
 * written in the format's answer style, with the turn's admissible commands (the
 * candidates of action scoring). The expert plays by default; with a `driver` (DAgger,
 * Ross et al. 2011) another policy chooses the commands sent and the expert only labels
 * the states that policy visits.
 */
import type { ConfigError } from "@epo/core"
import { type Environment, type EnvironmentError, type GameRef, type Memory, Runner, type RunnerError } from "@epo/env"
import { Data, Effect } from "effect"

/** What warm start needs of a prompt format (the formats of @epo/household fit). */
export interface PromptFormat {
  readonly name: string
  render(memory: Memory.EpisodeMemory): string
  parse(response: string): { readonly action: string; readonly valid: boolean }
}

/**
 * How a command is written as a response: `bare` is the command itself (the compact
 * prompt's answer); `tagged` wraps it as verl-agent's "<think></think><action>…</action>"
 * with an empty reasoning block (the expert gives no reasons).
 */
export type ResponseStyle = "bare" | "tagged"
export const responseStyles: ReadonlyArray<ResponseStyle> = ["bare", "tagged"]

export const responseText = (style: ResponseStyle, command: string): string =>
  style === "bare" ? command : `<think></think><action>${command}</action>`

export interface Demonstration {
  readonly gameId: string
  readonly turn: number
  readonly prompt: string
  readonly response: string
  /** The expert's command (the response is it, written in the answer style). */
  readonly command: string
  /** The command sent to the environment: the expert's, or the driver's (DAgger). */
  readonly sent: string
  /** The commands the environment accepted at this turn. */
  readonly admissible: ReadonlyArray<string>
}

export interface Demonstrations {
  readonly pairs: ReadonlyArray<Demonstration>
  readonly games: number
  /** Games won within the turn limit (by the expert, or by the driver when there is one). */
  readonly won: number
}

/** Warm start cannot proceed (no expert, prompts that do not fit, ...). */
export class WarmStartError extends Data.TaggedError("WarmStartError")<{
  readonly reason: string
}> {
  override toString(): string {
    return `warm start failed: ${this.reason}`
  }
}

interface LabelledDecision {
  readonly command: string
  /** The expert's command in this state; none where the driver made the game unwinnable. */
  readonly label: string | undefined
  readonly prompt: string
}

/** Chooses the commands sent to the environment while the expert labels the states (DAgger). */
export type Driver<E> = (views: ReadonlyArray<Runner.MemberView>, turn: number) => Effect.Effect<ReadonlyArray<string>, E>

/**
 * Plays `games` and records each turn's (prompt, response): the expert's own episodes, or
 * the `driver`'s episodes labelled with the expert's command in every state they visit.
 * A driver can reach states from which the game cannot be won (the household expert then
 * has no command): those turns carry no label and are not recorded.
 */
export const collect = <E = never>(
  games: ReadonlyArray<GameRef>,
  format: PromptFormat,
  style: ResponseStyle,
  maxTurns: number,
  driver?: Driver<E>
): Effect.Effect<Demonstrations, E | WarmStartError | EnvironmentError | RunnerError | ConfigError, Environment> =>
  Effect.gen(function* () {
    const play: Runner.BatchPolicy<LabelledDecision, E | WarmStartError> = (views, turn) =>
      Effect.gen(function* () {
        const labels = views.map((view) => view.expertCommand())
        if (driver === undefined) {
          const stuck = views.find((_, i) => labels[i] === undefined)
          if (stuck !== undefined) return yield* new WarmStartError({ reason: `the environment gave no expert command in game ${stuck.gameId}` })
        }
        const sent = driver === undefined ? (labels as ReadonlyArray<string>) : yield* driver(views, turn)
        return views.map((view, i) => ({ command: sent[i], label: labels[i], prompt: format.render(view.memory) }))
      })
    const result = yield* Runner.run(games, { groupSize: 1, maxTurns }, play)
    const pairs: Array<Demonstration> = []
    let won = 0
    for (const group of result.groups)
      for (const member of group.members) {
        if (member.won) won++
        for (const t of member.turns) {
          const label = t.decision.label
          if (label !== undefined)
            pairs.push({
              gameId: member.gameId,
              turn: t.turn,
              prompt: t.decision.prompt,
              response: responseText(style, label),
              command: label,
              sent: t.command,
              admissible: t.admissibleCommands
            })
        }
      }
    const first = pairs[0]
    if (first !== undefined) {
      // The format must read the written response back as the expert's command.
      const parsed = format.parse(first.response)
      const command = first.command
      if (!parsed.valid || parsed.action !== command)
        return yield* Effect.fail(
          new WarmStartError({
            reason: `the ${format.name} prompt format reads the ${style} response ${JSON.stringify(first.response)} as ${JSON.stringify(parsed.action)}${parsed.valid ? "" : " (invalid)"}, not the command ${JSON.stringify(command)}`
          })
        )
    }
    return { pairs, games: games.length, won }
  })
