import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { expect, it } from "vitest"
import * as FakeRuns from "../packages/pipeline/src/testing/FakeRuns.js"

const script = (name: string, ...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, name), ...args], { timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
    )
  )

/** An experiment folder: ppo and ppo+epo, seeds 1 and 2, 2 steps, evaluated at 0 and 2. */
const experiment = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "epo-experiment-"))
  await Effect.runPromise(
    Effect.forEach([1, 2], (seed) =>
      Effect.forEach(["ppo", "ppo+epo"], (name) =>
        FakeRuns.save(path.join(root, `${name}-s${seed}`), {
          name,
          seed,
          objective: { preset: name === "ppo" ? "ppo" : "epo" },
          metrics: [0, 1].map((k) => FakeRuns.record(k, { "entropy/mean": 1 - k / 10, "entropy/reference": k === 0 ? null : 1 }, [1, 0.5])),
          evaluations: ["in", "out"].flatMap((split) => [FakeRuns.evaluation(0, split, seed, 8), FakeRuns.evaluation(2, split, seed + (name === "ppo" ? 1 : 2), 8)])
        })
      )
    )
  )
  return root
}

it("figures.ts writes every figure as a standalone SVG; experiment-summary.ts prints success, gains and paired differences with CIs", async () => {
  const root = await experiment()
  const out = path.join(root, "figures")
  const [figures, summary] = await Promise.all([script("figures.ts", root, out), script("experiment-summary.ts", root)])
  expect(figures.code).toBe(0)
  expect(fs.readdirSync(out).sort()).toEqual([
    "corridor-ppo+epo.svg",
    "entropy-by-turn.svg",
    "entropy.svg",
    "heatmap-ppo+epo.svg",
    "heatmap-ppo.svg",
    "success-in.svg",
    "success-out.svg"
  ])
  for (const f of fs.readdirSync(out)) expect(fs.readFileSync(path.join(out, f), "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*><rect width="100%" height="100%" fill="#fff"\/>.*<\/svg>\n$/s)

  expect(summary.code).toBe(0)
  const lines = summary.stdout.split("\n")
  // per seed: start 1/8, 2/8; ppo ends at 2/8, 3/8 and ppo+epo at 3/8, 4/8
  expect(lines).toContain("| ppo+epo | 2 | 18.8 [12.5, 25.0] | 43.8 [37.5, 50.0] | 43.8 [37.5, 50.0] | 43.8 [23.1, 66.8] of 16 |")
  expect(lines).toContain("| ppo+epo | +25.0 [+25.0, +25.0] | +25.0 [+25.0, +25.0] |")
  expect(lines).toContain("| ppo+epo | ppo | 1,2 | 0.0 [0.0, 0.0] | +12.5 [+12.5, +12.5] | +12.5 [+12.5, +12.5] |")
})
