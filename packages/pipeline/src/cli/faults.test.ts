/**
 * Faults seen from outside, with real processes: Ctrl-C once and twice, SIGTERM, and a
 * second writer while a run trains (readers go on: eval, report, compare). Tiny corridor runs on the cpu backend.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { loadCheckpoint } from "../train/Model.js"
import { Transcript } from "../runs/Records.js"
import * as Runs from "../runs/Runs.js"
import * as RunStore from "../runs/RunStore.js"
import { grpoEpo } from "../testing/TinySpecs.js"

const bin = path.join(import.meta.dirname, "..", "..", "bin", "epo.mjs")

/** A run long enough to be caught mid-way: 100 steps, checkpoints every 50 (and at step 0). */
const long = { ...grpoEpo, totalSteps: 100, evaluation: { ...grpoEpo.evaluation, every: 0, games: 1 }, checkpoints: { every: 50, keep: 2 } }

const setup = () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "epo-faults-"))
  const spec = path.join(root, "spec.json")
  fs.writeFileSync(spec, JSON.stringify(long))
  return { spec, dir: path.join(root, "run") }
}

interface Finished {
  readonly code: number | null
  readonly stderr: string
}

const start = (...args: Array<string>): { readonly child: ChildProcess; readonly done: Promise<Finished> } => {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] })
  let stderr = ""
  child.stderr!.on("data", (d) => (stderr += String(d)))
  const done = new Promise<Finished>((resolve) => child.on("close", (code) => resolve({ code, stderr })))
  return { child, done }
}

const epo = (...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    )
  )

const metricLines = (dir: string): number => {
  try {
    return fs.readFileSync(path.join(dir, "metrics.jsonl"), "utf8").split("\n").filter((l) => l !== "").length
  } catch {
    return 0
  }
}

/** Waits until the run has recorded `lines` update steps. */
const stepsRecorded = async (dir: string, lines: number) => {
  for (let i = 0; i < 1200 && metricLines(dir) < lines; i++) await new Promise((r) => setTimeout(r, 50))
  expect(metricLines(dir)).toBeGreaterThanOrEqual(lines)
}

/** Every file of the run reads back, its latest checkpoint verifies and loads, and nobody holds its lock. */
const intact = async (dir: string) => {
  const run = await Effect.runPromise(Runs.load(dir))
  const latest = await Effect.runPromise(RunStore.make(dir).latestCheckpoint)
  expect(latest._tag).toBe("Some")
  if (latest._tag === "Some") {
    await Effect.runPromise(loadCheckpoint(latest.value.path))
    expect(run.manifest.completedSteps).toBe(latest.value.step)
  }
  expect(run.metrics.map((m) => m.step)).toEqual(Array.from({ length: run.metrics.length }, (_, i) => i))
  expect(fs.existsSync(path.join(dir, "lock"))).toBe(false)
  return run
}

describe("faults from outside the process", () => {
  it("one Ctrl-C finishes the update step, checkpoints, marks the run interrupted and exits 130", async () => {
    const { spec, dir } = setup()
    const run = start("train", spec, "--out", dir)
    await stepsRecorded(dir, 1)
    const seen = metricLines(dir)
    run.child.kill("SIGINT")
    const { code, stderr } = await run.done
    expect(code).toBe(130)
    expect(stderr).toContain(`resume with: npx epo train --resume ${dir}`)
    // stderr is not a terminal: one progress line per finished step. After the signal was
    // seen, only the step then in progress finished.
    const lines = stderr.split("\n")
    const seenAt = lines.findIndex((l) => l.includes("SIGINT: stopping after this update step"))
    expect(seenAt).toBeGreaterThan(0)
    const progress = (from: number, to: number) => lines.slice(from, to).filter((l) => /^\[[#-]+\] \d+\/100/.test(l))
    expect(progress(seenAt, lines.length).length).toBeLessThanOrEqual(1)
    // ... and the signal was seen during the step in progress when it was sent (a step's
    // metrics line is written just before its progress line).
    expect(progress(0, seenAt).length).toBeLessThanOrEqual(seen + 1)
    const stopped = await intact(dir)
    expect(stopped.manifest.status).toBe("interrupted")
    expect(stopped.manifest.completedSteps).toBeLessThan(100)
    expect(stopped.metrics).toHaveLength(stopped.manifest.completedSteps)
    expect(progress(0, lines.length).at(-1)).toContain(`${stopped.manifest.completedSteps}/100`)
  })

  it("a second stop signal exits at once, leaving every written file valid and the run marked interrupted", async () => {
    const { spec, dir } = setup()
    const run = start("train", spec, "--out", dir)
    await stepsRecorded(dir, 1)
    // Two different signals, so that the kernel cannot merge them into one while pending
    // (which of the two the process handles first varies).
    run.child.kill("SIGINT")
    run.child.kill("SIGTERM")
    const { code, stderr } = await run.done
    expect(code).toBe(130)
    expect(stderr).toMatch(/SIG(INT|TERM): stopping after this update step[^]*SIG(INT|TERM), a second stop signal: exiting now/)
    const stopped = await intact(dir)
    expect(stopped.manifest.status).toBe("interrupted")
  })

  it("a second writer fails with one line while the first trains; readers go on; SIGTERM stops the writer", async () => {
    const { spec, dir } = setup()
    const writer = start("train", spec, "--out", dir)
    await stepsRecorded(dir, 1)
    const page = path.join(path.dirname(dir), "report.html")
    const transcripts = path.join(path.dirname(dir), "transcripts.jsonl")
    const [second, compared, reported, evaluated] = await Promise.all([
      epo("train", "--resume", dir),
      epo("compare", dir, "--json"),
      epo("report", dir, "--out", page),
      epo("eval", dir, "--latest", "--games", "2", "--set", "environment.maxTurns=1", "--transcripts", transcripts)
    ])
    expect(reported).toMatchObject({ code: 0, stdout: `${page}\n` })
    expect(evaluated.code).toBe(0)
    expect(evaluated.stdout).toMatch(/^split\s+episodes\s+success/)
    // Every episode of the table, whole: the success column is the share of won transcripts.
    const episodes = fs.readFileSync(transcripts, "utf8").trimEnd().split("\n").map((line) => Schema.decodeUnknownSync(Transcript)(JSON.parse(line)))
    expect(episodes.map((e) => e.split)).toEqual(["eval", "eval"])
    const won = episodes.filter((e) => e.won).length
    expect(evaluated.stdout).toMatch(new RegExp(`\\beval\\s+2\\s+${(50 * won).toFixed(1)}%`))
    for (const e of episodes) {
      expect(e.turns.length).toBeGreaterThan(0)
      expect(e.turns.length).toBe(1) // --set environment.maxTurns=1, not the run's 3
      expect(e.turns.slice(0, -1).every((t) => !t.done)).toBe(true)
      if (e.won) expect(e.turns.at(-1)!.done).toBe(true)
    }
    expect(second.code).toBe(1)
    expect(second.stderr.trim().split("\n")).toHaveLength(1)
    expect(second.stderr).toContain(`is being written by process ${writer.child.pid}`)
    expect(compared.code).toBe(0)
    const [row] = JSON.parse(compared.stdout) as Array<{ status: string; completedSteps: number; totalSteps: number; seed: number; trainSeconds: number }>
    expect(row).toMatchObject({ status: "running", totalSteps: 100, seed: long.seed })
    expect(typeof row.trainSeconds).toBe("number")

    writer.child.kill("SIGTERM")
    const { code, stderr } = await writer.done
    expect(code).toBe(130)
    expect(stderr).toContain("SIGTERM: stopping after this update step")
    const stopped = await intact(dir)
    expect(stopped.status).toBe("interrupted")
  })
})
