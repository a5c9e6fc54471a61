/**
 * How dbt reads a macro file (dbt/clients/_jinja_blocks.py): only the top-level `macro`,
 * `materialization` and `test` blocks count, each parsed on its own; text, comments, `docs`,
 * `snapshot` or any other tag between them are skipped. So a file dbt loads never stops us,
 * whatever else it holds, and a broken macro only breaks its callers.
 */
import { lineAt } from "../files/text-position.js";

export interface MacroBlock {
  kind: "macro" | "materialization" | "test";
  /** The macro's name as the block names it (for a materialization, the materialization's). */
  name: string;
  /** The block's full text, `{% macro … %}` to `{% endmacro %}`. */
  source: string;
  line: number;
}

export interface MacroFileBlocks {
  blocks: MacroBlock[];
  /** Why the file cannot be read as dbt reads it (an unclosed block…), if it cannot. */
  problem?: { message: string; line: number };
}

const ALLOWED = new Set(["macro", "materialization", "test"]);
const CONTROL = new Map([
  ["if", "endif"],
  ["for", "endfor"],
]);
const BLOCK_START = /\{%-?\s*([A-Za-z_][A-Za-z_0-9]*)(?:\s+([A-Za-z_][A-Za-z_0-9]*))?/y;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/y;
const RAW_BLOCK = /\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/y;

interface Tag {
  name: string;
  blockName?: string;
  start: number;
  end: number;
}

export function macroBlocks(text: string): MacroFileBlocks {
  const blocks: MacroBlock[] = [];
  const control: string[] = [];
  let current: Tag | undefined;
  let tags: Tag[];
  try {
    tags = findTags(text);
  } catch (problem) {
    return { blocks, problem: problem as { message: string; line: number } };
  }
  for (const tag of tags) {
    const end = CONTROL.get(tag.name);
    if (end) {
      control.push(end);
    } else if (tag.name === "endif" || tag.name === "endfor") {
      if (control.pop() !== tag.name) {
        return {
          blocks,
          problem: { message: `unexpected '${tag.name}'`, line: lineAt(text, tag.start) },
        };
      }
    }
    if (ALLOWED.has(tag.name)) {
      if (control.length > 0 || current) {
        return {
          blocks,
          problem: {
            message: `a ${tag.name} block must be at the top level of the file, not inside another block`,
            line: lineAt(text, tag.start),
          },
        };
      }
      current = tag;
    } else if (current && tag.name === `end${current.name}`) {
      blocks.push({
        kind: current.name as MacroBlock["kind"],
        name: current.blockName ?? "",
        source: text.slice(current.start, tag.end),
        line: lineAt(text, current.start),
      });
      current = undefined;
    }
  }
  if (current) {
    return {
      blocks,
      problem: {
        message: `the ${current.name} block is never closed (end${current.name})`,
        line: lineAt(text, current.start),
      },
    };
  }
  return { blocks };
}

/** Every `{% name … %}` tag, stepping over comments, expressions and raw blocks. */
function findTags(text: string): Tag[] {
  const tags: Tag[] = [];
  let pos = 0;
  for (;;) {
    const next = text.indexOf("{", pos);
    if (next === -1) return tags;
    const marker = text[next + 1];
    if (marker === "#") {
      const end = text.indexOf("#}", next + 2);
      if (end === -1) throw { message: "a comment is never closed (#})", line: lineAt(text, next) };
      pos = end + 2;
    } else if (marker === "{") {
      pos = skipUntil(text, next + 2, "}}");
    } else if (marker === "%") {
      RAW_BLOCK.lastIndex = next;
      const raw = RAW_BLOCK.exec(text);
      if (raw) {
        pos = next + raw[0].length;
        continue;
      }
      BLOCK_START.lastIndex = next;
      const start = BLOCK_START.exec(text);
      if (!start) {
        pos = next + 2;
        continue;
      }
      const end = skipUntil(text, next + start[0].length, "%}");
      tags.push({ name: start[1]!, blockName: start[2], start: next, end });
      pos = end;
    } else {
      pos = next + 1;
    }
  }
}

/** The offset after `close`, skipping string literals on the way. */
function skipUntil(text: string, from: number, close: string): number {
  let pos = from;
  while (pos < text.length) {
    const char = text[pos]!;
    if (char === "'" || char === '"') {
      STRING.lastIndex = pos;
      const string = STRING.exec(text);
      if (!string) throw { message: "a string is never closed", line: lineAt(text, pos) };
      pos += string[0].length;
    } else if (text.startsWith(close, pos)) {
      return pos + close.length;
    } else {
      pos++;
    }
  }
  throw { message: `a tag is never closed (${close})`, line: lineAt(text, from) };
}
