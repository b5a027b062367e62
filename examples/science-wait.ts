/**
 * How far EPO's released success rule on ScienceWorld can be met without solving
 * anything: every evaluation game of a split played by one fixed script (default: `wait`
 * until the episode ends), with EPO's rules (30 turns, envStepLimit 100 ticks, won = the
 * Python done flag and score > 0). Prints, per task type, the share of games the script
 * "wins" and the share it completes (all subgoals: score 100), as JSON lines.
 *
 *   npx tsx examples/science-wait.ts [--split eval_in_distribution] [--games 128] [--script wait,wait1]
 */
import { ScienceSession, Splits } from "@epo/science"

const argument = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}
const split = argument("split", "eval_in_distribution")
if (!Splits.isSplitName(split)) {
  process.stderr.write(`science-wait: unknown split "${split}" (one of ${Splits.splitNames.join(", ")})\n`)
  process.exit(2)
}
const limit = Number(argument("games", "0"))
const script = argument("script", "wait").split(",")
const all = Splits.evaluationGames(split)
const games = limit > 0 ? all.slice(0, limit) : all

const byTask = new Map<string, { games: number; won: number; completed: number }>()
for (const game of games) {
  const session = new ScienceSession(game)
  for (let turn = 0; !session.isDone; turn++) session.step(script[Math.min(turn, script.length - 1)])
  const entry = byTask.get(game.task) ?? { games: 0, won: 0, completed: 0 }
  entry.games++
  if (session.isWon) entry.won++
  if (session.score === 100) entry.completed++
  byTask.set(game.task, entry)
}
let [n, won, completed] = [0, 0, 0]
for (const [task, e] of byTask) {
  console.log(JSON.stringify({ task, games: e.games, won: e.won / e.games, completed: e.completed / e.games }))
  ;[n, won, completed] = [n + e.games, won + e.won, completed + e.completed]
}
console.log(JSON.stringify({ split, script, games: n, won: won / n, completed: completed / n }))
