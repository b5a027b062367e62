/** The Rollouts provider a spec asks for (`rollout.workers`). */
import type { Environment } from "@epo/env"
import type { Layer } from "effect"
import type { PipelineSpec } from "../Spec.js"
import { inProcess, type RolloutError, type Rollouts } from "./Rollouts.js"
import * as Cluster from "./Cluster.js"
import * as Threads from "./Threads.js"

export const layer = (spec: PipelineSpec): Layer.Layer<Rollouts, RolloutError, Environment> => {
  const workers = spec.rollout.workers
  return workers.kind === "threads" ? Threads.layer(spec, workers.count) : workers.kind === "cluster" ? Cluster.layer(spec, workers.url) : inProcess
}
