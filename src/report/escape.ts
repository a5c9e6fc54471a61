import type { Reader } from "../plan/types.js";
import { HIDDEN_TYPE } from "../risingwave/catalog.js";

/**
 * Everything a report puts in Markdown passes through one of these, chosen by where it lands:
 * text, a code span, a table cell, HTML (`<summary>`), or a fenced block. Names, messages and SQL
 * come from the pull request and the database, so none of them may open HTML or Markdown syntax.
 */

/** GitHub's sanitizer drops unknown tags, so `var('x', <default>)` must reach it as entities. */
export function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Plain Markdown text on one line: HTML escaped, emphasis, links and code markers inert. */
export function text(value: string): string {
  return html(value.replace(/\r?\n/g, " ")).replace(/[\\`*_[\]~]/g, (char) => `\\${char}`);
}

/** An error message can be as long as the SQL it quotes; the log has every character. */
const MESSAGE_LIMIT = 4_000;

/** An error message as text, cut past MESSAGE_LIMIT characters with a note saying so. */
export function message(value: string): string {
  if (value.length <= MESSAGE_LIMIT) return text(value);
  const rest = (value.length - MESSAGE_LIMIT).toLocaleString("en-US");
  return `${text(value.slice(0, MESSAGE_LIMIT))}… (${rest} more characters in the job log)`;
}

/** A code span that holds any text: the fence is longer than every backtick run inside. */
export function code(value: string): string {
  const inline = value.includes("\n") ? value.replace(/\r?\n/g, " ") : value;
  if (inline === "") return "";
  const fence = "`".repeat(longestBacktickRun(inline) + 1);
  const pad = /^[` ]|[` ]$/.test(inline) ? " " : "";
  return `${fence}${pad}${inline}${pad}${fence}`;
}

/** The longest run of backticks in `text`, 0 without any (most names and statements). */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (let at = text.indexOf("`"); at !== -1; at = text.indexOf("`", at)) {
    let end = at + 1;
    while (text.charCodeAt(end) === 96) end++;
    longest = Math.max(longest, end - at);
    at = end;
  }
  return longest;
}

/** Inside HTML (a `<summary>`), Markdown is not parsed: a name is shown as `<code>`. */
export function htmlCode(value: string): string {
  return `<code>${html(value)}</code>`;
}

/** A GFM table cell: a pipe would split the row, even inside a code span. */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|");
}

/** A fenced block whose fence no line of the content can close. */
export function fence(content: string, language: string): string {
  const marker = "`".repeat(Math.max(3, longestBacktickRun(content) + 1));
  return `${marker}${language}\n${content}\n${marker}`;
}

/** `schema.name` (type), … as the reports list what reads an MV. */
export function readerList(readers: Reader[]): string {
  return readers
    .map((reader) =>
      reader.type === HIDDEN_TYPE
        ? `${text(reader.name)} (${text(reader.type)})`
        : `${code(`${reader.schema}.${reader.name}`)} (${text(reader.type)})`,
    )
    .join(", ");
}
