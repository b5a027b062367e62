// A rollout worker thread (Threads.ts): loads the TypeScript sources through tsx, as bin/epo.mjs does.
import { register } from "tsx/esm/api"

register()
await import("./ThreadMain.ts")
