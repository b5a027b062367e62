/**
 * The file formats of a run directory, as Schemas: the manifest, one metrics line per
 * update step, one evaluation line per (evaluation, split), and the checkpoint index;
 * and the episode transcripts `epo eval --transcripts` writes, one line per episode.
 * Numbers that are not finite (an undefined mean, say) are written as null.
 */
import { Schema } from "effect"

const Count = Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0)))
const Value = Schema.NullOr(Schema.Number)

/** Per-turn-index statistics of a batch (index = turn t). */
export const TurnStats = Schema.Struct({
  /** Token-mean entropy of the responses at turn t. */
  entropyMean: Schema.Array(Value),
  /** Variance of the token entropies at turn t. */
  entropyVariance: Schema.Array(Value),
  /** Response tokens at turn t. */
  tokens: Schema.Array(Count)
})
export type TurnStats = typeof TurnStats.Type

export const MetricsRecord = Schema.Struct({
  /** The 0-based update step k. */
  step: Count,
  /** Scalar figures: reward, success, entropy, clip fraction, KL, grad norm, lr, each objective term... */
  values: Schema.Record(Schema.String, Value),
  turns: TurnStats,
  /** Wall-clock seconds by phase. Excluded from determinism comparisons. */
  timings: Schema.Record(Schema.String, Schema.Number)
})
export type MetricsRecord = typeof MetricsRecord.Type

export const TaskTypeResult = Schema.Struct({ episodes: Count, successes: Count })

export const EvaluationRecord = Schema.Struct({
  /** Update steps completed when the evaluation ran (0 = before training). */
  step: Count,
  split: Schema.String,
  episodes: Count,
  successes: Count,
  success: Value,
  meanTurns: Value,
  byTaskType: Schema.Record(Schema.String, TaskTypeResult),
  seconds: Schema.Number
})
export type EvaluationRecord = typeof EvaluationRecord.Type

/** One turn of an evaluation episode: what the agent saw, what it sent, what came back. */
export const TranscriptTurn = Schema.Struct({
  /** The observation acted on. */
  observation: Schema.String,
  command: Schema.String,
  /** Whether the environment accepted the command. */
  valid: Schema.Boolean,
  reward: Schema.Number,
  done: Schema.Boolean
})

/** One evaluation episode, whole (`epo eval --transcripts`). */
export const Transcript = Schema.Struct({
  split: Schema.String,
  gameId: Schema.String,
  taskType: Schema.String,
  task: Schema.String,
  won: Schema.Boolean,
  turns: Schema.Array(TranscriptTurn),
  /** The observation after the last turn. */
  finalObservation: Schema.String
})
export type Transcript = typeof Transcript.Type

export const CheckpointEntry = Schema.Struct({
  /** Directory name under checkpoints/. */
  name: Schema.String,
  /** Update steps completed. */
  step: Count,
  /** sha256 of the checkpoint's files (Files.hashDirectory). */
  hash: Schema.String,
  /** sha256 of each file by name, checked when the checkpoint is loaded (runs written before it have `hash` only). */
  files: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  /** The evaluation score it was saved with (success rate of evaluation.bestBy), if evaluated. */
  score: Schema.optionalKey(Value)
})
export type CheckpointEntry = typeof CheckpointEntry.Type

export const CheckpointIndex = Schema.Struct({
  latest: Schema.NullOr(Schema.String),
  best: Schema.NullOr(Schema.String),
  checkpoints: Schema.Array(CheckpointEntry)
})
export type CheckpointIndex = typeof CheckpointIndex.Type

export const runStatuses = ["running", "completed", "interrupted", "failed"] as const

export const Manifest = Schema.Struct({
  format: Schema.Literal("epo-run/1"),
  name: Schema.String,
  createdAt: Schema.String,
  updatedAt: Schema.String,
  status: Schema.Literals(runStatuses),
  /** Update steps completed (as of the latest checkpoint). */
  completedSteps: Count,
  totalSteps: Count,
  seed: Schema.Int,
  backend: Schema.Struct({ name: Schema.String, reason: Schema.String }),
  versions: Schema.Record(Schema.String, Schema.String),
  git: Schema.Struct({ commit: Schema.String, dirty: Schema.Boolean }),
  /** sha256 of spec.json. */
  specHash: Schema.String,
  /** sha256 of each kept checkpoint, by name. */
  checkpoints: Schema.Record(Schema.String, Schema.String),
  /** sha256 of each file of reference/ (the KL reference policy), checked when a resumed run loads it. */
  reference: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  /** Edits of spec.json accepted by `epo train --resume --allow-spec-change`: when, after how many steps, the old and new sha256. */
  specChanges: Schema.optionalKey(
    Schema.Array(Schema.Struct({ at: Schema.String, completedSteps: Count, from: Schema.String, to: Schema.String }))
  ),
  /** The one-line error of a failed run. */
  error: Schema.optionalKey(Schema.String)
})
export type Manifest = typeof Manifest.Type

/** JSON with non-finite numbers as null (JSON.stringify already does so for NaN/Infinity). */
export const toJson = (value: unknown): string => JSON.stringify(value)
