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

describe("the epo command", () => {
  it("prints help, and every error as one line with a non-zero exit code", async () => {
    const [help, badSpec, unknownCommand, badOption, missingRun] = await Promise.all([
      epo("train", "--help"),
      epo("train", "--set", "rollout.groups=0", "--set", "nope=1"),
      epo("frobnicate"),
      epo("report", "--colour", "x"),
      epo("compare", "/nonexistent/run")
    ])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("usage: epo train")
    expect(help.stdout).toContain("--preset NAME")

    expect(badSpec.code).toBe(1)
    expect(badSpec.stderr.trim().split("\n")).toHaveLength(1)
    expect(badSpec.stderr).toContain("rollout.groups")
    expect(badSpec.stderr).toContain("nope")

    expect(unknownCommand.code).toBe(2)
    expect(unknownCommand.stderr).toMatch(/^epo: unknown command "frobnicate"/)
    expect(badOption.code).toBe(2)
    expect(badOption.stderr.trim().split("\n")).toHaveLength(1)
    expect(missingRun.code).toBe(1)
    expect(missingRun.stderr.trim().split("\n")).toHaveLength(1)
    for (const r of [badSpec, unknownCommand, badOption, missingRun]) expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it("--dry-run prints the spec and says which model configuration the policy will have", async () => {
    const [fromCheckpoint, fresh, missing] = await Promise.all([
      epo("train", "--dry-run"),
      epo("train", "--dry-run", "--set", "policy.checkpoint=null", "--set", "policy.model.layers=3"),
      epo("train", "--dry-run", "--set", "policy.checkpoint=/nonexistent/checkpoint")
    ])
    expect(fromCheckpoint.code).toBe(0)
    expect(JSON.parse(fromCheckpoint.stdout).policy.checkpoint).toContain("household-bc")
    expect(fromCheckpoint.stderr).toContain("policy.model is not used")
    expect(fromCheckpoint.stderr).toContain('"dModel":64')
    expect(fresh.code).toBe(0)
    expect(fresh.stderr).toContain("fresh model")
    expect(fresh.stderr).toContain('"layers":3')
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim().split("\n")).toHaveLength(1)
    expect(missing.stderr).toContain("/nonexistent/checkpoint")
  })
})
