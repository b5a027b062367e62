/**
 * The trainer's own state beside the policy and optimiser tensors, written as
 * trainer.json in every checkpoint: everything else a resumed run needs to continue
 * exactly (randomness is a pure function of the seed and the step).
 */
import { EntropyHistory, KlController } from "@epo/objective"
import { Schema } from "effect"

export const TrainerState = Schema.Struct({
  /** Update steps completed. */
  completedSteps: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  /** The paper's entropy history (v2 Eq. 4). */
  entropyHistory: EntropyHistory.PaperState,
  /** The released code's per-turn history. */
  turnEntropyHistory: EntropyHistory.ReleasedState,
  /** The KL controller's coefficient. */
  kl: KlController.State
})
export type TrainerState = typeof TrainerState.Type

export const fileName = "trainer.json"

export const initial = (klCoefficient: number): TrainerState => ({
  completedSteps: 0,
  entropyHistory: EntropyHistory.paper.init(),
  turnEntropyHistory: EntropyHistory.released.init(),
  kl: { coefficient: klCoefficient }
})
