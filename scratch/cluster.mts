import * as fs from "node:fs"; import * as os from "node:os"; import * as path from "node:path"
import { spawn } from "node:child_process"
import { Effect } from "effect"
import * as Spec from "../packages/pipeline/src/Spec.ts"
import * as Train from "../packages/pipeline/src/Train.ts"
import * as Postgres from "../packages/pipeline/src/testing/Postgres.ts"
import { grpoEpo } from "../packages/pipeline/src/testing/TinySpecs.ts"
const t0 = performance.now(); const at = () => ((performance.now() - t0) / 1000).toFixed(1)
await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
  const { url } = yield* Postgres.server
  console.log(at(), "pg", url)
  const runners = [34501, 34502].map((port) => { const c = spawn("node", ["packages/pipeline/bin/epo.mjs", "worker", "--cluster", url, "--port", String(port)], { stdio: ["ignore", "inherit", "inherit"] }); return c })
  yield* Effect.addFinalizer(() => Effect.sync(() => runners.forEach((r) => r.kill("SIGKILL"))))
  const spec = yield* Spec.decode({ ...grpoEpo, totalSteps: 2, rollout: { ...grpoEpo.rollout, groups: 4, shards: 2, workers: { kind: "cluster", url } }, evaluation: { ...grpoEpo.evaluation, every: 0, atStart: false } })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "c-"))
  yield* Train.run({ spec, dir, onEvent: (e) => console.log(at(), e._tag, e._tag === "Step" ? JSON.stringify(e.record.values["reward/mean"]) + JSON.stringify(e.record.timings) : "") })
  console.log(at(), fs.readFileSync(path.join(dir, "metrics.jsonl"), "utf8").length)
})))
