import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as FakeRuns from "../testing/FakeRuns.js"

const bin = path.join(import.meta.dirname, "..", "..", "bin", "epo.mjs")

const compare = (...args: Array<string>) =>
  new Promise<{ code: number; stdout: string }>((resolve) =>
    execFile(process.execPath, [bin, "compare", ...args], { timeout: 60_000 }, (error, stdout) => resolve({ code: error === null ? 0 : Number(error.code), stdout }))
  )

describe("epo compare", () => {
  it("with several seeds of a method, adds a table per split by method with bootstrap intervals", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "epo-compare-"))
    const dirs = await Effect.runPromise(
      Effect.forEach([1, 2], (seed) =>
        Effect.forEach(["ppo", "ppo+epo"], (name) => {
          const dir = path.join(root, `${name}-s${seed}`)
          const bonus = name === "ppo" ? 0 : 1
          return Effect.as(
            FakeRuns.save(dir, { name, seed, evaluations: [FakeRuns.evaluation(0, "eval", seed, 8), FakeRuns.evaluation(4, "eval", seed + 2 + bonus, 8)] }),
            dir
          )
        })
      )
    )
    const [several, one, json] = await Promise.all([compare(...dirs.flat()), compare(dirs[0][0]), compare(dirs[0][0], dirs[0][1], "--json")])
    expect(several.code).toBe(0)
    const lines = several.stdout.split("\n")
    expect(lines).toContain("eval by method: mean over seeds [95% bootstrap interval]")
    // start 1/8 and 2/8, final 4/8 and 5/8 against 3/8 and 4/8: +12.5 points on both seeds
    expect(lines.find((l) => /^ppo\+epo\s+1,2/.test(l))).toMatch(/ppo\+epo\s+1,2\s+ppo\s+4\s+18\.8 \[12\.5, 25\.0\]\s+56\.3 \[50\.0, 62\.5\]\s+\+37\.5 \[\+37\.5, \+37\.5\]\s+\+12\.5 \[\+12\.5, \+12\.5\]/)
    expect(one.code).toBe(0)
    expect(one.stdout).not.toContain("by method")
    // --json: one object per run, rates as numbers between 0 and 1 (seed 1: ppo 1/8 then 3/8, ppo+epo 1/8 then 4/8).
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject([
      { seed: 1, status: "completed", success: { eval: { final: 0.375, best: 0.375 } } },
      { seed: 1, status: "completed", success: { eval: { final: 0.5, best: 0.5 } } }
    ])
  })
})
