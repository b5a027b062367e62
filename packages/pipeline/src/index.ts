/**
 * @epo/pipeline: Schema-typed pipeline specs, the training loop, the run store, reports
 * and the `epo` command (docs/pipelines.md). The folders follow a run's data flow
 * (docs/architecture.md): spec/ -> rollout/ -> train/ -> runs/ -> report/, and cli/.
 */
// spec/: what a run is, resolved from presets, files and overrides
export * as Environments from "./spec/Environments.js"
export * as Overrides from "./spec/Overrides.js"
export * as Presets from "./spec/Presets.js"
export * as Resolve from "./spec/Resolve.js"
export * as RunKeys from "./spec/RunKeys.js"
export * as Spec from "./spec/Spec.js"
export { SpecError } from "./spec/SpecError.js"
// rollout/: the policy acting in the environment
export * as Agent from "./rollout/Agent.js"
export * as Evaluation from "./rollout/Evaluation.js"
// train/: the update steps
export * as Model from "./train/Model.js"
export * as Optimiser from "./train/Optimiser.js"
export * as Rows from "./train/Rows.js"
export * as Step from "./train/Step.js"
export * as Train from "./train/Train.js"
export * as TrainerState from "./train/TrainerState.js"
export * as TrainingObjective from "./train/TrainingObjective.js"
export * as Update from "./train/Update.js"
// runs/: a run directory on disk, written and read back
export * as Records from "./runs/Records.js"
export * as Runs from "./runs/Runs.js"
export * as RunStore from "./runs/RunStore.js"
// report/: figures, tables and the HTML report over runs
export * as Compare from "./report/Compare.js"
export * as Figures from "./report/Figures.js"
export * as Groups from "./report/Groups.js"
export * as Heatmap from "./report/Heatmap.js"
export * as Plot from "./report/Plot.js"
export * as Report from "./report/Report.js"
export * as Stats from "./report/Stats.js"
