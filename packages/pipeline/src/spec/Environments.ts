/**
 * The environments a pipeline spec can name (verl style registry): each entry provides
 * the @epo/env `Environment` service as a Layer and says which splits it has, so a spec
 * naming a split that does not exist fails at decode time, before any work.
 */
import type { ConfigError } from "@epo/core"
import { Corridor, type Environment } from "@epo/env"
import { Expert, HouseholdEnvironment, Prompt, Splits } from "@epo/household"
import { HouseholdVocabulary, Tokenizer, Vocabulary } from "@epo/policy"
import { registration as science } from "@epo/science"
import { Effect, type Layer } from "effect"
import type { PipelineSpec } from "./Spec.js"

export const names = ["household", "corridor", "science"] as const
export type EnvironmentName = (typeof names)[number]

/** The experts whose commands warm starts clone (household's; the corridor has one). */
export const expertNames = Expert.expertNames
export type ExpertName = Expert.ExpertName

export interface EnvironmentInfo {
  readonly name: EnvironmentName
  /** The environment with the given expert answering `expertCommand`. */
  readonly layer: (expert: ExpertName) => Layer.Layer<Environment>
  readonly splits: ReadonlyArray<string>
  /** Splits with a fixed evaluation set. */
  readonly evaluationSplits: ReadonlyArray<string>
  /** The prompt formats it renders, by name (`environment.prompt`). */
  readonly promptFormats: ReadonlyArray<string>
  readonly promptFormat: (name: string, options: Prompt.FormatOptions, field: string) => Effect.Effect<Prompt.PromptFormat, ConfigError>
  /** The tokenizer of a fresh policy (a checkpoint brings its own). */
  readonly tokenizer: Effect.Effect<Tokenizer.Tokenizer, Vocabulary.VocabularyError>
}

const householdPrompts = { promptFormats: Prompt.formatNames, promptFormat: Prompt.make, tokenizer: HouseholdVocabulary.tokenizer }

const registry: { readonly [K in EnvironmentName]: EnvironmentInfo } = {
  household: {
    name: "household",
    layer: (expert) => HouseholdEnvironment.layerWith({ expert }),
    splits: Splits.splitNames,
    evaluationSplits: Splits.splitNames.filter((s) => Object.keys(Splits.splits[s].evaluation).length > 0),
    ...householdPrompts
  },
  corridor: {
    name: "corridor",
    layer: () => Corridor.layer,
    splits: Corridor.splits,
    evaluationSplits: Corridor.splits,
    ...householdPrompts
  },
  // The science package contributes its own entry (@epo/science Registration.ts).
  science: {
    ...science,
    tokenizer: Effect.map(Vocabulary.decode(science.vocabulary, science.vocabularySource), Tokenizer.make)
  }
}

export const info = (name: EnvironmentName): EnvironmentInfo => registry[name]

/** The prompt formats of @epo/household's registry (they render any episode memory). */
export const promptFormats: ReadonlyArray<string> = Prompt.formatNames

/**
 * The prompt format of a spec, from its environment's formats: its renderer, history
 * window and invalid-answer penalty (a bad format name is reported against
 * `environment.prompt`).
 */
export const promptFormat = (spec: PipelineSpec) =>
  info(spec.environment.name).promptFormat(
    spec.environment.prompt,
    { historyLength: spec.environment.historyLength, recentActions: spec.environment.historyLength, penalty: spec.rewards.invalidActionPenalty },
    "environment.prompt"
  )
