/**
 * The household vocabulary covers every text the household engine and its prompt
 * formats produce: expert episodes and random-command episodes on every split, each
 * observation, admissible command, task and rendered prompt (compact, notebook and verl-agent)
 * encodes with every piece a whole token and decodes back exactly.
 */
import { Random } from "@epo/core"
import { Memory } from "@epo/env"
import { HouseholdEnvironment, Prompt, Splits } from "@epo/household"
import { Effect } from "effect"
import { expect, it } from "vitest"
import * as Household from "./household.js"

const tokenizer = Effect.runSync(Household.tokenizer)

const covered = (texts: Set<string>, text: string) => {
  if (texts.has(text)) return
  texts.add(text)
  const uncovered = tokenizer.uncovered(text)
  if (uncovered.length > 0) throw new Error(`not covered: ${JSON.stringify(uncovered)} in ${JSON.stringify(text)}`)
  expect(tokenizer.decode(tokenizer.encodeSync(text))).toBe(text)
}

type Chooser = (commands: ReadonlyArray<string>, expert: string | undefined) => string

const play = (texts: Set<string>, split: Splits.SplitName, seed: number, choose: Chooser) => {
  const session = HouseholdEnvironment.session(split, seed)
  let memory = Memory.start(session.task, session.initialObservation, session.admissibleCommands())
  for (let step = 0; step < session.maxSteps; step++) {
    for (const text of [memory.task, memory.observation, ...memory.admissibleCommands]) covered(texts, text)
    covered(texts, Prompt.Compact.render(memory, { recentActions: 3 }))
    covered(texts, Prompt.VerlAgent.render(memory))
    covered(texts, Prompt.Notebook.render(memory))
    const command = choose(memory.admissibleCommands, session.expertCommand())
    const t = session.step(command)
    memory = Memory.record(memory, command, t.observation, session.admissibleCommands())
    if (t.done) break
  }
  covered(texts, memory.observation)
}

it("every text of expert and random episodes on every split is covered and round-trips", () => {
  const texts = new Set<string>()
  for (const split of Splits.splitNames) {
    for (let seed = 0; seed < 12; seed++) {
      play(texts, split, seed, (_, expert) => expert ?? "look")
      const stream = new Random.Stream(Random.fold(Random.key(seed), Splits.splitNames.indexOf(split)))
      // Random admissible commands, with an occasional inadmissible one ("Nothing happens.").
      play(texts, split, seed, (commands) => (stream.next() < 0.05 ? "heat the sink" : stream.pick(commands)))
    }
  }
  expect(texts.size).toBeGreaterThan(1000)
})
