/**
 * The six books of the house's shelves (and of the conductivity task), with the excerpts
 * `read` shows, transcribed from the original into ../data/books.json.
 */
import { ScienceDataError } from "../Data.js"
import data from "../data/books.json" with { type: "json" }
import { Book } from "./Things.js"

const books: Readonly<Record<string, { readonly title: string; readonly author: string; readonly contents: string }>> = data.books

/** A book by its class name (BookMobyDick ...). */
export const bookByTitle = (cls: string): Book => {
  const b = books[cls]
  if (b === undefined) throw new ScienceDataError({ file: "books.json", message: `no book class ${cls}` })
  return new Book(b.title, b.author, b.contents)
}

/** A book by the name the house data uses: "book (<title>)". */
export const bookByName = (name: string): Book => {
  const hit = Object.keys(books).find((cls) => `book (${books[cls].title})` === name)
  if (hit === undefined) throw new ScienceDataError({ file: "houses.jsonl", message: `unknown book "${name}"` })
  return bookByTitle(hit)
}
