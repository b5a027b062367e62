/**
 * Properties of the advantage estimators that the group-relative methods rest on
 * (GRPO arXiv 2402.03300, Dr.GRPO 2503.20783, RLOO 2402.14740, REINFORCE++ 2501.03262,
 * GiGPO 2505.10978, GAE 1506.02438): invariances, zero group means, and the identities
 * that tie the estimators to each other, on generated multi-turn batches.
 */
import { Effect } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Objective from "@epo/objective"
import type { AdvantageBatch, AdvantageResult, TrajectoryRecord } from "@epo/objective"
import { finite } from "../objective/Support.js"

const run = (effect: Effect.Effect<AdvantageResult, unknown>) => Effect.runSync(effect)

// Rewards on a quarter grid keep outcomes exact in floating point.
const reward = fc.integer({ min: -8, max: 8 }).map((q) => q / 4)
const trajectory = (group: number) =>
  fc.integer({ min: 1, max: 5 }).chain((turns) =>
    fc.record({
      group: fc.constant(group),
      rewards: fc.array(reward, { minLength: turns, maxLength: turns }),
      values: fc.array(finite(-2, 2), { minLength: turns, maxLength: turns }),
      anchors: fc.array(fc.constantFrom("a", "b", "c"), { minLength: turns, maxLength: turns }),
      tokenCounts: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: turns, maxLength: turns })
    })
  )
/** Groups of 2..6 trajectories (and, with `singletons`, of 1). */
const trajectories = (minSize = 2) =>
  fc
    .array(fc.integer({ min: minSize, max: 6 }), { minLength: 1, maxLength: 4 })
    .chain((sizes) => fc.tuple(...sizes.map((size, g) => fc.array(trajectory(g), { minLength: size, maxLength: size }))))
    .map((groups) => groups.flat())

type Records = ReadonlyArray<TrajectoryRecord>

/** Per-trajectory advantage (the value on its first row; all its rows carry it). */
const perTrajectory = (records: Records, advantages: Float64Array) => {
  let row = 0
  return records.map((tr) => {
    const a = advantages[row]
    row += tr.rewards.length
    return a
  })
}
const outcome = (tr: TrajectoryRecord) => tr.rewards.reduce((a, b) => a + b, 0)
const groupsOf = (records: Records) => {
  const out = new Map<number, Array<number>>()
  records.forEach((tr, j) => out.set(tr.group, [...(out.get(tr.group) ?? []), j]))
  return [...out.values()]
}
const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)
/** Adds `shift(group)` to the last reward of every trajectory, i.e. to its outcome. */
const shiftOutcomes = (records: Records, shift: (group: number) => number): Records =>
  records.map((tr) => ({ ...tr, rewards: tr.rewards.map((r, t) => (t === tr.rewards.length - 1 ? r + shift(tr.group) : r)) }))
const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number) => {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tolerance)
}
const shifts = fc.array(fc.integer({ min: -12, max: 12 }).map((q) => q / 4), { minLength: 4, maxLength: 4 })
const batch = Objective.batchFromTrajectories

describe("GRPO and Dr.GRPO", () => {
  it("are invariant to shifting the rewards of a group by a constant", () => {
    fc.assert(
      fc.property(trajectories(), shifts, (records, c) => {
        const shifted = shiftOutcomes(records, (g) => c[g])
        for (const normalizeByStd of [true, false]) {
          const a = run(Objective.grpo(batch(records), { normalizeByStd }))
          const b = run(Objective.grpo(batch(shifted), { normalizeByStd }))
          closeAll(a.advantages, b.advantages, 1e-9)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("normalised GRPO is invariant to scaling a group's rewards by a positive factor (epsilon aside)", () => {
    const scales = fc.array(finite(0.05, 20), { minLength: 4, maxLength: 4 })
    fc.assert(
      fc.property(trajectories(), scales, (records, s) => {
        const scaled = records.map((tr) => ({ ...tr, rewards: tr.rewards.map((r) => r * s[tr.group]) }))
        // A tiny epsilon isolates the invariance of the formula from verl's guard.
        const a = perTrajectory(records, run(Objective.grpo(batch(records), { epsilon: 1e-12 })).advantages)
        const b = perTrajectory(records, run(Objective.grpo(batch(scaled), { epsilon: 1e-12 })).advantages)
        // A flat group's scaled outcomes may differ by rounding (ulps of ~200); the default
        // epsilon 1e-6 keeps the resulting advantage below 1e-7.
        const guarded = perTrajectory(records, run(Objective.grpo(batch(scaled))).advantages)
        for (const members of groupsOf(records)) {
          const flat = members.every((j) => outcome(records[j]) === outcome(records[members[0]]))
          for (const j of members) {
            if (flat) expect(Math.abs(guarded[j])).toBeLessThan(1e-7)
            else expect(Math.abs(a[j] - b[j])).toBeLessThan(1e-8)
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it("have zero mean over each group's trajectories; normalised ones have unit std unless the group is flat", () => {
    fc.assert(
      fc.property(trajectories(), (records) => {
        const normal = perTrajectory(records, run(Objective.grpo(batch(records), { epsilon: 1e-12 })).advantages)
        const centred = perTrajectory(records, run(Objective.drGrpo(batch(records))).advantages)
        for (const members of groupsOf(records)) {
          expect(Math.abs(sum(members.map((j) => normal[j])))).toBeLessThan(1e-9)
          expect(Math.abs(sum(members.map((j) => centred[j])))).toBeLessThan(1e-9)
          const flat = members.every((j) => outcome(records[j]) === outcome(records[members[0]]))
          const a = members.map((j) => normal[j])
          const std = Math.sqrt(sum(a.map((x) => x * x)) / (a.length - 1))
          expect(std).toBeCloseTo(flat ? 0 : 1, 9)
        }
      }),
      { numRuns: 200 }
    )
  })

  it("rank trajectories by outcome: A_j > 0 exactly when o_j is above the group mean", () => {
    fc.assert(
      fc.property(trajectories(), (records) => {
        const a = perTrajectory(records, run(Objective.grpo(batch(records))).advantages)
        for (const members of groupsOf(records)) {
          const m = sum(members.map((j) => outcome(records[j]))) / members.length
          for (const j of members) expect(Math.sign(Math.round(a[j] * 1e9))).toBe(Math.sign(Math.round((outcome(records[j]) - m) * 1e9)))
        }
      }),
      { numRuns: 200 }
    )
  })

  it("do not depend on the order of the rows", () => {
    fc.assert(
      fc.property(
        trajectories().chain((records) => {
          const n = sum(records.map((tr) => tr.rewards.length))
          return fc.tuple(fc.constant(records), fc.array(finite(0, 1), { minLength: n, maxLength: n }))
        }),
        ([records, keys]) => {
          const b = batch(records)
          const order = keys.map((k, i) => [k, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map(([, i]) => i)
          const permuted: AdvantageBatch = {
            rewards: Float64Array.from(order, (i) => b.rewards[i]),
            trajectory: Int32Array.from(order, (i) => b.trajectory[i]),
            turn: Int32Array.from(order, (i) => b.turn[i]),
            group: Int32Array.from(order, (i) => b.group[i]),
            anchors: order.map((i) => b.anchors![i])
          }
          for (const estimate of [Objective.grpo, Objective.gigpo] as const) {
            const straight = run(estimate(b)).advantages
            const shuffled = run(estimate(permuted)).advantages
            // Equal up to the rounding of sums taken in another order.
            order.forEach((i, k) => expect(Math.abs(shuffled[k] - straight[i])).toBeLessThan(1e-12))
          }
        }
      ),
      { numRuns: 100 }
    )
  })
})

describe("RLOO", () => {
  it("is n/(n-1) times the group-centred outcome, so it sums to zero per group and ignores shifts", () => {
    fc.assert(
      fc.property(trajectories(), shifts, (records, c) => {
        const rloo = perTrajectory(records, run(Objective.rloo(batch(records))).advantages)
        const centred = perTrajectory(records, run(Objective.drGrpo(batch(records))).advantages)
        for (const members of groupsOf(records)) {
          const n = members.length
          for (const j of members) expect(rloo[j]).toBeCloseTo((n / (n - 1)) * centred[j], 9)
          expect(Math.abs(sum(members.map((j) => rloo[j])))).toBeLessThan(1e-9)
        }
        const shifted = run(Objective.rloo(batch(shiftOutcomes(records, (g) => c[g]))))
        closeAll(run(Objective.rloo(batch(records))).advantages, shifted.advantages, 1e-9)
      }),
      { numRuns: 200 }
    )
  })

  it("a group of one has no baseline: its advantage is its outcome", () => {
    fc.assert(
      fc.property(trajectory(0), (tr) => {
        const a = run(Objective.rloo(batch([tr]))).advantages
        a.forEach((x) => expect(x).toBe(outcome(tr)))
      })
    )
  })
})

describe("REINFORCE++ baseline", () => {
  it("is whitened over the batch's tokens and ignores per-group shifts", () => {
    fc.assert(
      fc.property(trajectories(), shifts, (records, c) => {
        const b = batch(records)
        const { advantages } = run(Objective.reinforcePlusPlusBaseline(b))
        const w = Array.from(b.tokenCounts!)
        const total = sum(w)
        const m = sum(w.map((wi, i) => wi * advantages[i])) / total
        expect(Math.abs(m)).toBeLessThan(1e-9)
        const v = sum(w.map((wi, i) => wi * advantages[i] ** 2)) / (total - 1)
        const flat = groupsOf(records).every((members) => members.every((j) => outcome(records[j]) === outcome(records[members[0]])))
        if (!flat) expect(v).toBeCloseTo(1, 4)
        const shifted = run(Objective.reinforcePlusPlusBaseline(batch(shiftOutcomes(records, (g) => c[g]))))
        closeAll(advantages, shifted.advantages, 1e-6)
      }),
      { numRuns: 200 }
    )
  })
})

describe("GiGPO", () => {
  const modes = fc.constantFrom("mean_norm" as const, "mean_std_norm" as const)

  it("with step weight 0, or with no anchor state shared, is the episode-level group advantage (Dr.GRPO / GRPO)", () => {
    fc.assert(
      fc.property(trajectories(1), modes, (records, mode) => {
        const episode = run(Objective.grpo(batch(records), { normalizeByStd: mode === "mean_std_norm" })).advantages
        closeAll(run(Objective.gigpo(batch(records), { mode, stepWeight: 0 })).advantages, episode, 1e-12)
        let unique = 0
        const distinct = records.map((tr) => ({ ...tr, anchors: tr.anchors!.map(() => `s${unique++}`) }))
        closeAll(run(Objective.gigpo(batch(distinct), { mode })).advantages, episode, 1e-12)
      }),
      { numRuns: 200 }
    )
  })

  it("its step-level part sums to zero over every anchor-state group and scales with the step weight", () => {
    fc.assert(
      fc.property(trajectories(1), modes, finite(0.1, 3), (records, mode, w) => {
        const b = batch(records)
        const episode = run(Objective.gigpo(b, { mode, stepWeight: 0 })).advantages
        const one = run(Objective.gigpo(b, { mode, stepWeight: 1 })).advantages
        const weighted = run(Objective.gigpo(b, { mode, stepWeight: w })).advantages
        const step = one.map((a, i) => a - episode[i])
        for (const rows of Objective.gigpoStepGroups(b.group, b.anchors!)) expect(Math.abs(sum(rows.map((i) => step[i])))).toBeLessThan(1e-9)
        closeAll(weighted, episode.map((e, i) => e + w * step[i]), 1e-9)
      }),
      { numRuns: 200 }
    )
  })

  it("a group of identical trajectories that never revisit a state gets zero advantage everywhere", () => {
    fc.assert(
      fc.property(trajectory(0), fc.integer({ min: 2, max: 6 }), modes, (tr, n, mode) => {
        const copy = { ...tr, anchors: tr.anchors!.map((_, t) => `s${t}`) }
        const a = run(Objective.gigpo(batch(Array.from({ length: n }, () => copy)), { mode })).advantages
        // Rounding in the group mean, divided by std + 1e-6, stays far below 1e-9.
        a.forEach((x) => expect(Math.abs(x)).toBeLessThan(1e-9))
      })
    )
  })

  it("a state revisited within one trajectory joins its own step group (as verl-agent), so copies can differ by turn", () => {
    const tr = { group: 0, rewards: [0, 1], anchors: ["c", "c"] }
    const a = run(Objective.gigpo(batch([tr, tr]), { gamma: 0.5 })).advantages
    // returns 0.5 and 1 at the two visits of c: step advantages -0.25 and +0.25 in each copy
    expect(Array.from(a)).toEqual([-0.25, 0.25, -0.25, 0.25])
  })
})

describe("GAE", () => {
  it("lambda = 1 gives the discounted return minus the value; lambda = 0 the one-step TD error", () => {
    fc.assert(
      fc.property(trajectories(1), finite(0, 1), (records, gamma) => {
        const b = batch(records)
        const mc = run(Objective.gae(b, { gamma, lambda: 1, whiten: false }))
        const td = run(Objective.gae(b, { gamma, lambda: 0, whiten: false }))
        let row = 0
        for (const tr of records) {
          const T = tr.rewards.length
          for (let t = 0; t < T; t++) {
            const g = sum(tr.rewards.slice(t).map((r, k) => r * gamma ** k))
            expect(mc.advantages[row + t]).toBeCloseTo(g - tr.values![t], 9)
            expect(mc.returns[row + t]).toBeCloseTo(g, 9)
            const next = t + 1 < T ? tr.values![t + 1] : 0
            expect(td.advantages[row + t]).toBeCloseTo(tr.rewards[t] + gamma * next - tr.values![t], 12)
          }
          row += T
        }
      }),
      { numRuns: 200 }
    )
  })
})

describe("DAPO group filter", () => {
  it("drops exactly the groups of two or more trajectories whose group-relative advantages are all zero", () => {
    fc.assert(
      fc.property(trajectories(1), (records) => {
        const b = batch(records)
        const { keptGroups, keepRow } = Effect.runSync(Objective.filterZeroVarianceGroups(b))
        const a = perTrajectory(records, run(Objective.drGrpo(b)).advantages)
        groupsOf(records).forEach((members) => {
          const g = records[members[0]].group
          const informative = members.length === 1 || members.some((j) => a[j] !== 0)
          expect(keptGroups.includes(g)).toBe(informative)
        })
        b.group.forEach((g, i) => expect(keepRow[i]).toBe(keptGroups.includes(g) ? 1 : 0))
      }),
      { numRuns: 200 }
    )
  })
})
