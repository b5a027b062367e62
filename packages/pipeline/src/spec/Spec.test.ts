import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import * as Environments from "./Environments.js"
import * as Overrides from "./Overrides.js"
import * as Presets from "./Presets.js"
import * as Resolve from "./Resolve.js"
import * as Spec from "./Spec.js"

const issuesOf = (input: unknown) =>
  Spec.decode(input).pipe(
    Effect.flip,
    Effect.map((e) => e.issues.map((i) => i.path))
  )

describe("Spec", () => {
  it.effect("an empty spec decodes to the paper's ALFWorld defaults", () =>
    Effect.gen(function* () {
      const spec = yield* Spec.decode({})
      expect(spec.totalSteps).toBe(150)
      expect(spec.rollout).toMatchObject({ groups: 16, groupSize: 8 })
      expect(spec.environment.maxTurns).toBe(50)
      expect(spec.optimizer).toMatchObject({ warmupRatio: 0.1, minRatio: 0.2, schedule: "cosine" })
      expect(spec.rewards).toEqual({ scale: 10, invalidActionPenalty: 0.1 })
      expect(spec.objective.preset).toBe("epo")
      expect(spec.environment.success).toBe("environment")
    })
  )

  it.effect("every preset decodes, and encode/decode round-trips", () =>
    Effect.gen(function* () {
      for (const name of Presets.presetNames) {
        const spec = yield* Spec.decode(Presets.presets[name], `preset ${name}`)
        expect(yield* Spec.decode(Spec.encode(spec))).toEqual(spec)
      }
    })
  )

  it.effect("a bad spec reports every wrong field with its path", () =>
    Effect.gen(function* () {
      const paths = yield* issuesOf({
        seed: -1,
        backend: "gpu",
        rollout: { groups: 0, typo: 1 },
        optimizer: { learningRate: "fast" },
        algorithm: { advantage: { estimator: "nope" } },
        evaluation: { splits: ["eval_in_distribution", 3] },
        environment: { success: "scored" }
      })
      expect(paths.sort()).toEqual(
        ["algorithm.advantage.estimator", "backend", "environment.success", "evaluation.splits[1]", "optimizer.learningRate", "rollout.groups", "rollout.typo", "seed"].sort()
      )
    })
  )

  it.effect("the backend is webgpu only when named: a spec or --set backend=webgpu decodes to it, the default stays auto", () =>
    Effect.gen(function* () {
      expect((yield* Spec.decode({})).backend).toBe("auto")
      expect((yield* Spec.decode({ backend: "webgpu" })).backend).toBe("webgpu")
      expect((yield* Resolve.resolve({ sets: ["backend=webgpu"] })).backend).toBe("webgpu")
      const error = yield* Spec.decode({ backend: "gpu" }).pipe(Effect.flip)
      expect(error.issues.map((i) => i.path)).toEqual(["backend"])
      for (const name of ["auto", "wasm", "cpu", "webgpu"]) expect(error.issues[0]!.message).toContain(`"${name}"`)
    })
  )

  it.effect("an unknown environment is reported at environment.name with the registered names", () =>
    Effect.gen(function* () {
      const error = yield* Spec.decode({ environment: { name: "mars" } }).pipe(Effect.flip)
      expect(error.issues.map((i) => i.path)).toEqual(["environment.name"])
      expect(Environments.names).toEqual(["household", "corridor", "science"])
      for (const name of Environments.names) expect(error.issues[0].message).toContain(`"${name}"`)
    })
  )

  it.effect("cross-field checks are all reported: splits, critic, corridor, heads, scale", () =>
    Effect.gen(function* () {
      const paths = yield* issuesOf({
        environment: { split: "nowhere" },
        evaluation: { splits: ["train"] },
        algorithm: { advantage: { estimator: "gae" } },
        objective: { preset: "epo", kappaLow: 1.5 },
        policy: { model: { dModel: 30, heads: 4 }, action: "generate", scale: "learned" }
      })
      expect(paths.sort()).toEqual(["environment.split", "evaluation.splits[0]", "objective.kappaLow", "objective.value", "policy.model.heads", "policy.scale"].sort())
    })
  )

  it.effect("the error prints as one line naming the source and each field", () =>
    Effect.gen(function* () {
      const error = yield* Spec.decode({ rollout: { groupSize: 0 } }, "spec file x.json").pipe(Effect.flip)
      const line = String(error)
      expect(line).not.toContain("\n")
      expect(line).toMatch(/^invalid spec file x\.json \(1 problem\): rollout\.groupSize: /)
    })
  )
})

describe("--set overrides", () => {
  it.effect("dotted keys set nested values, JSON values are parsed, strings kept", () =>
    Effect.gen(function* () {
      const spec = yield* Resolve.resolve({
        preset: "grpo",
        sets: ["rollout.groupSize=4", "evaluation.splits=[\"eval_types_5_6\"]", "name=my run", "objective.kl.coefficient=0.02", "evaluation.splits[1]=eval_in_distribution"]
      })
      expect(spec.rollout.groupSize).toBe(4)
      expect(spec.evaluation.splits).toEqual(["eval_types_5_6", "eval_in_distribution"])
      expect(spec.name).toBe("my run")
      expect(spec.objective.kl?.coefficient).toBe(0.02)
    })
  )

  it.effect("a bad key or value is reported as a spec error at that path", () =>
    Effect.gen(function* () {
      const error = yield* Resolve.resolve({ sets: ["rollout.groupSiz=4", "totalSteps=-2"] }).pipe(Effect.flip)
      expect(error.issues.map((i) => i.path).sort()).toEqual(["rollout.groupSiz", "totalSteps"])
      expect(error.source).toContain("--set")
    })
  )

  it.effect("malformed assignments are all reported", () =>
    Effect.gen(function* () {
      const error = yield* Overrides.parse(["noequals", "a..b=1", "ok=1"]).pipe(Effect.flip)
      expect(error.issues.map((i) => i.path)).toEqual(["noequals", "a..b"])
    })
  )

  it("apply does not modify its input", () => {
    const input = { rollout: { groups: 2 } }
    const out = Overrides.apply(input, [{ path: ["rollout", "groups"], key: "rollout.groups", value: 3 }])
    expect(input.rollout.groups).toBe(2)
    expect(out).toEqual({ rollout: { groups: 3 } })
  })

  it("null removes a field, so it takes its default", () => {
    const input = { policy: { checkpoint: "dir", model: { layers: 2 } } }
    const out = Overrides.apply(input, [{ path: ["policy", "checkpoint"], key: "policy.checkpoint", value: null }])
    expect(out).toEqual({ policy: { model: { layers: 2 } } })
    expect(input.policy.checkpoint).toBe("dir")
  })

  it.effect("unknown presets and a file together with a preset are errors", () =>
    Effect.gen(function* () {
      expect(String(yield* Resolve.resolve({ preset: "nope" }).pipe(Effect.flip))).toContain("unknown preset")
      expect(String(yield* Resolve.resolve({ preset: "ppo", file: "x.json" }).pipe(Effect.flip))).toContain("not both")
      expect(String(yield* Resolve.resolve({ file: "/nonexistent/spec.json" }).pipe(Effect.flip))).toContain("no such file")
    })
  )
})
