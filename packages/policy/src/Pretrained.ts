/**
 * Checkpoints shipped with the package (no download at run time): the household starting
 * policies, the stand-ins for the paper's instruction-tuned LLM, one per action mode.
 *
 * `householdGenerate`: a 2-layer, width-64 transformer (context 640, its own 819-token
 * vocabulary) cloned from the exploring expert on 1,000 training games as generated
 * text, with the compact prompt and the last 4 commands. It writes its command token by
 * token (the paper's mode) and wins about 1 held-out game in 10 (docs/policy.md, "Warm
 * start"; the household engine has since gained ALFWorld's real rooms).
 */
import { fileURLToPath } from "node:url"

const shipped = (name: string): string => fileURLToPath(new URL(`../pretrained/${name}`, import.meta.url))

export const householdGenerate: string = shipped("household-generate")

/** The prompt the generation checkpoint was cloned with. */
export const householdGeneratePrompt = { format: "compact", historyLength: 4 } as const

/**
 * `householdScore`: the starting policy of the scoring presets, which choose among the
 * admissible commands by their log-likelihood (docs/policy.md, "Action scoring"). Same
 * architecture (2 layers, width 64, context 640, the 828-token household vocabulary),
 * cloned from the exploring expert's choices on 24,000 fresh training games seen once
 * each, with the notebook prompt and the last 3 commands. Sampled at temperature 1 it
 * wins 82% of the first 128 in-distribution games and 77% of the out-of-distribution ones
 * within 50 turns (85% greedy); no command is inadmissible, since it only picks among
 * admissible ones (docs/policy.md, "The shipped starting policies").
 */
export const householdScore: string = shipped("household-score")

/** The prompt and score normalisation the scoring checkpoint was cloned with. */
export const householdScoreSettings = { format: "notebook", historyLength: 3, normalisation: "token" } as const

/**
 * `scienceGenerate`: the starting policy of the science presets. A 2-layer, width-64
 * transformer (context 512, the 1,750-token science vocabulary) cloned from the gold
 * agent on 1,000 training games (6 epochs), then one DAgger round on 150 games it played
 * at temperature 0.5 (2 epochs), with the compact prompt and the last 4 commands (final
 * loss 0.165 nats per response token). It writes its command token by token. Sampled at
 * temperature 0.3, 0.6 and 1 it completes 16%, 16% and 22% of the first 64
 * in-distribution games and 20%, 23% and 27% of the out-of-distribution ones within 30
 * turns (the task completed, not EPO's success rule; docs/results.md, "Science"). Made by
 * `epo train --preset science-ppo --set totalSteps=1 --set warmStart.episodes=1000
 * --set warmStart.epochs=6 --set warmStart.dagger.rounds=1 --set warmStart.dagger.games=150
 * --set warmStart.dagger.epochs=2 --set rollout.temperature=0.5 --set seed=1` (its run's
 * `reference/`).
 */
export const scienceGenerate: string = shipped("science-generate")

/** The prompt the science checkpoint was cloned with. */
export const scienceGeneratePrompt = { format: "compact", historyLength: 4 } as const
