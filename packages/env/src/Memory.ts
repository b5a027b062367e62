/**
 * The episode memory an agent's prompt is rendered from: the task, the past (observation,
 * action) pairs and the current situation. It mirrors verl-agent's `SimpleMemory`: step
 * k stores the observation the agent acted on before step k and the command it sent, so
 * entry 1 holds the reset observation. A memory is plain immutable data; `record`
 * returns a new one, so renderers are pure functions of it.
 */

/** One past step: the observation acted on and the command sent to the environment. */
export interface Entry {
  readonly observation: string
  readonly action: string
}

export interface EpisodeMemory {
  /** The task sentence, e.g. "put some soapbottle on toilet." */
  readonly task: string
  /** Past steps, oldest first; entry i (0-based) is step i + 1. */
  readonly entries: ReadonlyArray<Entry>
  /** The observation the agent acts on now (the reset observation before any step). */
  readonly observation: string
  /** The commands the environment accepts now. */
  readonly admissibleCommands: ReadonlyArray<string>
  /** The session's `promptLists()` now, when it has them (absent otherwise). */
  readonly lists?: Readonly<Record<string, ReadonlyArray<string>>>
}

type Lists = Readonly<Record<string, ReadonlyArray<string>>> | undefined

/** The memory at reset: no past steps. */
export const start = (
  task: string,
  observation: string,
  admissibleCommands: ReadonlyArray<string>,
  lists?: Lists
): EpisodeMemory => ({ task, entries: [], observation, admissibleCommands, ...(lists === undefined ? {} : { lists }) })

/**
 * The memory after sending `action`: the current observation moves into the history
 * paired with the action, and `observation`/`admissibleCommands` become current.
 */
export const record = (
  memory: EpisodeMemory,
  action: string,
  observation: string,
  admissibleCommands: ReadonlyArray<string>,
  lists?: Lists
): EpisodeMemory => ({
  task: memory.task,
  entries: [...memory.entries, { observation: memory.observation, action }],
  observation,
  admissibleCommands,
  ...(lists === undefined ? {} : { lists })
})

/** Steps taken so far. */
export const stepCount = (memory: EpisodeMemory): number => memory.entries.length

/** A past step with its 1-based step number. */
export interface NumberedEntry extends Entry {
  readonly step: number
}

/** The last `window` past steps (fewer early in the episode; none when `window <= 0`). */
export const recent = (memory: EpisodeMemory, window: number): ReadonlyArray<NumberedEntry> => {
  const n = memory.entries.length
  const from = window <= 0 ? n : Math.max(0, n - window)
  return memory.entries.slice(from).map((e, i) => ({ step: from + i + 1, observation: e.observation, action: e.action }))
}
