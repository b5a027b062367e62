/**
 * `epo worker --cluster URL`: a runner process of the rollout cluster (rollout/Cluster.ts).
 * It registers in the cluster's database, takes its share of the cluster's shards and
 * plays the rollout shards sent to them, until Ctrl-C or SIGTERM, when it hands its shards
 * back before exiting.
 */
import { Effect, Layer } from "effect"
import * as Cluster from "../rollout/Cluster.js"
import type { Parsed } from "./Args.js"
import { UsageError } from "./Commands.js"

const stopSignal = Effect.callback<void>((resume) => {
  const stop = () => resume(Effect.void)
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
})

export const worker = (args: Parsed) =>
  Effect.gen(function* () {
    const url = args.strings.cluster
    if (url === undefined) return yield* new UsageError({ message: "--cluster URL is required (the cluster's PostgreSQL database)" })
    const port = Number(args.strings.port ?? "34431")
    if (!Number.isInteger(port) || port < 1 || port > 65535) return yield* new UsageError({ message: `--port must be a port number, got ${args.strings.port}` })
    const host = args.strings.host ?? "localhost"
    process.stderr.write(`epo worker: runner ${host}:${port} joining the cluster of ${url.replace(/\/\/[^@]*@/, "//")}\n`)
    yield* Effect.raceFirst(Layer.launch(Cluster.runner({ url, host, port, listenHost: args.strings.listen })), stopSignal)
    process.stderr.write("epo worker: stopped\n")
  })
