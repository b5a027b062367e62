/**
 * The feedback strings of ALFWorld's text grammar (reference/alfred.twl2), verbatim.
 * TextWorld renders a grammar list `[{o.indefinite + ' ' + o.name | ...}]` as "nothing",
 * "a x 1", or the items joined by ", " with ", and " before the last; ALFWorld's
 * indefinite article is always "a".
 */

export const welcome = "-= Welcome to TextWorld, ALFRED! =-"
export const nothingHappens = "Nothing happens."

/** TextWorld's list of items: "nothing", "x", or "x, y, and z" (", and " before the last even of two). */
const join = (items: ReadonlyArray<string>, prefix: string): string => {
  const n = items.length
  if (n === 0) return "nothing"
  if (n === 1) return `${prefix}${items[0]}`
  let out = `${prefix}${items[0]}`
  for (let i = 1; i < n - 1; i++) out += `, ${prefix}${items[i]}`
  return `${out}, and ${prefix}${items[n - 1]}`
}

/** A grammar list of `{o.indefinite + ' ' + o.name}` items: "nothing", "a x 1", "a x 1, and a y 2". */
export const list = (names: ReadonlyArray<string>): string => join(names, "a ")

/** examineReceptacle.feedback */
export const examineReceptacle = (name: string, openable: boolean, opened: boolean, contents: ReadonlyArray<string>) =>
  openable
    ? opened
      ? `The ${name} is open. In it, you see ${list(contents)}.`
      : `The ${name} is closed.`
    : `On the ${name}, you see ${list(contents)}.`

/**
 * look.feedback away from every receptacle: the intro lists every receptacle of the room,
 * a `look` there lists none (its location binds the receptacles to the agent's spot).
 */
export const lookMiddle = (receptacles: ReadonlyArray<string>) =>
  `You are in the middle of a room. Looking quickly around you, you see ${list(receptacles)}.`

/**
 * look.feedback at a spot: the receptacles there, without article ("the cabinet 2, and
 * cabinet 1"), and list_objects_on_the_floor (`next`: one entry per object-receptacle pair).
 */
export const lookAt = (receptacles: ReadonlyArray<string>, next: ReadonlyArray<string>) =>
  `You are facing the ${join(receptacles, "")}. Next to it, you see ${list(next)}.`

export const intro = (look: string, task: string) => `${welcome}\n\n${look}\n\nYour task is to: ${task}`

export const arrive = (name: string, examine: string) => `You arrive at ${name}. ${examine}`
export const open = (name: string, examine: string) => `You open the ${name}. ${examine}`
export const close = (name: string) => `You close the ${name}.`
export const pickUp = (o: string, r: string) => `You pick up the ${o} from the ${r}.`
export const put = (o: string, r: string) => `You move the ${o} to the ${r}.`
export const heat = (o: string, r: string) => `You heat the ${o} using the ${r}.`
export const cool = (o: string, r: string) => `You cool the ${o} using the ${r}.`
export const clean = (o: string, r: string) => `You clean the ${o} using the ${r}.`
export const slice = (o: string, knife: string) => `You sliced the ${o} with the ${knife}.`
/** toggleObject.feedback: `use` sets isToggled, so ALFWorld always takes the first branch. */
export const turnOn = (o: string) => `You turn on the ${o}.`

export const inventory = (held: string | undefined) =>
  held === undefined ? "You are not carrying anything." : `You are carrying: ${list([held])}.`

/** examineObject.feedback of a movable receptacle (the grammar's first rule, whatever its state). */
export const examineReceptacleObject = (name: string, contents: ReadonlyArray<string>) =>
  `This is a normal ${name}. In it, you see ${list(contents)}.`

/**
 * examineObject.feedback of any other held object, the grammar's rules in order (the
 * toggleable ones never apply: lamps cannot be held). Hot and cool never hold together.
 */
export const examineObject = (name: string, hot: boolean, cool: boolean, clean: boolean, sliced: boolean): string => {
  const heat = hot ? "hot" : cool ? "cool" : ""
  if (sliced) {
    if (clean) return heat === "" ? `This is a clean sliced ${name}.` : `This is a ${heat} and clean sliced ${name}.`
    return heat === "" ? `This is a sliced ${name}.` : `This is a ${heat} sliced ${name}.`
  }
  if (clean) return heat === "" ? `This is a clean ${name}.` : `This is a ${heat} and clean ${name}.`
  return hot ? `This is a hot ${name}.` : cool ? `This is a cold ${name}.` : `There's nothing special about ${name}.`
}

/**
 * help.feedback. Its rhs starts with "\n", but TextWorld's grammar parser skips a leading
 * empty line as an end-of-line comment (textgen.ebnf `@@eol_comments`), so ALFWorld prints
 * it without one, as its transcripts show; the trailing "\n" stays.
 */
export const help =
  "Available commands:\n  look:                             look around your current location\n  inventory:                        check your current inventory\n  go to (receptacle):               move to a receptacle\n  open (receptacle):                open a receptacle\n  close (receptacle):               close a receptacle\n  take (object) from (receptacle):  take an object from a receptacle\n  move (object) to (receptacle):  place an object in or on a receptacle\n  examine (something):              examine a receptacle or an object\n  use (object):                     use an object\n  heat (object) with (receptacle):  heat an object using a receptacle\n  clean (object) with (receptacle): clean an object using a receptacle\n  cool (object) with (receptacle):  cool an object using a receptacle\n  slice (object) with (object):     slice an object using a sharp object\n"
