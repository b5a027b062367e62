import { it } from "@effect/vitest"
import { Environment } from "@epo/env"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { registrations } from "./index.js"

const options = { historyLength: 2, recentActions: 2, penalty: 0.1 }

// An environment without experts of its own ignores the name (the pipeline passes warmStart.expert).
const expertsOf = (r: (typeof registrations)[number]) => (r.experts.length > 0 ? r.experts : (["explorer"] as const))

describe("the registered environments", () => {
  it("have distinct names", () => {
    const names = registrations.map((r) => r.name)
    expect(new Set(names).size).toBe(names.length)
  })

  it.effect.each(registrations)("$name: its environment has the registered splits, an evaluation set for each evaluation split and a game for each expert", (r) =>
    Effect.gen(function* () {
      for (const expert of expertsOf(r)) {
        const env = yield* Effect.service(Environment).pipe(Effect.provide(r.layer({ expert, success: "environment" })))
        expect([...env.splits].sort()).toEqual([...r.splits].sort())
        for (const split of r.evaluationSplits) expect((yield* env.evaluationSet(split)).length).toBeGreaterThan(0)
        const game = yield* env.reset({ _tag: "Seed", split: r.splits[0], seed: 0 })
        expect(game.expertCommand?.()).toBeTypeOf("string")
      }
    })
  )

  it.effect.each(registrations)("$name: every registered prompt format is made; another name is a ConfigError naming the field", (r) =>
    Effect.gen(function* () {
      for (const name of r.promptFormats) expect((yield* r.promptFormat(name, options, "environment.prompt")).name).toBe(name)
      const error = yield* r.promptFormat("no-such-format", options, "environment.prompt").pipe(Effect.flip)
      expect(error).toMatchObject({ _tag: "ConfigError", field: "environment.prompt" })
    })
  )
})
