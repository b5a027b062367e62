/**
 * The model's parameters as named `tf.Variable`s. Names are stable and framework-neutral
 * ("blocks.0.attn.qkv.weight") so checkpoints can save and load them; matrices are stored
 * `[in, out]` (the layer computes `x @ W`), the transpose of torch's `nn.Linear` layout.
 * Initialisation is a pure function of a Random key: N(0, 0.02) for matrices and tables
 * (GPT-2), ones for LayerNorm gains, zeros for biases.
 */
import { Random } from "@epo/core"
import * as tf from "@tensorflow/tfjs"
import { type PolicyConfig } from "./Config.js"

export type Init = "normal" | "ones" | "zeros"

export interface ParameterSpec {
  readonly name: string
  readonly shape: ReadonlyArray<number>
  readonly init: Init
}

/** θ of the learned inverse temperature e^θ of action scoring (PolicyConfig.choiceScale). */
export const choiceScale = "choice.logScale"

/** Every parameter of a configuration, in a fixed order. */
export const specs = (c: PolicyConfig): ReadonlyArray<ParameterSpec> => {
  const d = c.dModel
  const out: Array<ParameterSpec> = [{ name: "embed.weight", shape: [c.vocab, d], init: "normal" }]
  if (c.positions === "learned") out.push({ name: "pos.weight", shape: [c.context, d], init: "normal" })
  for (let i = 0; i < c.layers; i++) {
    const p = `blocks.${i}`
    out.push(
      { name: `${p}.ln1.weight`, shape: [d], init: "ones" },
      { name: `${p}.ln1.bias`, shape: [d], init: "zeros" },
      { name: `${p}.attn.qkv.weight`, shape: [d, 3 * d], init: "normal" },
      { name: `${p}.attn.out.weight`, shape: [d, d], init: "normal" },
      { name: `${p}.ln2.weight`, shape: [d], init: "ones" },
      { name: `${p}.ln2.bias`, shape: [d], init: "zeros" },
      { name: `${p}.mlp.up.weight`, shape: [d, 4 * d], init: "normal" },
      { name: `${p}.mlp.up.bias`, shape: [4 * d], init: "zeros" },
      { name: `${p}.mlp.down.weight`, shape: [4 * d, d], init: "normal" },
      { name: `${p}.mlp.down.bias`, shape: [d], init: "zeros" }
    )
  }
  out.push(
    { name: "ln_f.weight", shape: [d], init: "ones" },
    { name: "ln_f.bias", shape: [d], init: "zeros" },
    { name: "head.weight", shape: [d, c.vocab], init: "normal" }
  )
  if (c.valueHead) out.push({ name: "value.weight", shape: [d, 1], init: "normal" }, { name: "value.bias", shape: [1], init: "zeros" })
  if (c.choiceScale) out.push({ name: choiceScale, shape: [1], init: "zeros" })
  return out
}

/** Named trainable variables. Owned: `dispose` frees them. */
export type Variables = ReadonlyMap<string, tf.Variable>

/** Host values of one parameter's initialisation. */
export const initialValues = (spec: ParameterSpec, key: Random.Key): Float32Array => {
  const size = spec.shape.reduce((a, b) => a * b, 1)
  const out = new Float32Array(size)
  if (spec.init === "ones") out.fill(1)
  else if (spec.init === "normal") {
    const s = new Random.Stream(key)
    for (let i = 0; i < size; i++) out[i] = 0.02 * s.normal()
  }
  return out
}

// tfjs registers variables globally by name; a per-model prefix lets several models coexist.
let instances = 0

/** Creates the variables of `c`, initialised from `key` (parameter i draws from `fold(key, i)`). */
export const init = (c: PolicyConfig, key: Random.Key): Variables => {
  const prefix = `epo-policy-${instances++}/`
  const vars = new Map<string, tf.Variable>()
  specs(c).forEach((spec, i) => {
    const values = initialValues(spec, Random.fold(key, i))
    vars.set(spec.name, tf.tidy(() => tf.variable(tf.tensor(values, [...spec.shape]), true, prefix + spec.name)))
  })
  return vars
}

/** Frees the variables. */
export const dispose = (vars: Variables): void => {
  for (const v of vars.values()) v.dispose()
}

/** Looks a parameter up; a missing name is a programming error. */
export const get = (vars: Variables, name: string): tf.Variable => {
  const v = vars.get(name)
  if (v === undefined) throw new RangeError(`no parameter named ${name}`)
  return v
}
