/**
 * Python's methods on str, list, dict and tuple, bound to their object as `x.method` gives them.
 * dbt's sandbox lets templates mutate lists and dicts (`{% do cols.append(c) %}`), so the mutating
 * methods are here too.
 */
import { percentFormat, strFormat } from "./python-format.js";
import {
  compare,
  equals,
  iterate,
  JinjaError,
  type Kwargs,
  NativeFunction,
  numeric,
  PyDict,
  PyObject,
  PyTuple,
  repr,
  typeError,
  typeName,
  Undefined,
  type Value,
  valueError,
} from "./values.js";

type Method = (self: never, args: Value[], kwargs: Kwargs) => Value;

export interface AttributeAccess {
  getattr(object: Value, name: string): Value;
  getitem(object: Value, key: Value): Value;
}

/** The method `name` of `value` bound to it, or undefined when its type has none. */
export function boundMethod(
  value: Value,
  name: string,
  access: AttributeAccess,
): Value | undefined {
  const table =
    typeof value === "string"
      ? stringMethods(access)
      : Array.isArray(value)
        ? LIST_METHODS
        : value instanceof PyDict
          ? DICT_METHODS
          : value instanceof PyTuple
            ? TUPLE_METHODS
            : undefined;
  const method = table && Object.hasOwn(table, name) ? table[name] : undefined;
  if (!method) return undefined;
  return new NativeFunction(name, (args, kwargs) => method(value as never, args, kwargs));
}

function text(value: Value | undefined, what: string): string {
  if (typeof value !== "string") {
    throw typeError(
      `${what} must be str, not ${value === undefined ? "nothing" : typeName(value)}`,
    );
  }
  return value;
}

function optionalChars(value: Value | undefined): string | undefined {
  return value === undefined || value === null ? undefined : text(value, "strip arg");
}

function stripChars(s: string, chars: string | undefined, left: boolean, right: boolean): string {
  if (chars === undefined) {
    return left && right ? s.trim() : left ? s.trimStart() : s.trimEnd();
  }
  const set = new Set(chars);
  const items = [...s];
  let start = 0;
  let end = items.length;
  if (left) while (start < end && set.has(items[start]!)) start++;
  if (right) while (end > start && set.has(items[end - 1]!)) end--;
  return items.slice(start, end).join("");
}

function int(value: Value | undefined, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = numeric(value);
  if (!n || n.float) throw typeError(`an integer is required (got type ${typeName(value)})`);
  return n.n;
}

function splitWhitespace(s: string, max: number, fromRight: boolean): string[] {
  const parts = s.trim() === "" ? [] : s.trim().split(/\s+/);
  if (max < 0 || parts.length <= max + 1) return parts;
  if (fromRight) {
    const rest = s.trimEnd();
    const tail: string[] = [];
    let remaining = rest;
    for (let i = 0; i < max; i++) {
      const match = /\s+(\S+)$/.exec(remaining)!;
      tail.unshift(match[1]!);
      remaining = remaining.slice(0, match.index);
    }
    return [remaining.trimStart(), ...tail];
  }
  const head = parts.slice(0, max);
  let rest = s.trimStart();
  for (const part of head) rest = rest.slice(part.length).trimStart();
  return [...head, rest];
}

function split(s: string, args: Value[], kwargs: Kwargs, fromRight: boolean): Value {
  const sep = args[0] ?? kwargs.get("sep") ?? null;
  const max = int(args[1] ?? kwargs.get("maxsplit"), -1);
  if (sep === null) return splitWhitespace(s, max, fromRight);
  const separator = text(sep, "separator");
  if (separator === "") throw valueError("empty separator");
  const parts = s.split(separator);
  if (max < 0 || parts.length <= max + 1) return parts;
  return fromRight
    ? [parts.slice(0, parts.length - max).join(separator), ...parts.slice(parts.length - max)]
    : [...parts.slice(0, max), parts.slice(max).join(separator)];
}

function find(s: string, args: Value[], fromRight: boolean): number {
  const needle = text(args[0], "argument");
  const start = int(args[1], 0);
  const end = int(args[2], s.length);
  const slice = s.slice(
    start < 0 ? Math.max(0, s.length + start) : start,
    end < 0 ? s.length + end : end,
  );
  const found = fromRight ? slice.lastIndexOf(needle) : slice.indexOf(needle);
  return found === -1 ? -1 : found + (start < 0 ? Math.max(0, s.length + start) : start);
}

function affixTest(
  s: string,
  arg: Value | undefined,
  test: (s: string, affix: string) => boolean,
): boolean {
  if (arg instanceof PyTuple) return arg.items.some((item) => test(s, text(item, "tuple item")));
  return test(s, text(arg, "argument"));
}

const isCased = (s: string) => s.toLowerCase() !== s.toUpperCase();

function pythonTitle(s: string): string {
  return s.replace(
    /[A-Za-z\u00C0-\uFFFF]+/g,
    (word) => word[0]!.toUpperCase() + word.slice(1).toLowerCase(),
  );
}

function stringMethods(access: AttributeAccess): Record<string, Method> {
  return {
    ...STRING_METHODS,
    format: (s: string, args, kwargs) => strFormat(s, args, kwargs, access.getattr, access.getitem),
    format_map: (s: string, args) => {
      const mapping = args[0];
      if (!(mapping instanceof PyDict)) throw typeError("format_map() argument must be a mapping");
      return strFormat(
        s,
        [],
        new Map([...mapping.items()].map(([k, v]) => [String(k), v])),
        access.getattr,
        access.getitem,
      );
    },
  };
}

const STRING_METHODS: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  casefold: (s: string) => s.toLowerCase(),
  swapcase: (s: string) =>
    [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
  title: (s: string) => pythonTitle(s),
  capitalize: (s: string) => (s === "" ? "" : s[0]!.toUpperCase() + s.slice(1).toLowerCase()),
  strip: (s: string, [chars]) => stripChars(s, optionalChars(chars), true, true),
  lstrip: (s: string, [chars]) => stripChars(s, optionalChars(chars), true, false),
  rstrip: (s: string, [chars]) => stripChars(s, optionalChars(chars), false, true),
  split: (s: string, args, kwargs) => split(s, args, kwargs, false),
  rsplit: (s: string, args, kwargs) => split(s, args, kwargs, true),
  splitlines: (s: string, [keepends]) => {
    const lines = s.match(/[^\n\r]*(\r\n|\n|\r)|[^\n\r]+$/g) ?? [];
    return keepends === true ? lines : lines.map((line) => line.replace(/(\r\n|\n|\r)$/, ""));
  },
  join: (s: string, [items]) =>
    iterate(items ?? new Undefined("iterable"))
      .map((item) => text(item, "sequence item"))
      .join(s),
  replace: (s: string, [old, replacement, count]) => {
    const from = text(old, "replace() argument 1");
    const to = text(replacement, "replace() argument 2");
    let n = int(count, -1);
    if (n < 0)
      return from === ""
        ? [...s]
            .join(to)
            .replace(/^/, to)
            .concat(s === "" ? "" : to)
        : s.split(from).join(to);
    let out = "";
    let rest = s;
    while (n-- > 0) {
      const at = rest.indexOf(from);
      if (at === -1) break;
      out += rest.slice(0, at) + to;
      rest = rest.slice(at + from.length);
    }
    return out + rest;
  },
  startswith: (s: string, [prefix]) => affixTest(s, prefix, (x, p) => x.startsWith(p)),
  endswith: (s: string, [suffix]) => affixTest(s, suffix, (x, p) => x.endsWith(p)),
  find: (s: string, args) => find(s, args, false),
  rfind: (s: string, args) => find(s, args, true),
  index: (s: string, args) => {
    const at = find(s, args, false);
    if (at === -1) throw valueError("substring not found");
    return at;
  },
  rindex: (s: string, args) => {
    const at = find(s, args, true);
    if (at === -1) throw valueError("substring not found");
    return at;
  },
  count: (s: string, [needle]) => {
    const n = text(needle, "argument");
    return n === "" ? [...s].length + 1 : s.split(n).length - 1;
  },
  removeprefix: (s: string, [prefix]) => {
    const p = text(prefix, "argument");
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s: string, [suffix]) => {
    const p = text(suffix, "argument");
    return p !== "" && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  partition: (s: string, [sep]) => {
    const p = text(sep, "separator");
    const at = s.indexOf(p);
    return new PyTuple(at === -1 ? [s, "", ""] : [s.slice(0, at), p, s.slice(at + p.length)]);
  },
  rpartition: (s: string, [sep]) => {
    const p = text(sep, "separator");
    const at = s.lastIndexOf(p);
    return new PyTuple(at === -1 ? ["", "", s] : [s.slice(0, at), p, s.slice(at + p.length)]);
  },
  zfill: (s: string, [width]) => {
    const w = int(width, 0);
    const sign = /^[+-]/.test(s) ? s[0]! : "";
    return sign + s.slice(sign.length).padStart(w - sign.length, "0");
  },
  ljust: (s: string, [width, fill]) =>
    s.padEnd(int(width, 0), fill === undefined ? " " : text(fill, "fill")),
  rjust: (s: string, [width, fill]) =>
    s.padStart(int(width, 0), fill === undefined ? " " : text(fill, "fill")),
  center: (s: string, [width, fill]) => {
    const w = int(width, 0);
    const f = fill === undefined ? " " : text(fill, "fill");
    const missing = w - s.length;
    if (missing <= 0) return s;
    const left = Math.floor(missing / 2) + (missing % 2 && w % 2 ? 1 : 0);
    return f.repeat(left) + s + f.repeat(missing - left);
  },
  isdigit: (s: string) => s !== "" && /^\p{Nd}+$/u.test(s),
  isdecimal: (s: string) => s !== "" && /^\p{Nd}+$/u.test(s),
  isnumeric: (s: string) => s !== "" && /^[\p{Nd}\p{Nl}\p{No}]+$/u.test(s),
  isalpha: (s: string) => s !== "" && /^\p{L}+$/u.test(s),
  isalnum: (s: string) => s !== "" && /^[\p{L}\p{Nd}\p{Nl}\p{No}]+$/u.test(s),
  isspace: (s: string) => s !== "" && /^\s+$/.test(s),
  islower: (s: string) => isCased(s) && s === s.toLowerCase(),
  isupper: (s: string) => isCased(s) && s === s.toUpperCase(),
  istitle: (s: string) => isCased(s) && pythonTitle(s) === s,
  isidentifier: (s: string) => /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(s),
  expandtabs: (s: string, [size]) => s.replaceAll("\t", " ".repeat(int(size, 8))),
  encode: (s: string) => s,
  __mod__: (s: string, [right]) => percentFormat(s, right ?? null),
};

function listIndex(list: Value[], value: Value | undefined): number {
  const at = list.findIndex((item) => equals(item, value ?? null));
  if (at === -1) throw valueError(`${repr(value ?? null)} is not in list`);
  return at;
}

function sortKey(kwargs: Kwargs): { reverse: boolean } {
  if (kwargs.has("key")) throw typeError("sort() with key= is not supported in templates");
  return { reverse: kwargs.get("reverse") === true };
}

const LIST_METHODS: Record<string, Method> = {
  append: (list: Value[], [item]) => {
    list.push(item ?? null);
    return null;
  },
  extend: (list: Value[], [items]) => {
    list.push(...iterate(items ?? null));
    return null;
  },
  insert: (list: Value[], [index, item]) => {
    const i = int(index, 0);
    list.splice(i < 0 ? Math.max(0, list.length + i) : i, 0, item ?? null);
    return null;
  },
  pop: (list: Value[], [index]) => {
    if (list.length === 0) throw new JinjaError("IndexError", "pop from empty list");
    const i = int(index, -1);
    const at = i < 0 ? list.length + i : i;
    if (at < 0 || at >= list.length) throw new JinjaError("IndexError", "pop index out of range");
    return list.splice(at, 1)[0]!;
  },
  remove: (list: Value[], [item]) => {
    list.splice(listIndex(list, item), 1);
    return null;
  },
  index: (list: Value[], [item]) => listIndex(list, item),
  count: (list: Value[], [item]) => list.filter((x) => equals(x, item ?? null)).length,
  reverse: (list: Value[]) => {
    list.reverse();
    return null;
  },
  sort: (list: Value[], _args, kwargs) => {
    const { reverse } = sortKey(kwargs);
    list.sort((a, b) => compare(a, b, "<") * (reverse ? -1 : 1));
    return null;
  },
  copy: (list: Value[]) => [...list],
  clear: (list: Value[]) => {
    list.length = 0;
    return null;
  },
};

const TUPLE_METHODS: Record<string, Method> = {
  index: (tuple: PyTuple, [item]) => listIndex(tuple.items, item),
  count: (tuple: PyTuple, [item]) => tuple.items.filter((x) => equals(x, item ?? null)).length,
};

/** `d.keys()`, `d.values()`, `d.items()`: live views that print as Python's. */
export class DictView extends PyObject {
  readonly typeName: string;
  constructor(
    private readonly dict: PyDict,
    private readonly kind: "keys" | "values" | "items",
  ) {
    super();
    this.typeName = `dict_${kind}`;
  }
  getattr(): Value | undefined {
    return undefined;
  }
  override iterate(): Value[] {
    if (this.kind === "keys") return [...this.dict.keys()];
    if (this.kind === "values") return [...this.dict.values()];
    return [...this.dict.items()].map((pair) => new PyTuple(pair));
  }
  override length(): number {
    return this.dict.size;
  }
  override repr(): string {
    return `${this.typeName}([${this.iterate().map(repr).join(", ")}])`;
  }
  override truthy(): boolean {
    return this.dict.size > 0;
  }
}

const DICT_METHODS: Record<string, Method> = {
  get: (dict: PyDict, [key, fallback]) => dict.get(key ?? null) ?? fallback ?? null,
  keys: (dict: PyDict) => new DictView(dict, "keys"),
  values: (dict: PyDict) => new DictView(dict, "values"),
  items: (dict: PyDict) => new DictView(dict, "items"),
  update: (dict: PyDict, [other], kwargs) => {
    if (other instanceof PyDict) {
      for (const [key, value] of other.items()) dict.set(key, value);
    } else if (other !== undefined && other !== null) {
      for (const pair of iterate(other)) {
        const [key, value] = iterate(pair);
        dict.set(key ?? null, value ?? null);
      }
    }
    for (const [key, value] of kwargs) dict.set(key, value);
    return null;
  },
  pop: (dict: PyDict, [key, fallback]) => {
    const value = dict.get(key ?? null);
    if (value === undefined) {
      if (fallback !== undefined) return fallback;
      throw new JinjaError("KeyError", repr(key ?? null));
    }
    dict.delete(key ?? null);
    return value;
  },
  popitem: (dict: PyDict) => {
    const last = [...dict.items()].at(-1);
    if (!last) throw new JinjaError("KeyError", "'popitem(): dictionary is empty'");
    dict.delete(last[0]);
    return new PyTuple(last);
  },
  setdefault: (dict: PyDict, [key, fallback]) => {
    const found = dict.get(key ?? null);
    if (found !== undefined) return found;
    dict.set(key ?? null, fallback ?? null);
    return fallback ?? null;
  },
  copy: (dict: PyDict) => dict.copy(),
  clear: (dict: PyDict) => {
    dict.clear();
    return null;
  },
};
