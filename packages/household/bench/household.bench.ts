/**
 * Household engine benchmark (one core): environment steps per second under uniformly
 * random admissible commands over many games, the cost of listing the admissible
 * commands, the mean time to generate a game, and each expert's solution length.
 * Prints one JSON object.
 */
import { Random } from "@epo/core"
import { HouseholdSession, Splits } from "@epo/household"

const games = 400
const stepsPerGame = 250

const generate = (n: number) => {
  const t0 = performance.now()
  const out = []
  for (let seed = 0; seed < n; seed++) out.push(Splits.gameOf("train", seed))
  return { games: out, ms: (performance.now() - t0) / n }
}

// Warm up the JIT on other games before timing.
generate(200)
const { games: pool, ms: generateMs } = generate(games)

// Steps with a random admissible command each step (the policy-facing loop: list, pick, step).
// Also per second of this process's CPU time, which a busy machine disturbs less than the clock.
const rng = Random.Stream.fromSeed(1)
let steps = 0
let t0 = performance.now()
const cpu0 = process.cpuUsage()
for (const game of pool) {
  const s = new HouseholdSession(game, { gameId: "bench", maxSteps: stepsPerGame })
  while (!s.isDone) {
    const cmds = s.admissibleCommands()
    s.step(cmds[rng.int(cmds.length)])
    steps++
  }
}
const randomStepsPerSecond = steps / ((performance.now() - t0) / 1000)
const cpu = process.cpuUsage(cpu0)
const randomStepsPerCpuSecond = steps / ((cpu.user + cpu.system) / 1e6)

// Steps with free-form (mostly invalid) text, as an untrained policy sends.
const junk = ["go to the kitchen", "take apple", "look around", "open fridge", "inventory", "help me"]
let junkSteps = 0
t0 = performance.now()
for (const game of pool) {
  const s = new HouseholdSession(game, { gameId: "bench", maxSteps: stepsPerGame })
  while (!s.isDone) {
    s.step(junk[junkSteps % junk.length])
    junkSteps++
  }
}
const invalidStepsPerSecond = junkSteps / ((performance.now() - t0) / 1000)

// The experts: the default explorer (searches) and the oracle (reads the full state).
const runExpert = (expert: "explorer" | "oracle") => {
  let expertSteps = 0
  let longest = 0
  const start = performance.now()
  for (const game of pool) {
    const s = new HouseholdSession(game, { gameId: "bench", expert, maxSteps: 1000 })
    for (let c = s.expertCommand(); c !== undefined; c = s.expertCommand()) s.step(c)
    expertSteps += s.stepCount
    longest = Math.max(longest, s.stepCount)
  }
  return {
    meanSteps: Number((expertSteps / games).toFixed(2)),
    maxSteps: longest,
    msPerGame: Number(((performance.now() - start) / games).toFixed(4))
  }
}
const explorer = runExpert("explorer")
const oracle = runExpert("oracle")

console.log(
  JSON.stringify(
    {
      benchmark: "household",
      games,
      randomAdmissible: { steps, stepsPerSecond: Math.round(randomStepsPerSecond), stepsPerCpuSecond: Math.round(randomStepsPerCpuSecond) },
      invalidText: { steps: junkSteps, stepsPerSecond: Math.round(invalidStepsPerSecond) },
      generateGameMs: Number(generateMs.toFixed(4)),
      expert: { explorer, oracle }
    },
    null,
    1
  )
)
