/** The Rollouts provider a spec asks for (`rollout.workers`). */
import type { Environment } from "@epo/env"
import { Effect, Layer } from "effect"
import type { PipelineSpec } from "../spec/Spec.js"
import { inProcess, type RolloutError, type Rollouts } from "./Rollouts.js"
import * as Threads from "./Threads.js"

export const layer = (spec: PipelineSpec): Layer.Layer<Rollouts, RolloutError, Environment> => {
  const workers = spec.rollout.workers
  if (workers.kind === "threads") return Threads.layer(spec, workers.count)
  // The cluster's packages load only for runs that use them.
  if (workers.kind === "cluster") return Layer.unwrap(Effect.promise(() => import("./Cluster.js")).pipe(Effect.map((Cluster) => Cluster.layer(spec, workers.url))))
  return inProcess
}
