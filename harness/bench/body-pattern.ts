/**
 * A scenario's response check as data: a Lua pattern that the body — or the body with its
 * whitespace removed — must match. Data rather than a function because the check has to run in
 * two languages: here for autocannon (compiled to a RegExp), and in wrk's Lua `response()` hook
 * (as the pattern itself). One pattern, so both drivers count the same responses as mismatches.
 *
 * Only a subset of Lua patterns is accepted, the part with an exact RegExp equivalent: anchors
 * `^` (first) and `$` (last), literal characters and `%`-escaped punctuation, `.`, the classes
 * `%d %x %a %w %s`, sets `[...]` of literals, ranges and those classes (`[^...]` too), and the
 * quantifiers `+ * ? -` (`-` is Lua's lazy `*`). Anything else (captures, `%b`, `%f`, back
 * references) is refused when the pattern is compiled, not misread.
 */

/** Lua's pattern classes, as RegExp class contents (C locale, as wrk's LuaJIT runs them). */
const CLASSES: Readonly<Record<string, string>> = { d: '0-9', x: '0-9A-Fa-f', a: 'A-Za-z', w: '0-9A-Za-z', s: ' \\t\\n\\v\\f\\r' }
/** Lua's whitespace (%s): the same set on both sides, not RegExp's wider Unicode `\s`. */
const WHITESPACE = /[ \t\n\v\f\r]/g
const LUA_MAGIC = /[\^$()%.[\]*+\-?]/g
const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g

export class BodyPatternError extends Error {
  override readonly name = 'BodyPatternError'
}

/** The pattern matching exactly `text` (e.g. compact JSON), magic characters escaped. */
export function exactBody(text: string): string {
  return `^${text.replace(LUA_MAGIC, (c) => `%${c}`)}$`
}

const literal = (c: string): string => c.replace(REGEXP_SPECIAL, (x) => `\\${x}`)

/** `%c` at `i`: a class, or an escaped punctuation character. */
function percent(pattern: string, i: number, inSet: boolean): string {
  const c = pattern[i + 1]
  if (c === undefined) throw new BodyPatternError(`pattern ${JSON.stringify(pattern)} ends with a lone %`)
  const cls = CLASSES[c]
  if (cls !== undefined) return inSet ? cls : `[${cls}]`
  if (/[A-Za-z0-9]/.test(c)) throw new BodyPatternError(`pattern ${JSON.stringify(pattern)}: %${c} is not supported (only %d %x %a %w %s and escaped punctuation)`)
  return literal(c)
}

/** A set `[...]` starting at `i`; returns its RegExp form and the index after its `]`. */
function set(pattern: string, i: number): [string, number] {
  let j = i + 1
  let out = '['
  if (pattern[j] === '^') {
    out += '^'
    j++
  }
  for (; j < pattern.length && pattern[j] !== ']'; j++) {
    const c = pattern[j] as string
    if (c === '%') {
      out += percent(pattern, j, true)
      j++
    } else if (pattern[j + 1] === '-' && pattern[j + 2] !== undefined && pattern[j + 2] !== ']') {
      out += `${literal(c)}-${literal(pattern[j + 2] as string)}`
      j += 2
    } else {
      out += literal(c)
    }
  }
  if (pattern[j] !== ']') throw new BodyPatternError(`pattern ${JSON.stringify(pattern)} has an unclosed [`)
  return [`${out}]`, j + 1]
}

/** The RegExp equivalent of a pattern in the subset above; throws BodyPatternError outside it. */
export function bodyRegExp(pattern: string): RegExp {
  let out = ''
  let i = 0
  if (pattern.startsWith('^')) {
    out += '^'
    i = 1
  }
  while (i < pattern.length) {
    const c = pattern[i] as string
    if (c === '$' && i === pattern.length - 1) {
      out += '$'
      i++
      continue
    }
    if (c === '(' || c === ')') throw new BodyPatternError(`pattern ${JSON.stringify(pattern)}: captures are not supported`)
    let item: string
    if (c === '%') {
      item = percent(pattern, i, false)
      i += 2
    } else if (c === '[') {
      ;[item, i] = set(pattern, i)
    } else if (c === '.') {
      item = '[\\s\\S]'
      i++
    } else {
      item = literal(c)
      i++
    }
    const q = pattern[i]
    if (q === '+' || q === '*' || q === '?' || q === '-') {
      item += q === '-' ? '*?' : q
      i++
    }
    out += item
  }
  return new RegExp(out)
}

/** The check both drivers apply: the body as sent, or with its whitespace removed, matches. */
export function bodyMatches(re: RegExp, body: string): boolean {
  return re.test(body) || re.test(body.replace(WHITESPACE, ''))
}

/** A check function for a pattern (compiled once). */
export function bodyCheck(pattern: string): (body: string) => boolean {
  const re = bodyRegExp(pattern)
  return (body) => bodyMatches(re, body)
}
