/**
 * Property tests run with one fixed fast-check seed so that `npm test` (and CI) is
 * reproducible: a failure reproduces on every machine. Explore new cases with
 * FC_SEED=random (or any integer); a failure prints its seed and shrunk counterexample,
 * which belongs in the test as a pinned example.
 */
import { randomInt } from "node:crypto"
import fc from "fast-check"

const requested = process.env.FC_SEED
const seed = requested === "random" ? randomInt(2 ** 31 - 1) : Number(requested ?? 20261126)
// Under mutation testing (stryker.config.mjs) a failure only has to be detected, not
// shrunk: stopping at the first counterexample keeps a killed mutant's run short.
fc.configureGlobal({ seed, endOnFailure: process.env.MUTATE_TESTS !== undefined })
