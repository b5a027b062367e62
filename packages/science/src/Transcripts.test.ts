import { describe, expect, it } from "vitest"
import { version1Tasks } from "./Tasks.js"
import { readTranscripts, replay, transcriptFiles } from "./Transcripts.js"

const version1 = transcriptFiles.flatMap((file) =>
  readTranscripts(file)
    .filter((t) => version1Tasks.includes(t.task))
    .map((t, i) => ({ file, name: `${file} #${i} ${t.task} v${t.variation} "${t.simplifications}"${t.note === undefined ? "" : ` (${t.note})`}`, t }))
)

describe("replay of the reference transcripts (version-1 tasks)", () => {
  it("covers every version-1 transcript: all of gold_easy's 14 tasks, 5 runs without simplifications, 4 scripted", () => {
    expect(version1.map((x) => x.file)).toEqual([...Array(14).fill("gold_easy_v0.jsonl"), ...Array(5).fill("gold_none_v0.jsonl"), ...Array(4).fill("scripted.jsonl")])
  })

  for (const { name, t } of version1) {
    it(name, () => {
      const r = replay(t)
      expect(r.mismatches).toEqual([])
      expect(r.matchingSteps).toBe(t.steps.length)
    })
  }
})
