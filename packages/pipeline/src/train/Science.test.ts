import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Backend } from "@epo/core"
import { Memory } from "@epo/env"
import { Pretrained } from "@epo/policy"
import { registration, ScienceEnvironment } from "@epo/science"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import * as Environments from "../spec/Environments.js"
import { effectiveConfig } from "./Model.js"
import * as Presets from "../spec/Presets.js"
import * as Resolve from "../spec/Resolve.js"
import * as Runs from "../runs/Runs.js"
import * as Spec from "../spec/Spec.js"
import * as Train from "./Train.js"

const sciencePresets = ["science-ppo", "science-ppo+epo", "science-grpo", "science-grpo+epo"] as const

describe("science in the pipeline", () => {
  it.effect("the science presets decode: EPO's ScienceWorld settings, alpha 0.05 for EPO, the shipped gold clone, wins by completion", () =>
    Effect.gen(function* () {
      for (const name of sciencePresets) {
        const spec = yield* Spec.decode(Presets.presets[name], `preset ${name}`)
        expect(spec.environment).toMatchObject({ name: "science", split: "train", maxTurns: 30, success: "completed" })
        expect(spec.evaluation.splits).toEqual(["eval_in_distribution", "eval_out_of_distribution"])
        expect(spec.policy.checkpoint).toBe(Pretrained.scienceGenerate)
        expect(spec.warmStart.episodes).toBe(0)
        if (spec.objective.preset === "epo") expect(spec.objective.alpha).toBe(0.05)
      }
      const ppo = yield* Spec.decode(Presets.presets["science-ppo"])
      expect([ppo.objective.preset, ppo.algorithm.advantage.estimator]).toEqual(["ppo", "gae"])
      const grpo = yield* Spec.decode(Presets.presets["science-grpo+epo"])
      expect([grpo.objective.preset, grpo.algorithm.advantage.estimator]).toEqual(["epo", "grpo"])
    })
  )

  it.effect("--set environment.name=science works on the default preset with a science prompt; the default's notebook prompt is a spec error there", () =>
    Effect.gen(function* () {
      const spec = yield* Resolve.resolve({ sets: ["environment.name=science", "environment.prompt=compact"] })
      expect(spec.environment.name).toBe("science")
      const format = yield* Environments.promptFormat(spec)
      const s = ScienceEnvironment.session({ task: "find-animal", variation: 0 })
      const text = format.render(Memory.start(s.task, s.initialObservation, s.admissibleCommands(), s.promptLists()))
      expect(text.startsWith(`Task: ${s.task}`)).toBe(true)
      const bad = String(yield* Resolve.resolve({ sets: ["environment.name=science"] }).pipe(Effect.flip))
      expect(bad).toContain("environment.prompt")
      expect(bad).toContain("of science")
    })
  )

  it.effect("a fresh science policy uses the science vocabulary, as the shipped one does", () =>
    Effect.gen(function* () {
      const spec = yield* Spec.decode({ ...Presets.presets["science-grpo"], policy: { action: "generate" } })
      const { config, source } = yield* effectiveConfig(spec)
      expect(source).toBe("policy.model")
      const vocabulary = (registration.vocabulary.data as { tokens: ReadonlyArray<string> }).tokens.length
      expect(config.vocab).toBe(vocabulary)
      expect((yield* effectiveConfig(yield* Spec.decode(Presets.presets["science-grpo"]))).config.vocab).toBe(vocabulary)
    })
  )

  it.effect("a tiny science run: gold warm start, rollouts, an update and an evaluation", () =>
    Effect.gen(function* () {
      yield* Backend.select("cpu")
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "epo-science-"))
      const input = {
        ...Presets.presets["science-grpo+epo"],
        seed: 3,
        backend: "cpu",
        totalSteps: 1,
        environment: { ...Presets.presets["science-grpo+epo"].environment, maxTurns: 2 },
        rollout: { groups: 1, groupSize: 2, maxNewTokens: 4 },
        policy: { model: { dModel: 16, layers: 1, heads: 2, context: 512 } },
        warmStart: { episodes: 2, epochs: 1, batchSize: 8 },
        update: { epochs: 1, miniBatchSize: 4 },
        evaluation: { every: 0, splits: ["eval_in_distribution"], games: 2 },
        checkpoints: { every: 1, keep: 1 }
      }
      const spec = yield* Spec.decode(input)
      const notes: Array<string> = []
      const result = yield* Train.run({ spec, dir, onEvent: (e) => void (e._tag === "Note" && notes.push(e.message)) })
      expect(result).toMatchObject({ completedSteps: 1, status: "completed" })
      expect(notes.some((n) => n.startsWith("warm start:"))).toBe(true)
      const run = yield* Runs.load(dir)
      expect(run.evaluations.map((e) => [e.split, e.episodes])).toContainEqual(["eval_in_distribution", 2])
    })
  )
})
