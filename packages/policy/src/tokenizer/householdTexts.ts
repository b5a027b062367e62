/**
 * The fixed texts the household vocabulary is built from, besides the class names and
 * the feedback strings of alfred.twl2 (read by scripts/build-vocab.ts): the goal
 * templates of the household spec, verl-agent's ALFWorld prompt templates, and the
 * response format. Placeholders in braces are dropped before words are collected.
 */
export const goalTemplates: ReadonlyArray<string> = [
  "Your task is to: put a {obj} in {recep}.",
  "Your task is to: put some {obj} on {recep}.",
  "Your task is to: look at {obj} under the {lamp}.",
  "Your task is to: examine the {obj} with the {lamp}.",
  "Your task is to: put a clean {obj} in {recep}.",
  "Your task is to: clean some {obj} and put it in {recep}.",
  "Your task is to: put a hot {obj} in {recep}.",
  "Your task is to: heat some {obj} and put it in {recep}.",
  "Your task is to: put a cool {obj} in {recep}.",
  "Your task is to: cool some {obj} and put it in {recep}.",
  "Your task is to: put two {obj} in {recep}.",
  "Your task is to: find two {obj} and put them in {recep}."
]

/**
 * verl-agent's ALFWorld prompts (its spelling "observaitons" included), the compact and
 * notebook prompts of @epo/household for small models, and the response format.
 */
export const promptTemplates: ReadonlyArray<string> = [
  `You are an expert agent operating in the ALFRED Embodied Environment.
Your current observation is: {current_observation}
Your admissible actions of the current situation are: ['{a}', '{b}'].

Now it's your turn to take an action.
You should first reason step-by-step about the current situation. This reasoning process MUST be enclosed within <think> </think> tags.
Once you've finished your reasoning, you should choose an admissible action for current step and present it within <action> </action> tags.`,
  `You are an expert agent operating in the ALFRED Embodied Environment. Your task is to: {task_description}
Prior to this step, you have already taken {step_count} step(s). Below are the most recent {history_length} observaitons and the corresponding actions you took: [Observation 1: '{o}', Action 1: '{a}']
You are now at step {current_step} and your current observation is: {current_observation}`,
  "Task: {task}\nPrevious: {a} | {b}\nObservation: {observation}\nCommands: {a} | {b}\nAction:",
  "Task: {task}\nHolding: {o} (hot, cool, clean)\nAt: {r}\nSeen: {r}: nothing; {r}: {o}, {o}\nUnseen: {r}, {r}\nPrevious: {a} | {b}\nObservation: {observation}\nAction:",
  "<think>...</think><action>...</action>",
  "help, look, inventory, go to, open, close, take from, move to, examine, use, heat with, cool with, clean with",
  "Nothing happens."
]
