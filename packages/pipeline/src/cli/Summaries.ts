/**
 * The commands of `epo` and what each does, in a module of its own so that `epo --help`
 * answers without loading the tensor library (main.ts).
 */
export const summaries = {
  train: "Train a policy with a pipeline spec: a JSON file, or a named preset (default: the tiny \"default\" preset).",
  eval: "Evaluate a run's best checkpoint (or the given checkpoint directory) on evaluation splits.",
  report: "Write a self-contained HTML report of one or several runs (plots side by side).",
  compare: "Print a table comparing runs: algorithm, progress, final and best success per split, reward, entropy.",
  worker: "Run a rollout runner of a cluster (spec rollout.workers {\"kind\": \"cluster\"}) until Ctrl-C."
} as const

export type CommandName = keyof typeof summaries

export const isCommandName = (name: string): name is CommandName => Object.hasOwn(summaries, name)
