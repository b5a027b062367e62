/**
 * A digest of the engine's behaviour, to check that a change meant to be exact (a speed-up)
 * is: episodes of random valid actions (one command in five an off-list "look at" of a
 * referent's last two words) on every version-1 task, over train, dev and test
 * variations, recording each step's command, observation, score, reward, done, moves and
 * completion, the valid-action list, the look and the inventory. Run it at two revisions
 * and compare the digests; the per-task digests say where they differ.
 *
 *   node scripts/bundled.mjs packages/science/bench/trace.ts [--seeds 11,12,13] [--per-task 15]
 */
import { createHash } from "node:crypto"
import { Random } from "@epo/core"
import { ScienceWorld, Tasks } from "@epo/science"

const flag = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}
const seeds = flag("--seeds", "11,12,13").split(",").map(Number)
const perTask = Number(flag("--per-task", "15"))

const all = createHash("sha256")
const perTaskDigest: Record<string, ReturnType<typeof createHash>> = {}
let episodes = 0
let steps = 0
for (const seed of seeds) {
  const rng = Random.Stream.fromSeed(seed)
  for (const task of Tasks.version1Tasks) {
    const split = Tasks.splitOf(Tasks.taskInfo(task).numVariations)
    const pool = [...split.train, ...split.dev, ...split.test]
    const h = (perTaskDigest[task] ??= createHash("sha256"))
    for (let e = 0; e < perTask; e++) {
      const variation = pool[rng.int(pool.length)]
      const env = new ScienceWorld(task, variation, { simplifications: "easy" })
      const record = (s: string) => {
        h.update(s)
        all.update(s)
      }
      record(`${task} ${variation}\n${JSON.stringify(env.reset())}`)
      for (let s = 0; s < 100; s++) {
        const valid = env.validActions()
        const command = rng.int(5) === 0 ? `look at ${valid[rng.int(valid.length)].split(" ").slice(-2).join(" ")}` : valid[rng.int(valid.length)]
        const result = env.step(command)
        record(`${valid.join("|")}\n${command}\n${JSON.stringify(result)}\n${env.look()}\n${env.inventory()}`)
        steps++
        if (result.done) break
      }
      episodes++
    }
  }
}
console.log(
  JSON.stringify(
    {
      bench: "science-trace",
      seeds,
      episodes,
      steps,
      digest: all.digest("hex").slice(0, 16),
      tasks: Object.fromEntries(Object.entries(perTaskDigest).map(([t, h]) => [t, h.digest("hex").slice(0, 16)]))
    },
    null,
    2
  )
)
