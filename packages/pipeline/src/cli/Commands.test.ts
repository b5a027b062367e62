import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { it } from "@effect/vitest"
import { Effect } from "effect"
import { expect } from "vitest"
import { freshRunDir } from "./Commands.js"

it.effect("runs started in the same second get folders of their own", () =>
  Effect.gen(function* () {
    const parent = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "epo-dirs-")), "runs")
    const now = new Date("2026-03-04T05:06:07.000Z")
    const dirs = [yield* freshRunDir({ name: "a b", seed: 3 }, parent, now), yield* freshRunDir({ name: "a b", seed: 3 }, parent, now), yield* freshRunDir({ name: "a b", seed: 3 }, parent, now)]
    expect(dirs.map((d) => path.basename(d))).toEqual(["a-b-s3-20260304-050607", "a-b-s3-20260304-050607-2", "a-b-s3-20260304-050607-3"])
    for (const d of dirs) expect(fs.statSync(d).isDirectory()).toBe(true)
  })
)
