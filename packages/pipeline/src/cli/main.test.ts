import { execFile } from "node:child_process"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const bin = path.join(import.meta.dirname, "..", "..", "bin", "epo.mjs")

const epo = (...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    )
  )

/** A failure reported as one line of stderr, with the exit code and no stack trace. */
const expectOneLineError = (r: { code: number; stderr: string }, code: number) => {
  expect(r.code).toBe(code)
  expect(r.stderr.trim().split("\n")).toHaveLength(1)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

describe("the epo command", () => {
  it("prints help, and every error as one line with a non-zero exit code", async () => {
    const [help, badSpec, unknownCommand, badOption, missingRun, badBudget, resumeWithSet, allowWithoutResume] = await Promise.all([
      epo("train", "--help"),
      epo("train", "--set", "rollout.groups=0", "--set", "nope=1"),
      epo("frobnicate"),
      epo("report", "--colour", "x"),
      epo("compare", "/nonexistent/run"),
      epo("train", "--time-budget", "soon"),
      epo("train", "--resume", "/nonexistent/run", "--set", "seed=1"),
      epo("train", "--allow-spec-change")
    ])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("usage: epo train")
    expect(help.stdout).toContain("--preset NAME")

    expectOneLineError(badSpec, 1)
    expect(badSpec.stderr).toContain("rollout.groups")
    expect(badSpec.stderr).toContain("nope")

    expect(unknownCommand.code).toBe(2)
    expect(unknownCommand.stderr).toMatch(/^epo: unknown command "frobnicate"/)
    expect(unknownCommand.stderr).not.toMatch(/\n\s+at /)
    expectOneLineError(badOption, 2)
    expectOneLineError(missingRun, 1)
    // Usage mistakes found after parsing exit with 2 as well.
    expectOneLineError(badBudget, 2)
    expect(badBudget.stderr).toContain("--time-budget")
    expectOneLineError(resumeWithSet, 2)
    expectOneLineError(allowWithoutResume, 2)
  })

  it("--dry-run prints the spec and says which model configuration the policy will have", async () => {
    const [fromCheckpoint, fresh, missing] = await Promise.all([
      epo("train", "--dry-run"),
      epo("train", "--dry-run", "--set", "policy.checkpoint=null", "--set", "policy.model.layers=3"),
      epo("train", "--dry-run", "--set", "policy.checkpoint=/nonexistent/checkpoint")
    ])
    expect(fromCheckpoint.code).toBe(0)
    expect(JSON.parse(fromCheckpoint.stdout).policy.checkpoint).toContain("household-generate")
    expect(fromCheckpoint.stderr).toContain("policy.model is not used")
    expect(fromCheckpoint.stderr).toContain('"dModel":64')
    expect(fresh.code).toBe(0)
    expect(fresh.stderr).toContain("fresh model")
    expect(fresh.stderr).toContain('"layers":3')
    expectOneLineError(missing, 1)
    expect(missing.stderr).toContain("/nonexistent/checkpoint")
  })
})
