/**
 * @epo/science: a ScienceWorld-faithful science text engine (see docs/environments.md).
 */
export * as Data from "./Data.js"
export * as Tasks from "./Tasks.js"
export { ScienceWorld, ScienceLoadError, type StepResult, type LoadOptions } from "./Engine.js"
export { GoldError, recordedGold, phrase, solve, solvers, type GoldRun, type Solver } from "./Gold.js"
export { readTranscripts, replay, transcriptFiles, type Transcript, type Mismatch, type ReplayResult } from "./Transcripts.js"
