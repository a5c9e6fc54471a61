import yaml from "js-yaml";
import { ContentCache, deepFreeze } from "../content-cache.js";
import { ProjectError } from "../errors.js";
import { PyFloat } from "../jinja/values.js";
import { lineAt } from "./text-position.js";

/** A parsed YAML file, and what PyYAML accepts silently but deserves a word. */
export interface YamlFile {
  value: unknown;
  warnings: string[];
}

const parsedFiles = new ContentCache<YamlFile>();

/**
 * Parses a YAML file as dbt does, which is PyYAML's safe_load: YAML 1.1 with PyYAML's resolvers
 * (`yes`/`no`/`on`/`off` are booleans but `y` and `n` stay strings, `010` is octal, `1e3` is a
 * string because a float needs a dot, `1.0` stays a float), `<<` merges, quoted scalars may
 * continue on less indented lines, and a key written twice keeps its last value — PyYAML says
 * nothing; we warn.
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  return parsedFiles.getOrCreate([file, text], () => {
    // Strict first: js-yaml refuses a repeated key, which is rare, so the line scan that names
    // every repeated key runs only for a file that has one.
    try {
      return deepFreeze({ value: load(text, file, false), warnings: [] });
    } catch (error) {
      if (!(error instanceof yaml.YAMLException) || !isDuplicateKey(error))
        throw yamlError(error, file);
      let value: unknown;
      try {
        value = load(text, file, true);
      } catch (lenient) {
        throw yamlError(lenient, file);
      }
      const named = duplicateKeys(text).map(({ key, line }) => ({ line, what: `key '${key}'` }));
      // A repeated key inside a flow mapping (`{a: 1, a: 2}`) escapes the line scan.
      const repeated = named.length
        ? named
        : [{ line: (error.mark?.line ?? 0) + 1, what: "a key" }];
      const warnings = repeated.map(
        ({ what, line }) =>
          `${file}:${line}: ${what} is written twice in one mapping; the last value is used, as dbt (PyYAML) does.`,
      );
      return deepFreeze({ value, warnings });
    }
  });
}

/** `lastKeyWins` is js-yaml's `json` option: a repeated key overrides instead of failing. */
function load(text: string, file: string, lastKeyWins: boolean): unknown {
  return yaml.load(text, { schema: PYYAML_SCHEMA, json: lastKeyWins, filename: file }) ?? null;
}

function isDuplicateKey(error: yaml.YAMLException): boolean {
  return error.reason === "duplicated mapping key";
}

function yamlError(error: unknown, file: string): unknown {
  if (!(error instanceof yaml.YAMLException)) return error;
  return new ProjectError(
    `invalid YAML: ${error.reason}`,
    { file, line: error.mark ? error.mark.line + 1 : undefined },
    "Fix the YAML syntax.",
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PyFloat)
  );
}

const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
const PY_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function sexagesimal(text: string): number {
  return text.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

/** PyYAML's construct_yaml_int. */
function pyInt(source: string): number {
  let text = source.replaceAll("_", "");
  const sign = text.startsWith("-") ? -1 : 1;
  if (/^[-+]/.test(text)) text = text.slice(1);
  if (text === "0") return 0;
  if (text.startsWith("0b")) return sign * parseInt(text.slice(2), 2);
  if (text.startsWith("0x")) return sign * parseInt(text.slice(2), 16);
  if (text.startsWith("0")) return sign * parseInt(text, 8);
  if (text.includes(":")) return sign * sexagesimal(text);
  return sign * Number(text);
}

/** PyYAML's construct_yaml_float; a PyFloat, so that `1.0` prints as `1.0` in templates. */
function pyFloat(source: string): PyFloat {
  let text = source.replaceAll("_", "").toLowerCase();
  const sign = text.startsWith("-") ? -1 : 1;
  if (/^[-+]/.test(text)) text = text.slice(1);
  if (text === ".inf") return new PyFloat(sign * Infinity);
  if (text === ".nan") return new PyFloat(NaN);
  return new PyFloat(sign * (text.includes(":") ? sexagesimal(text) : Number(text)));
}

const scalar = (tag: string, pattern: RegExp, construct: (data: string) => unknown) =>
  new yaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (data: string | null) => pattern.test(data ?? ""),
    construct: (data: string | null) => construct(data ?? ""),
  });

const PYYAML_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar("null", PY_NULL, () => null),
    scalar("bool", PY_BOOL, (data) => /^(?:yes|true|on)$/i.test(data)),
    scalar("int", PY_INT, pyInt),
    scalar("float", PY_FLOAT, pyFloat),
    // The merge key (<<) type: js-yaml exports it, its type declarations do not.
    (yaml as unknown as { types: { merge: yaml.Type } }).types.merge,
  ],
});

/**
 * Keys repeated within one block mapping, found line by line: each mapping is known by its
 * indentation and the list item it belongs to. Block scalars and multi-line quoted scalars are
 * skipped. The values themselves come from the parser; this only finds what to warn about.
 */
function duplicateKeys(text: string): { key: string; line: number }[] {
  const found: { key: string; line: number }[] = [];
  const open: { indent: number; keys: Set<string> }[] = [];
  let skipDeeperThan: number | undefined;
  let quote: string | undefined;
  let offset = 0;
  for (const raw of text.split("\n")) {
    const lineStart = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, "");
    if (quote) {
      if (closesQuote(line, quote)) quote = undefined;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (skipDeeperThan !== undefined) {
      if (indent > skipDeeperThan) continue;
      skipDeeperThan = undefined;
    }
    const item = /^(\s*)((?:-\s+)*)(.*)$/.exec(line)!;
    const keyIndent = item[1]!.length + item[2]!.length;
    const rest = item[3]!;
    const match =
      /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s#'"{[&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?))\s*:(?:\s|$)(.*)$/.exec(
        rest,
      );
    while (
      open.length > 0 &&
      (open.at(-1)!.indent > keyIndent || (item[2] && open.at(-1)!.indent >= keyIndent))
    ) {
      open.pop();
    }
    if (!match) continue;
    const key = match[1] ?? match[2]?.replaceAll("''", "'") ?? match[3]!.trim();
    let scope = open.at(-1);
    if (!scope || scope.indent !== keyIndent) {
      scope = { indent: keyIndent, keys: new Set() };
      open.push(scope);
    }
    if (scope.keys.has(key) && key !== "<<") found.push({ key, line: lineAt(text, lineStart) });
    scope.keys.add(key);
    const value = match[4]!.trim();
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(value)) skipDeeperThan = keyIndent;
    const opened = /^(["'])/.exec(value)?.[1];
    if (opened && !closesQuote(value.slice(1), opened)) quote = opened;
  }
  return found;
}

/** Whether a line closes a quoted scalar opened earlier. */
function closesQuote(line: string, quote: string): boolean {
  const pattern = quote === '"' ? /(?:^|[^\\])(?:\\\\)*"/ : /(?:^|[^'])(?:'')*'(?!')/;
  return pattern.test(line);
}
