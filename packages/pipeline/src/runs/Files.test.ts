import * as fs from "node:fs"
import { it } from "@effect/vitest"
import { Effect } from "effect"
import { expect } from "vitest"
import { attempt } from "./Files.js"

// /dev/full answers every write with ENOSPC, as a full disk does (Linux).
it.effect.skipIf(!fs.existsSync("/dev/full"))("a full disk reads as one line: 'no space left on device' and the file", () =>
  Effect.gen(function* () {
    const error = yield* attempt("/dev/full", () => fs.writeFileSync("/dev/full", "metrics\n")).pipe(Effect.flip)
    expect(String(error)).toBe("run store: /dev/full: no space left on device")
  })
)
