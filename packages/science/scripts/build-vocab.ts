/**
 * Builds packages/science/src/data/science-vocab.json, the word vocabulary of policies
 * trained from scratch on the science environment (the counterpart of @epo/policy's
 * household vocabulary). Run from the repository root after changing the engine's texts:
 *
 *   npx tsx packages/science/scripts/build-vocab.ts
 *
 * Its words come from what the engine says and what prompts show: EPO's prompt templates
 * and the compact prompt, the object catalogue (names, referents, descriptions), every
 * transcript's observations, and played episodes (the gold agent, then random valid
 * actions) on a fixed sample of every version-1 task's variations: their observations,
 * valid actions, possible objects and task descriptions. (Still the version-1 tasks
 * only: the shipped science checkpoint, Pretrained.scienceGenerate, was trained over this
 * 1,750-token vocabulary, so rebuilding it over the version-2 tasks too, which gives 1,800
 * tokens (words such as 'gaseous', 'broken', 'cashews', 'Violet'), means rebuilding that
 * checkpoint as well.) The tab and the books'
 * typographic characters are added as tokens so that every text of the engine encodes
 * (the books' words are left to the character fallback).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Tokenizer } from "@epo/policy"
import { Data, Prompt, ScienceWorld, solvers, Tasks, transcriptFiles, readTranscripts } from "@epo/science"

const out = "packages/science/src/data/science-vocab.json"
const texts: Array<string> = []
const dropPlaceholders = (s: string) => s.replace(/\{\{|\}\}/g, " ").replace(/\{[^}]*\}/g, " ")

texts.push(dropPlaceholders(Prompt.Epo.templateNoHistory), dropPlaceholders(Prompt.Epo.templateWithHistory))
texts.push("Task: Previous: | Observation: Objects: , Action:", "<think>...</think><action>...</action>", "[Step 1, Observation 1: 'x', Action 1: 'y']")
texts.push(Prompt.Epo.availableActions(["a"], ["b"]))

for (const line of readFileSync(join(Data.dataDir(), "object_catalog.jsonl"), "utf8").split("\n")) {
  if (line.trim().length === 0) continue
  const o = JSON.parse(line) as { name: string; referents: Array<string>; descCursory: string; descDetailed: string }
  texts.push(o.name ?? "", ...(o.referents ?? []), o.descCursory ?? "", o.descDetailed ?? "")
}
for (const file of transcriptFiles)
  for (const t of readTranscripts(file)) texts.push(t.taskDescription, t.resetObservation, ...t.steps.flatMap((s) => [s.action, s.observation]))

// A small deterministic generator for the random actions.
let seed = 12345
const random = (n: number) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
  return seed % n
}
for (const task of Tasks.version1Tasks) {
  const n = Tasks.taskInfo(task).numVariations
  for (let v = 0; v < n; v += Math.max(1, Math.floor(n / 12))) {
    const env = new ScienceWorld(task, v, { simplifications: "easy" })
    const collect = () => texts.push(...env.validActions(), ...env.possibleObjects(), ...env.possibleActions())
    texts.push(env.reset().observation, env.taskDescription())
    collect()
    for (const c of solvers[task](env)) {
      texts.push(env.step(c).observation)
      collect()
    }
    env.reset()
    for (let i = 0; i < 40; i++) {
      const valid = env.validActions()
      const r = env.step(valid[random(valid.length)])
      texts.push(r.observation)
      if (r.done) break
    }
    collect()
  }
}

const vocab = Tokenizer.build(texts, { name: "science", maxNumber: 100 })
const extra = ["\t", "\u2018", "\u2019", "\u201c", "\u201d", "\u2014"].filter((t) => !vocab.tokens.includes(t))
const file = { ...vocab, tokens: [...vocab.tokens, ...extra] }
writeFileSync(out, JSON.stringify(file, null, 1) + "\n")
console.log(JSON.stringify({ out, tokens: file.tokens.length, texts: texts.length }))
