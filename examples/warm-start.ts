/**
 * Warm-starts a transformer policy on household expert demonstrations (behaviour cloning,
 * then optional DAgger rounds), prints the loss per epoch and the success rate on
 * held-out games, greedy and sampled at temperature 1, and optionally saves a checkpoint.
 *
 *   npx tsx examples/warm-start.ts [action=score] [prompt=notebook] [recent=3] [games=500]
 *     [firstSeed=0] [epochs=5] [lr=0.003] [batch=32] [dModel=64] [layers=2] [heads=4]
 *     [context=640] [positions=learned] [normalisation=token] [turns=50] [dagger=0] [daggerGames=200] [daggerEpochs=1] [evalGames=128]
 *     [seed=1] [from=dir] [out=dir]
 *
 * `action=score` clones the expert's choice among the admissible commands (the mode the
 * household presets train in); `action=generate prompt=compact recent=4` the expert's
 * command as generated text (the paper's mode). The shipped starting policies
 * (packages/policy/pretrained, docs/policy.md "Warm start") come from the commands given
 * there. Runs on the wasm backend.
 */
import { Backend, Random } from "@epo/core"
import { HouseholdEnvironment, Prompt } from "@epo/household"
import { Checkpoint, HouseholdVocabulary, Params, Policy, PolicyConfig, PolicyService, WarmStart } from "@epo/policy"
import { Effect, Layer } from "effect"

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=", 2) as [string, string]))
const num = (name: string, fallback: number) => (args[name] === undefined ? fallback : Number(args[name]))
const text = (name: string, fallback: string) => args[name] ?? fallback
const action = text("action", "score") as "score" | "generate"

/** A fresh policy, or the one saved in `from`; its variables are freed with the scope. */
const makePolicy = (vocab: number) =>
  args.from === undefined
    ? PolicyService.make(
        { vocab, dModel: num("dModel", 64), layers: num("layers", 2), heads: num("heads", 4), context: num("context", 640), positions: text("positions", "learned") },
        Random.key(num("seed", 1))
      )
    : Effect.gen(function* () {
        const stored = yield* Checkpoint.load(args.from, PolicyConfig, { parameters: Params.specs, vocabularySize: (c) => c.vocab })
        const variables = yield* Effect.acquireRelease(
          Effect.sync(() => Params.init(stored.config, Random.key(0))),
          (v) => Effect.sync(() => Params.dispose(v))
        )
        yield* Checkpoint.restore(variables, stored.weights, args.from)
        return PolicyService.fromVariables(stored.config, variables)
      })

const log = (line: string) => Effect.sync(() => console.log(line))

const program = Effect.gen(function* () {
  const tokenizer = yield* HouseholdVocabulary.tokenizer
  const format = yield* Prompt.make(text("prompt", action === "score" ? "notebook" : "compact"), { recentActions: num("recent", action === "score" ? 3 : 4) })
  const policy = yield* makePolicy(tokenizer.size)
  const started = performance.now()
  const config = {
    demonstrations: { split: "train", games: num("games", 500), firstSeed: num("firstSeed", 0) },
    training: { epochs: num("epochs", 5), learningRate: num("lr", 0.003), batchSize: num("batch", 32) },
    evaluation: { split: "eval_in_distribution", games: num("evalGames", 128), greedy: true },
    action,
    normalisation: text("normalisation", "token") as "token" | "word" | "sum",
    dagger: { rounds: num("dagger", 0), games: num("daggerGames", 200), epochs: num("daggerEpochs", 1) },
    maxTurns: num("turns", 50),
    seed: num("seed", 1)
  }
  const inputs = {
    tokenizer,
    format,
    onEpoch: (e: WarmStart.EpochReport) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.steps} steps, ${e.seconds.toFixed(0)} s`),
    onRound: (r: WarmStart.DaggerReport) =>
      log(`dagger round ${r.round}: the policy won ${r.won}/${r.games} training games, agreed with the expert on ${(100 * r.agreement).toFixed(1)}% of turns; ${r.rows} rows`)
  }
  const { report } = yield* WarmStart.warmStart(config, inputs).pipe(Effect.provideService(Policy, policy))
  const sampled = (split: string) =>
    Effect.flatMap(WarmStart.decodeConfig({ ...config, evaluation: { ...config.evaluation, split, greedy: false, temperature: 1 } }), (decoded) =>
      WarmStart.evaluatePolicy(tokenizer, format, decoded, Random.key(2)).pipe(Effect.provideService(Policy, policy))
    )
  const summary = {
    demonstrations: report.demonstrations,
    dagger: report.dagger,
    greedy: report.evaluation,
    sampled: { in: yield* sampled("eval_in_distribution"), out: yield* sampled("eval_out_of_distribution") },
    seconds: Math.round((performance.now() - started) / 1000)
  }
  console.log(JSON.stringify(summary, null, 2))
  if (args.out !== undefined) {
    yield* Checkpoint.save(args.out, PolicyConfig, { config: policy.config, weights: policy.variables, vocabulary: tokenizer.vocabulary })
    console.log(`checkpoint saved to ${args.out}`)
  }
})

Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(Layer.mergeAll(Backend.wasm, HouseholdEnvironment.layer)))).catch((e) => {
  console.error(String(e))
  process.exit(1)
})
