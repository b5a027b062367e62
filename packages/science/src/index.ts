/**
 * @epo/science: a ScienceWorld-faithful science text engine (see docs/environments.md).
 * `ScienceEnvironment.layer` provides the @epo/env Environment service with EPO's settings;
 * `Prompt` holds EPO's ScienceWorld prompt and a compact one for small models.
 */
export * as Data from "./Data.js"
export * as Tasks from "./Tasks.js"
export * as Splits from "./Splits.js"
export * as ScienceEnvironment from "./ScienceEnvironment.js"
export { ScienceSession } from "./ScienceEnvironment.js"
export * as Prompt from "./prompt/index.js"
export { ScienceWorld, ScienceLoadError, type StepResult, type LoadOptions } from "./Engine.js"
export { GoldError, recordedGold, phrase, solve, solvers, type GoldRun, type Solver } from "./Gold.js"
export { readTranscripts, replay, transcriptFiles, type Transcript, type Mismatch, type ReplayResult } from "./Transcripts.js"
export { registration } from "./Registration.js"
