import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import * as Compare from "./Compare.js"
import type { MetricsRecord } from "../runs/Records.js"
import * as Report from "./Report.js"
import * as Runs from "../runs/Runs.js"
import * as RunStore from "../runs/RunStore.js"
import * as FakeRuns from "../testing/FakeRuns.js"

const record = (step: number, entropy: number, byTurn: ReadonlyArray<number>): MetricsRecord =>
  FakeRuns.record(step, { "reward/mean": step, "entropy/mean": entropy, "entropy/variance": 2 * entropy, "objective/smoothing": 0.1 }, byTurn)

/** A run of 4 steps: entropy 1 in phase 1 (steps 0, 1), 3 in phase 2. */
const fakeRun = (dir: string, objective: string) =>
  Effect.gen(function* () {
    const store = RunStore.make(dir)
    yield* store.create({ objective: { preset: objective }, algorithm: { advantage: { estimator: "grpo" } } }, FakeRuns.manifest("same", 1, 4))
    for (const [k, h] of [[0, 1], [1, 1], [2, 3], [3, 3]] as const) yield* store.appendMetrics(record(k, h, [h, h + 1]))
    yield* store.appendEvaluations([
      { step: 0, split: "eval", episodes: 4, successes: 1, success: 0.25, meanTurns: 3, byTaskType: {}, seconds: 0 },
      { step: 4, split: "eval", episodes: 4, successes: 2, success: 0.5, meanTurns: 3, byTaskType: {}, seconds: 0 }
    ])
  })

describe("reports", () => {
  it.effect("several runs side by side: distinct labels, phases, table, one self-contained page", () =>
    Effect.gen(function* () {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "epo-report-"))
      const [a, b] = [path.join(root, "a"), path.join(root, "b")]
      yield* fakeRun(a, "epo")
      yield* fakeRun(b, "ppo")
      const runs = yield* Runs.loadAll([a, b])
      expect(runs.map((r) => r.label)).toEqual(["a", "b"])
      const phases = Runs.entropyByPhase(runs[0])
      expect(phases.map((p) => [p.steps, p.entropyMean, p.entropyVariance])).toEqual([
        [2, 1, 2],
        [2, 3, 6]
      ])
      expect(phases[1].byTurn).toEqual([3, 4])
      const table = Compare.table(runs)
      expect(table.rows.map((r) => r.slice(0, 2))).toEqual([
        ["a", "epo"],
        ["b", "ppo"]
      ])
      const row = Object.fromEntries(table.columns.map((c, i) => [c, table.rows[0][i]]))
      expect([row["eval final"], row["eval best"], row["entropy (last 10%)"]]).toEqual(["50.0%", "50.0%", "3"])
      const html = Report.render(runs)
      expect(html.match(/<svg/g)?.length).toBeGreaterThan(5)
      expect(html).toContain("success rate: eval")
      expect(html).toContain(">smoothing<")
      expect(html).not.toMatch(/<script|<link|src=/)
    })
  )

  it("groups seeds by method: per-method tables, success and entropy bands, a corridor for EPO, one heatmap per method", () => {
    const runs = [1, 2, 3].flatMap((seed) =>
      (["ppo", "ppo+epo"] as const).map((name) =>
        FakeRuns.run({
          name,
          seed,
          objective: { preset: name === "ppo" ? "ppo" : "epo", kappaHigh: 1.5 },
          metrics: [0, 1, 2].map((k) => FakeRuns.record(k, { "entropy/mean": 1 + seed / 10 - k / 10, "entropy/reference": k === 0 ? null : 1 }, [1 + k, 2 - k])),
          evaluations: [0, 3].flatMap((k) => ["in", "out"].map((split) => FakeRuns.evaluation(k, split, k + seed + (name === "ppo" ? 0 : 1), 8)))
        })
      )
    )
    const html = Report.render(runs)
    expect(html).toContain("<h2>Methods</h2>")
    expect(html.match(/<h3>(in|out)<\/h3><table>/g)).toEqual(["<h3>in</h3><table>", "<h3>out</h3><table>"])
    // start 1..3 of 8 per seed, final 4..6 (ppo) and 5..7 (ppo+epo): +1/8 on every seed against the base
    expect(html).toContain("<td>ppo+epo</td><td>1,2,3</td><td>ppo</td><td>3</td><td>37.5 [25.0, 50.0]</td><td>75.0 [62.5, 87.5]</td><td>+37.5 [+37.5, +37.5]</td><td>+12.5 [+12.5, +12.5]</td>")
    expect(html).toContain("ppo (3 seeds)")
    expect(html.match(/fill-opacity="0.16"/g)!.length).toBeGreaterThanOrEqual(6)
    expect(html.match(/[\w+]+: entropy in its corridor</g)).toEqual(["ppo+epo: entropy in its corridor<"])
    expect(html).toContain("corridor [0, 1.5]·Hbar_k")
    expect(html.match(/: entropy by turn</g)).toHaveLength(2)
    expect(html).toContain("<details><summary>per run</summary>")
    expect(html).not.toMatch(/<script|<link|src=|href=/)
  })

  it.effect("a directory that is not a run is a one-line error", () =>
    Effect.gen(function* () {
      const error = yield* Runs.load(fs.mkdtempSync(path.join(os.tmpdir(), "epo-none-"))).pipe(Effect.flip)
      expect(String(error)).toMatch(/is not a run directory/)
    })
  )
})
