import { it } from "@effect/vitest"
import { Backend, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect, Schema } from "effect"
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect } from "vitest"
import * as Household from "../tokenizer/household.js"
import * as Tokenizer from "../tokenizer/Tokenizer.js"
import * as Checkpoint from "./Checkpoint.js"
import * as Files from "./Files.js"
import * as Safetensors from "./Safetensors.js"

// A stand-in model configuration: an embedding table and a bias over the vocabulary.
const TinyConfig = Schema.Struct({ vocab: Schema.Int, width: Schema.Int })
type TinyConfig = typeof TinyConfig.Type
const parameters = (c: TinyConfig) => [
  { name: "embed.weight", shape: [c.vocab, c.width] },
  { name: "head.bias", shape: [c.vocab] }
]
const options: Checkpoint.LoadOptions<TinyConfig> = { parameters, vocabularySize: (c) => c.vocab }

const vocabulary = Tokenizer.build(["go to cabinet 1"], { name: "tiny", maxNumber: 2 })
const config: TinyConfig = { vocab: vocabulary.tokens.length, width: 3 }

const root = await mkdtemp(join(tmpdir(), "epo-checkpoint-"))
afterAll(() => rm(root, { recursive: true, force: true }))
let dirs = 0
const freshDir = () => join(root, `c${dirs++}`)

const ramp = (n: number, scale: number) => Float32Array.from({ length: n }, (_, i) => scale * (i - n / 2))

/** Saves a checkpoint of host arrays (as tensors, freed after). */
const saveArrays = (dir: string, weights: Safetensors.NamedArrays, optimizer?: { step: number; arrays: Safetensors.NamedArrays }) =>
  Effect.acquireUseRelease(
    Effect.sync(() => ({ w: Safetensors.toTensors(weights), o: optimizer && Safetensors.toTensors(optimizer.arrays) })),
    ({ w, o }) =>
      Checkpoint.save(dir, TinyConfig, {
        config,
        weights: w,
        vocabulary,
        ...(o && optimizer ? { optimizer: { step: optimizer.step, tensors: o } } : {})
      }),
    ({ w, o }) => Effect.sync(() => tf.dispose([...w.values(), ...(o?.values() ?? [])]))
  )

const weights: Safetensors.NamedArrays = {
  "embed.weight": { dtype: "F32", shape: [config.vocab, 3], data: ramp(config.vocab * 3, 0.01) },
  "head.bias": { dtype: "F32", shape: [config.vocab], data: ramp(config.vocab, -0.5) }
}
const moments: Safetensors.NamedArrays = {
  "m.head.bias": { dtype: "F32", shape: [config.vocab], data: ramp(config.vocab, 1e-3) },
  "v.head.bias": { dtype: "F32", shape: [config.vocab], data: ramp(config.vocab, 1e-6) }
}

const loadError = (dir: string) => Checkpoint.load(dir, TinyConfig, options).pipe(Effect.flip, Effect.map(String))

describe("Checkpoint", () => {
  it.effect("saves and loads weights, config, vocabulary and optimiser state", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      yield* saveArrays(dir, weights, { step: 12, arrays: moments })
      expect((yield* Effect.promise(() => readdir(dir))).sort()).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "vocab.json"])
      const loaded = yield* Checkpoint.load(dir, TinyConfig, options)
      expect(loaded.config).toEqual(config)
      expect(loaded.vocabulary).toEqual(vocabulary)
      expect(loaded.weights).toEqual(weights)
      expect(loaded.optimizer).toEqual({ step: 12, arrays: moments })
      // Saving weights only removes the stale optimiser file.
      yield* saveArrays(dir, weights)
      expect((yield* Checkpoint.load(dir, TinyConfig, options)).optimizer).toBeUndefined()
    }).pipe(Effect.provide(Backend.cpu))
  )

  it.effect("the saved vocabulary gives the same tokenizer back", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      const household = yield* Household.vocabulary
      const tensors = { "head.bias": tf.zeros([household.tokens.length]) }
      yield* Checkpoint.save(dir, TinyConfig, { config: { vocab: household.tokens.length, width: 1 }, weights: tensors, vocabulary: household })
      tf.dispose(Object.values(tensors))
      const loaded = yield* Checkpoint.load(dir, TinyConfig)
      const a = Tokenizer.make(household)
      const b = Tokenizer.make(loaded.vocabulary)
      const text = "You arrive at cabinet 3. The cabinet 3 is closed."
      expect([...b.encodeSync(text)]).toEqual([...a.encodeSync(text)])
    }).pipe(Effect.provide(Backend.cpu))
  )

  it.effect("a checkpoint that does not match its configuration is a typed error naming the file and the tensor", () =>
    Effect.gen(function* () {
      const model = (dir: string) => join(dir, "model.safetensors")
      const bad = async (dir: string, ws: Safetensors.NamedArrays) => writeFile(model(dir), Safetensors.serialize(ws))

      const dir = freshDir()
      yield* saveArrays(dir, weights)
      const { "head.bias": _, ...withoutBias } = weights
      yield* Effect.promise(() => bad(dir, withoutBias))
      expect(yield* loadError(dir)).toBe(`checkpoint ${model(dir)} (head.bias): missing: the configuration has this parameter`)

      yield* Effect.promise(() => bad(dir, { ...weights, "head.bias": { dtype: "F32", shape: [2], data: new Float32Array(2) } }))
      expect(yield* loadError(dir)).toBe(
        `checkpoint ${model(dir)} (head.bias): shape [2] does not match the configuration's [${config.vocab}]`
      )

      const ints = { dtype: "I32" as const, shape: [config.vocab], data: new Int32Array(config.vocab) }
      yield* Effect.promise(() => bad(dir, { ...weights, "head.bias": ints }))
      expect(yield* loadError(dir)).toBe(`checkpoint ${model(dir)} (head.bias): dtype I32, expected F32`)

      yield* Effect.promise(() => bad(dir, { ...weights, extra: ints }))
      expect(yield* loadError(dir)).toBe(`checkpoint ${model(dir)} (extra): not a parameter of the configuration`)

      const bytes = Safetensors.serialize(weights)
      yield* Effect.promise(() => writeFile(model(dir), bytes.subarray(0, bytes.length - 1)))
      expect(yield* loadError(dir)).toMatch(/^checkpoint .*model\.safetensors \(head\.bias\): data_offsets \[\d+, \d+\] out of range/)
    }).pipe(Effect.provide(Backend.cpu))
  )

  it.effect("non-finite weights or optimiser moments are a typed error naming the file and the tensor", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      yield* saveArrays(dir, weights, { step: 1, arrays: moments })
      const model = join(dir, "model.safetensors")
      const nan = Float32Array.from(weights["head.bias"].data)
      nan[2] = Number.NaN
      yield* Effect.promise(() => writeFile(model, Safetensors.serialize({ ...weights, "head.bias": { dtype: "F32", shape: [config.vocab], data: nan } })))
      expect(yield* loadError(dir)).toBe(`checkpoint ${model} (head.bias): holds a non-finite value (NaN at flat index 2)`)

      yield* Effect.promise(() => writeFile(model, Safetensors.serialize(weights)))
      const optimizer = join(dir, "optimizer.safetensors")
      const inf = Float32Array.from(moments["v.head.bias"].data).fill(Number.POSITIVE_INFINITY, 1, 2)
      yield* Effect.promise(() => writeFile(optimizer, Safetensors.serialize({ ...moments, "v.head.bias": { dtype: "F32", shape: [config.vocab], data: inf } }, { step: "1" })))
      expect(yield* loadError(dir)).toBe(`checkpoint ${optimizer} (v.head.bias): holds a non-finite value (Infinity at flat index 1)`)
    }).pipe(Effect.provide(Backend.cpu))
  )

  it.effect("bad JSON files are typed errors naming the file and the field", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      yield* saveArrays(dir, weights, { step: 1, arrays: moments })
      const configPath = join(dir, "config.json")
      yield* Effect.promise(() => writeFile(configPath, JSON.stringify({ vocab: "many", width: 3 })))
      const configError = yield* loadError(dir)
      expect(configError).toMatch(new RegExp(`^checkpoint ${configPath}: .*vocab`, "s"))

      yield* Effect.promise(() => writeFile(configPath, JSON.stringify({ vocab: config.vocab + 1, width: 3 })))
      expect(yield* loadError(dir)).toBe(
        `checkpoint ${join(dir, "vocab.json")} (tokens): ${config.vocab} tokens, the configuration says ${config.vocab + 1}`
      )

      yield* Effect.promise(() => writeFile(configPath, "{ not json"))
      expect(yield* loadError(dir)).toMatch(/config\.json: not valid JSON/)

      yield* Effect.promise(() => writeFile(configPath, JSON.stringify(config)))
      const vocabPath = join(dir, "vocab.json")
      yield* Effect.promise(() => writeFile(vocabPath, JSON.stringify({ ...vocabulary, tokens: vocabulary.tokens.slice(1) })))
      expect(yield* loadError(dir)).toBe(`checkpoint ${vocabPath}: tokens[0] must be "<pad>", got "<bos>"`)

      yield* Effect.promise(() => writeFile(vocabPath, JSON.stringify(vocabulary)))
      const optimizerPath = join(dir, "optimizer.safetensors")
      yield* Effect.promise(() => writeFile(optimizerPath, Safetensors.serialize(moments, { step: "-3" })))
      expect(yield* loadError(dir)).toBe(`checkpoint ${optimizerPath} (__metadata__.step): must be a non-negative integer string, got "-3"`)

      expect(yield* loadError(join(root, "nowhere"))).toMatch(/^checkpoint .*nowhere\/config\.json: cannot read: ENOENT/)
    }).pipe(Effect.provide(Backend.cpu))
  )

  it.effect("restore assigns matching arrays to variables, and nothing when one does not match", () =>
    Tensors.noLeaks(
      Effect.gen(function* () {
        const vars = new Map([
          ["embed.weight", tf.tidy(() => tf.variable(tf.zeros([config.vocab, 3])))],
          ["head.bias", tf.tidy(() => tf.variable(tf.zeros([config.vocab])))]
        ])
        const wrong = { ...weights, "head.bias": { dtype: "F32" as const, shape: [1], data: new Float32Array(1) } }
        const error = yield* Effect.flip(Checkpoint.restore(vars, wrong, "w.safetensors"))
        expect(String(error)).toBe(`checkpoint w.safetensors (head.bias): shape [1] does not match the configuration's [${config.vocab}]`)
        expect(vars.get("embed.weight")!.dataSync().every((x) => x === 0)).toBe(true)
        yield* Checkpoint.restore(vars, weights, "w.safetensors")
        expect(vars.get("embed.weight")!.dataSync()).toEqual(weights["embed.weight"].data)
        expect(vars.get("head.bias")!.dataSync()).toEqual(weights["head.bias"].data)
        for (const v of vars.values()) v.dispose()
      })
    ).pipe(Effect.provide(Backend.cpu))
  )

  it.effect("writes are atomic: no temporary file is left, and a failed write is an error naming the file", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      const path = join(dir, "x.json")
      yield* Files.writeJson(path, TinyConfig, config)
      yield* Files.writeJson(path, TinyConfig, { vocab: 1, width: 2 })
      expect(yield* Effect.promise(() => readdir(dir))).toEqual(["x.json"])
      expect(JSON.parse(yield* Effect.promise(() => readFile(path, "utf8")))).toEqual({ vocab: 1, width: 2 })
      const error = yield* Effect.flip(Files.writeAtomic(join(path, "under-a-file"), new Uint8Array(1)))
      expect(String(error)).toMatch(/^checkpoint .*x\.json\/under-a-file: cannot write: /)
      expect(yield* Effect.promise(() => readdir(dir))).toEqual(["x.json"])
    })
  )
})
