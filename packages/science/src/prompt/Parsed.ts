/** What a response parser makes of a model's answer (the shape of @epo/household's ParsedResponse). */
export interface ParsedResponse {
  /** The text sent to the environment; sent even when the format is invalid, as EPO does. */
  readonly action: string
  /** Whether the answer kept to the prompt's answer format. */
  readonly valid: boolean
  /** The reward penalty for this answer: the format penalty when invalid, else 0. */
  readonly penalty: number
}
