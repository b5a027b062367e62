import { describe, expect, it } from "vitest"
import { implementedTasks } from "./Tasks.js"
import { readTranscripts, replay, transcriptFiles } from "./Transcripts.js"

const implemented = transcriptFiles.flatMap((file) =>
  readTranscripts(file)
    .filter((t) => implementedTasks.includes(t.task))
    .map((t, i) => ({ file, name: `${file} #${i} ${t.task} v${t.variation} "${t.simplifications}"${t.note === undefined ? "" : ` (${t.note})`}`, t }))
)

describe("replay of the reference transcripts (implemented tasks)", () => {
  it("covers every transcript of the implemented tasks: gold_easy's 14 version-1 and 10 version-2 tasks, 6 runs without simplifications, 6 scripted", () => {
    expect(implemented.map((x) => x.file)).toEqual([...Array(24).fill("gold_easy_v0.jsonl"), ...Array(6).fill("gold_none_v0.jsonl"), ...Array(6).fill("scripted.jsonl")])
  })

  for (const { name, t } of implemented) {
    it(name, () => {
      const r = replay(t)
      expect(r.mismatches).toEqual([])
      expect(r.matchingSteps).toBe(t.steps.length)
    })
  }
})
