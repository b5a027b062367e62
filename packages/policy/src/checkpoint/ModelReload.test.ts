/** A policy saved and loaded into fresh variables computes identical outputs, and training resumes exactly. */
import { it } from "@effect/vitest"
import { Backend, Random, Tensors } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { Effect } from "effect"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect } from "vitest"
import { PolicyConfig } from "../Config.js"
import * as Evaluate from "../Evaluate.js"
import { causalMask } from "../ops/Attention.js"
import * as Params from "../Params.js"
import * as Transformer from "../Transformer.js"
import * as Household from "../tokenizer/household.js"
import * as Tokenizer from "../tokenizer/Tokenizer.js"
import * as AdamW from "../optim/AdamW.js"
import * as Checkpoint from "./Checkpoint.js"
import * as Safetensors from "./Safetensors.js"

const outputs = (vars: Params.Variables, c: PolicyConfig, prompt: Int32Array, response: Int32Array) =>
  tf.tidy(() => {
    const ids = Int32Array.from([...prompt, ...response])
    const T = ids.length
    const positions = Int32Array.from({ length: T }, (_, t) => t)
    const { hidden } = Transformer.forward(vars, c, { batch: 1, time: T, ids, positions, mask: causalMask(T) })
    const e = Evaluate.evaluate(vars, c, [{ prompt, response }], { temperature: 0.7 })
    return {
      logits: Transformer.logits(vars, hidden).dataSync(),
      logp: e.logp.dataSync(),
      entropy: e.entropy.dataSync(),
      values: e.values!.dataSync()
    }
  })

it.effect("identical logits, log-probabilities, entropies and values after reload", () =>
  Tensors.noLeaks(
    Effect.gen(function* () {
      const tokenizer = yield* Household.tokenizer
      const config: PolicyConfig = {
        vocab: tokenizer.size,
        dModel: 16,
        layers: 2,
        heads: 2,
        context: 64,
        positions: "rotary",
        valueHead: true,
        critic: "head",
        dropout: "none"
      }
      const prompt = yield* tokenizer.encodePrompt("Task: put a hot apple in fridge.\nObservation: You arrive at countertop 1.")
      const response = yield* tokenizer.encodeResponse("take apple 1 from countertop 1")
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "epo-reload-")))
      const saved = Params.init(config, Random.key(1))
      const fresh = Params.init(config, Random.key(2))
      const before = outputs(saved, config, prompt, response)
      yield* Checkpoint.save(dir, PolicyConfig, { config, weights: saved, vocabulary: tokenizer.vocabulary })
      const loaded = yield* Checkpoint.load(dir, PolicyConfig, { parameters: Params.specs, vocabularySize: (c) => c.vocab })
      expect(loaded.config).toEqual(config)
      expect(outputs(fresh, loaded.config, prompt, response).logits).not.toEqual(before.logits)
      yield* Checkpoint.restore(fresh, loaded.weights, join(dir, Checkpoint.fileNames.model))
      const after = outputs(fresh, loaded.config, prompt, response)
      for (const k of ["logits", "logp", "entropy", "values"] as const) {
        expect(new Uint8Array(after[k].buffer)).toEqual(new Uint8Array(before[k].buffer))
      }
      Params.dispose(saved)
      Params.dispose(fresh)
      yield* Effect.promise(() => rm(dir, { recursive: true, force: true }))
    })
  ).pipe(Effect.provide(Backend.cpu))
)

it.effect("AdamW state saved with the weights resumes bitwise", () =>
  Tensors.noLeaks(
    Effect.gen(function* () {
      const vocabulary = Tokenizer.build([], { name: "none", maxNumber: 0 })
      const small: PolicyConfig = {
        vocab: vocabulary.tokens.length,
        dModel: 8,
        layers: 1,
        heads: 2,
        context: 8,
        positions: "learned",
        valueHead: false,
        critic: "head",
        dropout: "none"
      }
      const vars = Params.init(small, Random.key(3))
      const opt = AdamW.adamw(Effect.runSync(AdamW.decodeConfig({})))
      const loss = () =>
        tf.variableGrads(() =>
          tf.neg(tf.sum(Evaluate.evaluate(vars, small, [{ prompt: Int32Array.from([1, 9]), response: Int32Array.from([12, 2]) }], { temperature: 1 }).logp)) as tf.Scalar
        )
      const trainStep = (state: AdamW.AdamWState) => {
        const { value, grads } = loss()
        value.dispose()
        const named = new Map(Object.entries(grads).map(([k, g]) => [[...vars].find(([, v]) => v.name === k)![0], g]))
        const next = AdamW.step(opt, vars, named, state, 0.01).state
        tf.dispose(Object.values(grads))
        return next
      }
      const state1 = trainStep(opt.init(vars))
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "epo-resume-")))
      yield* Checkpoint.save(dir, PolicyConfig, { config: small, weights: vars, vocabulary, optimizer: AdamW.toTensors(state1) })
      const loaded = yield* Checkpoint.load(dir, PolicyConfig, { parameters: Params.specs })
      const resumedVars = Params.init(small, Random.key(4))
      yield* Checkpoint.restore(resumedVars, loaded.weights, dir)
      const resumedState = yield* AdamW.fromTensors(loaded.optimizer!.step, Safetensors.toTensors(loaded.optimizer!.arrays))
      expect(resumedState.step).toBe(1)
      const state2 = trainStep(state1)
      // The same step from the reloaded weights and moments.
      const original = new Map([...vars].map(([k, v]) => [k, v.dataSync().slice()]))
      for (const [k, v] of vars) v.assign(resumedVars.get(k)!)
      const state2b = trainStep(resumedState)
      for (const [k, v] of vars) expect(v.dataSync()).toEqual(original.get(k))
      AdamW.dispose(state2)
      AdamW.dispose(state2b)
      Params.dispose(vars)
      Params.dispose(resumedVars)
      yield* Effect.promise(() => rm(dir, { recursive: true, force: true }))
    })
  ).pipe(Effect.provide(Backend.cpu))
)
