/**
 * How a string from someone else (manifest, request file, command line) may appear in generated
 * code — one function per place it lands. Generated code must be a program whose only behaviour
 * is the template's, whatever the string holds: generators put outside text into code ONLY
 * through these functions, never by interpolating it raw.
 *
 * - comments:        commentText / comment (line terminators and invisible characters shown as
 *                    <U+XXXX>; per-language hazards: Java's \u escapes, Python's coding cookie)
 * - string literals: pyStr, goStr, jsStr, javaStr, csStr, csPath, psStr, psHereStringOk
 * - shell words:     shq (POSIX single quotes; NUL refused), shWord (bare when plain)
 * - PowerShell args: psWord (bare when plain)
 * - identifiers:     envVarName (an environment variable NAME; anything else refused)
 */
import { UserError } from '../errors';
import { isEnvVarName } from '../manifest/entries';

/** Unpaired UTF-16 surrogates: no encoding can write them, Node sends U+FFFD in their place. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Characters never written raw into generated code: C0/C1 controls and DEL (NUL, ESC, …), every
 * line terminator some language knows (\r \n U+0085 U+2028 U+2029), and invisible format
 * characters that make code read differently from how it compiles (bidi overrides — "Trojan
 * Source" — zero-width characters, BOM).
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

const hex4 = (c: string) => c.charCodeAt(0).toString(16).padStart(4, '0');

/** The string as it will be sent: lone surrogates replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

// ---------------------------------------------------------------------------------------------
// Comments

/**
 * Comment flavours: 'hash' (# in POSIX shell, PowerShell), 'python' (# plus the coding cookie),
 * 'slash' (// in JavaScript, TypeScript, Go, C#), 'java' (// plus \u escapes).
 */
export type CommentStyle = 'hash' | 'python' | 'slash' | 'java';

const MARKER: Record<CommentStyle, string> = { hash: '#', python: '#', slash: '//', java: '//' };

/**
 * Text that stays inside a line comment: no character can end the comment or hide in it.
 * Line terminators and invisible characters become a visible <U+XXXX>. Java translates \uXXXX
 * anywhere in the source before it sees comments (`\u000a` IS a newline to javac), so a
 * backslash run before `u` is doubled — an odd count of backslashes then precedes the `u` and
 * javac reads no escape. Python honours `coding: <codec>` in a comment on line 1 or 2
 * (`coding: unicode_escape` turns `\u000a` into a newline), so `coding:` gets a space.
 */
export function commentText(s: string, style: CommentStyle): string {
  let t = wellFormed(s).replace(INVISIBLE, (c) => `<U+${hex4(c).toUpperCase()}>`);
  if (style === 'java') t = t.replace(/\\+(?=u)/g, (run) => run + run);
  if (style === 'python') t = t.replace(/coding(?=[:=])/g, 'coding ');
  return t;
}

/** Line comments, one per line (an empty line is a bare marker), each line made safe. */
export function comment(style: CommentStyle, lines: string[]): string {
  const m = MARKER[style];
  return lines.map((l) => (l ? `${m} ${commentText(l, style)}` : m)).join('\n');
}

// ---------------------------------------------------------------------------------------------
// String literals

/** A double-quoted literal with JSON escapes, invisible characters as \uXXXX. */
function jsonQuoted(s: string): string {
  return JSON.stringify(wellFormed(s)).replace(INVISIBLE, (c) => `\\u${hex4(c)}`);
}

/** Python str literal (double quotes; \uXXXX escapes are Python's too). */
export const pyStr = jsonQuoted;

/** Go interpreted string literal. wellFormed first: Go refuses \u escapes of surrogate halves. */
export const goStr = jsonQuoted;

/** A single-quoted JavaScript/TypeScript literal (the common style for Node code). */
export function jsStr(s: string): string {
  return `'${jsonQuoted(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/**
 * Java string literal, pure ASCII: javac reads sources in the platform charset (Java 17). The
 * \u escapes it holds are safe: JSON already escaped quotes, backslashes and line terminators,
 * and a backslash from the input arrives doubled, so javac's pre-lexing \u pass finds none there.
 */
export function javaStr(s: string): string {
  return jsonQuoted(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${hex4(c)}`);
}

/** C# regular string literal, ASCII (same escapes as Java's; C# has no pre-lexing \u pass). */
export const csStr = javaStr;

/** C# verbatim literal when that reads well (Windows paths), else a regular literal. */
export function csPath(s: string): string {
  const w = wellFormed(s);
  return /^[\u0020-\u007e\u00a0-\uffff]*$/.test(w) && !new RegExp(INVISIBLE.source).test(w) ? `@"${w.replace(/"/g, '""')}"` : csStr(s);
}

/** PowerShell's single-quote characters: it ends a '…' string at any of them (U+0027, U+2018–U+201B). */
const PS_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/** PowerShell single-quoted literal: each quote character doubled, nothing else is special. */
export function psStr(s: string): string {
  return `'${wellFormed(s).replace(PS_SINGLE_QUOTES, (q) => q + q)}'`;
}

/** A PowerShell command argument left bare when plainly safe (paths in recipes), else psStr. */
export function psWord(s: string): string {
  return /^[A-Za-z0-9_./:\\][A-Za-z0-9_./:\\-]*$/.test(s) ? s : psStr(s);
}

/**
 * Whether `s` may go verbatim into a @'…'@ here-string: plain lines (\n only, no other line
 * terminator or control character) none of which starts with a single-quote character followed
 * by @ — PowerShell ends the here-string there, whichever of its four single quotes it is.
 */
export function psHereStringOk(s: string): boolean {
  const w = wellFormed(s);
  if (/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(w)) return false;
  return !w.split('\n').some((line) => /^\s*['\u2018\u2019\u201a\u201b]@/.test(line));
}

// ---------------------------------------------------------------------------------------------
// POSIX shell

/** POSIX shell single-quoted word. A NUL cannot be passed in an argument at all: refused. */
export function shq(s: string): string {
  if (s.includes('\0')) throw new UserError('a name or path contains a NUL character (U+0000), which no shell command can carry: remove it from flowgear.json', 'codegen-nul');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A shell word left bare when it is plainly safe (e.g. `POST`, a plain path), else single-quoted. */
export function shWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./][A-Za-z0-9_@%+=:,./-]*$/.test(s) ? s : shq(s);
}

// ---------------------------------------------------------------------------------------------
// Identifiers

/**
 * An environment variable name for an identifier position (`process.env.X`, `$env:X`, `$X`).
 * The manifest loader already refuses others; this keeps every other source (request files,
 * settings, API callers) from getting code into those positions.
 */
export function envVarName(name: string): string {
  if (!isEnvVarName(name)) {
    throw new UserError(`'${commentText(name, 'hash')}' is not an environment variable name (letters, digits and _, not starting with a digit)`, 'codegen-env-name');
  }
  return name;
}
