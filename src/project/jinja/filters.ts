/** Jinja2's built-in filters (jinja2/filters.py, 3.1) and dbt's, with Python's semantics. */
import { getitem } from "./access.js";
import { PyGenerator } from "./generator.js";
import { percentFormat } from "./python-format.js";
import { pythonRound } from "./python-round.js";
import { runTest } from "./tests.js";
import {
  type CallSite,
  compare,
  floatRepr,
  iterate,
  JinjaError,
  type Kwargs,
  length,
  numeric,
  number,
  PyDict,
  PyFloat,
  PyObject,
  PyTuple,
  repr,
  str,
  toInteger,
  truthy,
  typeError,
  typeName,
  Undefined,
  type Value,
  valueError,
} from "./values.js";

type Filter = (value: Value, args: Value[], kwargs: Kwargs, site: CallSite) => Value;

/** Python-style argument binding: positional first, then keywords, then defaults. */
function bind(
  name: string,
  args: Value[],
  kwargs: Kwargs,
  names: string[],
  defaults: Value[] = [],
): Value[] {
  if (args.length > names.length) {
    throw typeError(`${name}() takes at most ${names.length} argument(s) (${args.length} given)`);
  }
  const bound: Value[] = [];
  const firstDefault = names.length - defaults.length;
  names.forEach((param, i) => {
    const value = i < args.length ? args[i] : kwargs.get(param);
    if (i < args.length && kwargs.has(param))
      throw typeError(`${name}() got multiple values for argument '${param}'`);
    if (value !== undefined) bound.push(value);
    else if (i >= firstDefault) bound.push(defaults[i - firstDefault]!);
    else throw typeError(`${name}() missing required argument '${param}'`);
  });
  for (const key of kwargs.keys()) {
    if (!names.includes(key))
      throw typeError(`${name}() got an unexpected keyword argument '${key}'`);
  }
  return bound;
}

const ignoreCase = (value: Value): Value =>
  typeof value === "string" ? value.toLowerCase() : value;

function attributeParts(attribute: Value): Value[] {
  if (attribute === null || attribute instanceof Undefined) return [];
  if (typeof attribute === "string")
    return attribute.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return [attribute];
}

/** Jinja2's make_attrgetter: dotted item lookups, optionally lower-cased. */
function attrGetter(
  attribute: Value,
  postprocess?: (v: Value) => Value,
  fallback?: Value,
): (item: Value) => Value {
  const parts = attributeParts(attribute);
  return (item) => {
    let value = item;
    for (const part of parts) {
      value = getitem(value, part);
      if (fallback !== undefined && fallback !== null && value instanceof Undefined)
        value = fallback;
    }
    return postprocess ? postprocess(value) : value;
  };
}

function multiAttrGetter(
  attribute: Value,
  postprocess?: (v: Value) => Value,
): (item: Value) => Value[] {
  const getters = (typeof attribute === "string" ? attribute.split(",") : [attribute]).map((part) =>
    attrGetter(part, postprocess),
  );
  return (item) => getters.map((getter) => getter(item));
}

function sortBy<T>(items: T[], key: (item: T) => Value | Value[], reverse: boolean): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => {
    const c =
      Array.isArray(a.key) && Array.isArray(b.key)
        ? compare(a.key, b.key, "<")
        : compare(a.key as Value, b.key as Value, "<");
    return reverse ? -c : c;
  });
  return keyed.map((entry) => entry.item);
}

function minOrMax(
  value: Value,
  args: Value[],
  kwargs: Kwargs,
  pick: (c: number) => boolean,
  name: string,
): Value {
  const [caseSensitive, attribute] = bind(
    name,
    args,
    kwargs,
    ["case_sensitive", "attribute"],
    [false, null],
  );
  const items = iterate(value);
  if (items.length === 0)
    return new Undefined(undefined, undefined, "No aggregated item, sequence was empty.");
  const key = attrGetter(attribute!, truthy(caseSensitive!) ? undefined : ignoreCase);
  let best: Value = items[0]!;
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    if (pick(compare(k, bestKey, name === "min" ? "<" : ">"))) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

function add(a: Value, b: Value): Value {
  const x = numeric(a);
  const y = numeric(b);
  if (x && y) return number(x.n + y.n, x.float || y.float);
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  throw typeError(`unsupported operand type(s) for +: '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's float() of a string, or undefined when it is not a number. */
function parseFloatText(text: string): number | undefined {
  const t = text.trim().replaceAll("_", "").toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  return undefined;
}

/** Python's int(text, base), or undefined where it would raise. */
function parseIntText(text: string, base: number): number | undefined {
  const match = /^\s*([+-]?)(0[bBoOxX])?([0-9a-zA-Z]+(?:_[0-9a-zA-Z]+)*)\s*$/.exec(text);
  if (!match) return undefined;
  const prefixBase = match[2]
    ? { b: 2, o: 8, x: 16 }[match[2][1]!.toLowerCase() as "b" | "o" | "x"]
    : undefined;
  const radix = base === 0 ? (prefixBase ?? 10) : base;
  if (prefixBase !== undefined && prefixBase !== radix) return undefined;
  const digits = match[3]!.replaceAll("_", "").toLowerCase();
  const allowed = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, radix);
  if ([...digits].some((d) => !allowed.includes(d))) return undefined;
  const n = parseInt(digits, radix);
  return match[1] === "-" ? -n : n;
}

function toFloat(value: Value): number | undefined {
  const n = numeric(value);
  if (n) return n.n;
  return typeof value === "string" ? parseFloatText(value) : undefined;
}

/** Python's json.dumps with Jinja2's tojson settings (sorted keys), made HTML-safe as tojson does. */
export function pythonJson(
  value: Value,
  options: { sortKeys: boolean; indent?: number },
  depth = 0,
): string {
  const indent = options.indent;
  const newline = (level: number) =>
    indent === undefined ? "" : `\n${" ".repeat(indent * level)}`;
  const itemSeparator = indent === undefined ? ", " : ",";
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return String(value);
  if (value instanceof PyFloat) {
    if (Number.isNaN(value.value)) return "NaN";
    if (!Number.isFinite(value.value)) return value.value > 0 ? "Infinity" : "-Infinity";
    return floatRepr(value.value);
  }
  if (typeof value === "string") return jsonString(value);
  const list = Array.isArray(value) ? value : value instanceof PyTuple ? value.items : undefined;
  if (list) {
    if (list.length === 0) return "[]";
    const inner = list.map((item) => newline(depth + 1) + pythonJson(item, options, depth + 1));
    return `[${inner.join(itemSeparator)}${newline(depth)}]`;
  }
  if (value instanceof PyDict) {
    if (value.size === 0) return "{}";
    let entries = [...value.items()].map(([key, item]) => [jsonKey(key), item] as const);
    if (options.sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const inner = entries.map(
      ([key, item]) =>
        `${newline(depth + 1)}${jsonString(key)}: ${pythonJson(item, options, depth + 1)}`,
    );
    return `{${inner.join(itemSeparator)}${newline(depth)}}`;
  }
  throw typeError(`Object of type ${typeName(value)} is not JSON serializable`);
}

function jsonKey(key: Value): string {
  if (typeof key === "string") return key;
  if (
    typeof key === "boolean" ||
    key === null ||
    typeof key === "number" ||
    key instanceof PyFloat
  ) {
    return pythonJson(key, { sortKeys: false });
  }
  throw typeError(`keys must be str, int, float, bool or None, not ${typeName(key)}`);
}

function jsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) {
      if (code > 0xffff) {
        const high = Math.floor((code - 0x10000) / 0x400) + 0xd800;
        const low = ((code - 0x10000) % 0x400) + 0xdc00;
        out += `\\u${high.toString(16)}\\u${low.toString(16)}`;
      } else {
        out += `\\u${code.toString(16).padStart(4, "0")}`;
      }
    } else out += char;
  }
  return `${out}"`;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&#34;",
  "'": "&#39;",
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

function title(text: string): string {
  return text
    .split(/([-\s({[<]+)/)
    .filter((item) => item !== "")
    .map((item) => item[0]!.toUpperCase() + item.slice(1).toLowerCase())
    .join("");
}

function indent(text: string, width: Value, first: boolean, blank: boolean): string {
  const indention = typeof width === "string" ? width : " ".repeat(toInteger(width) ?? 4);
  const lines = `${text}\n`
    .match(/[^\n\r]*(?:\r\n|\n|\r)/g)!
    .map((line) => line.replace(/(\r\n|\n|\r)$/, ""));
  let out: string;
  if (blank) {
    out = lines.join(`\n${indention}`);
  } else {
    out = lines[0]!;
    const rest = lines.slice(1);
    if (rest.length > 0)
      out += `\n${rest.map((line) => (line ? indention + line : line)).join("\n")}`;
  }
  return first ? indention + out : out;
}

function selectOrReject(
  value: Value,
  args: Value[],
  kwargs: Kwargs,
  keep: boolean,
  byAttribute: boolean,
): Value {
  if (!truthy(value)) return new PyGenerator([]);
  let transform = (item: Value) => item;
  let offset = 0;
  if (byAttribute) {
    if (args.length === 0)
      throw new JinjaError("FilterArgumentError", "Missing parameter for attribute name");
    transform = attrGetter(args[0]!);
    offset = 1;
  }
  const testName = args[offset];
  const testArgs = args.slice(offset + 1);
  const passes = (item: Value) =>
    testName === undefined
      ? truthy(transform(item))
      : runTest(str(testName), transform(item), testArgs);
  void kwargs;
  return new PyGenerator(iterate(value).filter((item) => passes(item) === keep));
}

function sliceInto(items: Value[], slices: number, fill: Value): Value[] {
  const perSlice = Math.floor(items.length / slices);
  const withExtra = items.length % slices;
  let offset = 0;
  const out: Value[] = [];
  for (let n = 0; n < slices; n++) {
    const start = offset + n * perSlice;
    if (n < withExtra) offset++;
    const end = offset + (n + 1) * perSlice;
    const part = items.slice(start, end);
    if (fill !== null && n >= withExtra) part.push(fill);
    out.push(part);
  }
  return out;
}

/** The (grouper, list) pairs of `groupby`, which also have those two names as attributes. */
const groupTuple = (grouper: Value, list: Value[]) =>
  new PyTuple([grouper, list], ["grouper", "list"]);

const FILTERS: Record<string, Filter> = {
  abs: (value) => {
    const n = numeric(value);
    if (!n) throw typeError(`bad operand type for abs(): '${typeName(value)}'`);
    return number(Math.abs(n.n), n.float);
  },
  attr: (value, args, kwargs) => {
    const [name] = bind("attr", args, kwargs, ["name"]);
    if (value instanceof PyObject)
      return value.getattr(str(name!)) ?? new Undefined(str(name!), value);
    return new Undefined(str(name!), value);
  },
  batch: (value, args, kwargs) => {
    const [count, fill] = bind("batch", args, kwargs, ["linecount", "fill_with"], [null]);
    const n = toInteger(count!) ?? 1;
    const out: Value[] = [];
    let current: Value[] = [];
    for (const item of iterate(value)) {
      if (current.length === n) {
        out.push(current);
        current = [];
      }
      current.push(item);
    }
    if (current.length > 0) {
      if (fill !== null && current.length < n)
        current.push(...Array<Value>(n - current.length).fill(fill!));
      out.push(current);
    }
    return new PyGenerator(out);
  },
  capitalize: (value) => {
    const s = str(value);
    return s === "" ? "" : s[0]!.toUpperCase() + s.slice(1).toLowerCase();
  },
  center: (value, args, kwargs) => {
    const [width] = bind("center", args, kwargs, ["width"], [80]);
    const s = str(value);
    const missing = (toInteger(width!) ?? 80) - s.length;
    if (missing <= 0) return s;
    const left = Math.floor(missing / 2) + (missing % 2 && (toInteger(width!) ?? 80) % 2 ? 1 : 0);
    return " ".repeat(left) + s + " ".repeat(missing - left);
  },
  count: (value) => length(value),
  default: (value, args, kwargs) => {
    const [fallback, boolean] = bind(
      "default",
      args,
      kwargs,
      ["default_value", "boolean"],
      ["", false],
    );
    return value instanceof Undefined || (truthy(boolean!) && !truthy(value)) ? fallback! : value;
  },
  dictsort: (value, args, kwargs) => {
    const [caseSensitive, by, reverse] = bind(
      "dictsort",
      args,
      kwargs,
      ["case_sensitive", "by", "reverse"],
      [false, "key", false],
    );
    if (!(value instanceof PyDict)) throw typeError("dictsort requires a mapping");
    if (by !== "key" && by !== "value")
      throw new JinjaError("FilterArgumentError", 'You can only sort by either "key" or "value"');
    const position = by === "key" ? 0 : 1;
    const pairs = [...value.items()];
    const sorted = sortBy(
      pairs,
      (pair) => (truthy(caseSensitive!) ? pair[position] : ignoreCase(pair[position])),
      truthy(reverse!),
    );
    return sorted.map((pair) => new PyTuple(pair));
  },
  escape: (value) => escapeHtml(str(value)),
  filesizeformat: (value, args, kwargs) => {
    const [binary] = bind("filesizeformat", args, kwargs, ["binary"], [false]);
    const bytes = toFloat(value) ?? 0;
    const base = truthy(binary!) ? 1024 : 1000;
    const prefixes = truthy(binary!)
      ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
      : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    if (bytes === 1) return "1 Byte";
    if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
    let unit = base;
    for (let i = 0; i < prefixes.length; i++) {
      unit = base ** (i + 2);
      if (bytes < unit || i === prefixes.length - 1)
        return `${((base * bytes) / unit).toFixed(1)} ${prefixes[i]}`;
    }
    return "";
  },
  first: (value) => {
    const items = iterate(value);
    return items.length > 0
      ? items[0]!
      : new Undefined(undefined, undefined, "No first item, sequence was empty.");
  },
  float: (value, args, kwargs) => {
    const [fallback] = bind("float", args, kwargs, ["default"], [new PyFloat(0)]);
    const n = toFloat(value);
    return n === undefined ? fallback! : new PyFloat(n);
  },
  forceescape: (value) => escapeHtml(str(value)),
  format: (value, args, kwargs) => {
    if (args.length > 0 && kwargs.size > 0) {
      throw new JinjaError(
        "FilterArgumentError",
        "can't handle positional and keyword arguments at the same time",
      );
    }
    return percentFormat(
      str(value),
      kwargs.size > 0 ? PyDict.fromEntries(kwargs) : new PyTuple(args),
    );
  },
  groupby: (value, args, kwargs) => {
    const [attribute, fallback, caseSensitive] = bind(
      "groupby",
      args,
      kwargs,
      ["attribute", "default", "case_sensitive"],
      [null, false],
    );
    const key = attrGetter(attribute!, truthy(caseSensitive!) ? undefined : ignoreCase, fallback!);
    const output = attrGetter(attribute!, undefined, fallback!);
    const groups: PyTuple[] = [];
    let currentKey: Value | undefined;
    let current: Value[] = [];
    for (const item of sortBy(iterate(value), key, false)) {
      const k = key(item);
      if (currentKey !== undefined && compare(k, currentKey, "==") === 0) {
        current.push(item);
      } else {
        if (current.length > 0) groups.push(groupTuple(output(current[0]!), current));
        currentKey = k;
        current = [item];
      }
    }
    if (current.length > 0) groups.push(groupTuple(output(current[0]!), current));
    return groups;
  },
  indent: (value, args, kwargs) => {
    const [width, first, blank] = bind(
      "indent",
      args,
      kwargs,
      ["width", "first", "blank"],
      [4, false, false],
    );
    return indent(str(value), width!, truthy(first!), truthy(blank!));
  },
  int: (value, args, kwargs) => {
    const [fallback, base] = bind("int", args, kwargs, ["default", "base"], [0, 10]);
    if (typeof value === "string") {
      const parsed = parseIntText(value, toInteger(base!) ?? 10);
      if (parsed !== undefined) return parsed;
      const f = parseFloatText(value);
      return f === undefined || !Number.isFinite(f) ? fallback! : Math.trunc(f);
    }
    const n = numeric(value);
    return n && Number.isFinite(n.n) ? Math.trunc(n.n) : fallback!;
  },
  items: (value) => {
    if (value instanceof Undefined) return new PyGenerator([]);
    if (!(value instanceof PyDict)) throw typeError("Can only get item pairs from a mapping.");
    return new PyGenerator([...value.items()].map((pair) => new PyTuple(pair)));
  },
  join: (value, args, kwargs) => {
    const [separator, attribute] = bind("join", args, kwargs, ["d", "attribute"], ["", null]);
    let items = iterate(value);
    if (attribute !== null) items = items.map(attrGetter(attribute!));
    return items.map(str).join(str(separator!));
  },
  last: (value) => {
    if (value instanceof PyGenerator) throw typeError("'generator' object is not reversible");
    const items = iterate(value);
    return items.length > 0
      ? items.at(-1)!
      : new Undefined(undefined, undefined, "No last item, sequence was empty.");
  },
  length: (value) => length(value),
  list: (value) => [...iterate(value)],
  lower: (value) => str(value).toLowerCase(),
  map: (value, args, kwargs, site) => {
    if (!truthy(value)) return new PyGenerator([]);
    let fn: (item: Value) => Value;
    if (args.length === 0 && kwargs.has("attribute")) {
      const rest = new Map(kwargs);
      const attribute = rest.get("attribute")!;
      const fallback = rest.get("default") ?? null;
      rest.delete("attribute");
      rest.delete("default");
      if (rest.size > 0)
        throw new JinjaError(
          "FilterArgumentError",
          `Unexpected keyword argument '${[...rest.keys()][0]}'`,
        );
      fn = attrGetter(attribute, undefined, fallback);
    } else {
      if (args.length === 0)
        throw new JinjaError("FilterArgumentError", "map requires a filter argument");
      const name = str(args[0]!);
      fn = (item) => applyFilter(name, item, args.slice(1), kwargs, site);
    }
    return new PyGenerator(iterate(value).map(fn));
  },
  max: (value, args, kwargs) => minOrMax(value, args, kwargs, (c) => c > 0, "max"),
  min: (value, args, kwargs) => minOrMax(value, args, kwargs, (c) => c < 0, "min"),
  pprint: (value) => {
    const text = repr(value);
    if (text.length > 80)
      throw valueError("pprint of a value longer than 80 characters is not supported");
    return text;
  },
  random: () => {
    throw valueError("the random filter gives a different value every run; it is refused here");
  },
  reject: (value, args, kwargs) => selectOrReject(value, args, kwargs, false, false),
  rejectattr: (value, args, kwargs) => selectOrReject(value, args, kwargs, false, true),
  replace: (value, args, kwargs) => {
    const [old, replacement, count] = bind(
      "replace",
      args,
      kwargs,
      ["old", "new", "count"],
      [null],
    );
    const s = str(value);
    const from = str(old!);
    const to = str(replacement!);
    const n = count === null ? -1 : (toInteger(count!) ?? -1);
    if (n < 0)
      return from === "" ? to + [...s].map((c) => c + to).join("") : s.split(from).join(to);
    let out = "";
    let rest = s;
    for (let i = 0; i < n; i++) {
      const at = rest.indexOf(from);
      if (at === -1) break;
      out += rest.slice(0, at) + to;
      rest = rest.slice(at + from.length);
    }
    return out + rest;
  },
  reverse: (value) => {
    if (typeof value === "string") return [...value].reverse().join("");
    if (value instanceof PyDict) throw typeError("'dict' object is not reversible");
    return new PyGenerator(
      [...iterate(value)].reverse(),
      Array.isArray(value) ? "list_reverseiterator" : "generator",
    );
  },
  round: (value, args, kwargs) => {
    const [precision, method] = bind("round", args, kwargs, ["precision", "method"], [0, "common"]);
    const n = numeric(value);
    if (!n) throw typeError(`type ${typeName(value)} doesn't define __round__ method`);
    const digits = toInteger(precision!) ?? 0;
    if (method === "common") {
      if (!n.float) return digits >= 0 ? n.n : Number(pythonRound(n.n, digits));
      return new PyFloat(pythonRound(n.n, digits));
    }
    if (method !== "ceil" && method !== "floor")
      throw new JinjaError("FilterArgumentError", "method must be common, ceil or floor");
    const scale = 10 ** digits;
    const rounded = (method === "ceil" ? Math.ceil(n.n * scale) : Math.floor(n.n * scale)) / scale;
    return new PyFloat(rounded);
  },
  safe: (value) => value,
  select: (value, args, kwargs) => selectOrReject(value, args, kwargs, true, false),
  selectattr: (value, args, kwargs) => selectOrReject(value, args, kwargs, true, true),
  slice: (value, args, kwargs) => {
    const [slices, fill] = bind("slice", args, kwargs, ["slices", "fill_with"], [null]);
    return new PyGenerator(sliceInto(iterate(value), toInteger(slices!) ?? 1, fill!));
  },
  sort: (value, args, kwargs) => {
    const [reverse, caseSensitive, attribute] = bind(
      "sort",
      args,
      kwargs,
      ["reverse", "case_sensitive", "attribute"],
      [false, false, null],
    );
    const key = multiAttrGetter(attribute!, truthy(caseSensitive!) ? undefined : ignoreCase);
    return sortBy(iterate(value), (item) => key(item), truthy(reverse!));
  },
  string: (value) => str(value),
  striptags: (value) =>
    str(value)
      .replace(/<!--.*?-->|<[^>]*>/gs, "")
      .split(/\s+/)
      .filter(Boolean)
      .join(" ")
      .replace(
        /&(amp|lt|gt|quot|#39|#34);/g,
        (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#34": '"' })[e]!,
      ),
  sum: (value, args, kwargs) => {
    const [attribute, start] = bind("sum", args, kwargs, ["attribute", "start"], [null, 0]);
    let items = iterate(value);
    if (attribute !== null) items = items.map(attrGetter(attribute!));
    return items.reduce<Value>((total, item) => add(total, item), start!);
  },
  title: (value) => title(str(value)),
  tojson: (value, args, kwargs) => {
    const [indentBy] = bind("tojson", args, kwargs, ["indent"], [null]);
    return pythonJson(value, {
      sortKeys: true,
      indent: indentBy === null ? undefined : (toInteger(indentBy!) ?? undefined),
    })
      .replaceAll("<", "\\u003c")
      .replaceAll(">", "\\u003e")
      .replaceAll("&", "\\u0026")
      .replaceAll("'", "\\u0027");
  },
  trim: (value, args, kwargs) => {
    const [chars] = bind("trim", args, kwargs, ["chars"], [null]);
    const s = str(value);
    if (chars === null) return s.trim();
    const set = new Set(str(chars!));
    const items = [...s];
    let start = 0;
    let end = items.length;
    while (start < end && set.has(items[start]!)) start++;
    while (end > start && set.has(items[end - 1]!)) end--;
    return items.slice(start, end).join("");
  },
  truncate: (value, args, kwargs) => {
    const [size, killwords, end, leeway] = bind(
      "truncate",
      args,
      kwargs,
      ["length", "killwords", "end", "leeway"],
      [255, false, "...", null],
    );
    const s = str(value);
    const n = toInteger(size!) ?? 255;
    const tail = str(end!);
    const slack = leeway === null ? 5 : (toInteger(leeway!) ?? 5);
    if (s.length <= n + slack) return s;
    if (truthy(killwords!)) return s.slice(0, n - tail.length) + tail;
    const head = s.slice(0, n - tail.length);
    const cut = head.lastIndexOf(" ");
    return (cut === -1 ? head : head.slice(0, cut)) + tail;
  },
  unique: (value, args, kwargs) => {
    const [caseSensitive, attribute] = bind(
      "unique",
      args,
      kwargs,
      ["case_sensitive", "attribute"],
      [false, null],
    );
    const key = attrGetter(attribute!, truthy(caseSensitive!) ? undefined : ignoreCase);
    const seen = new PyDict();
    const out: Value[] = [];
    for (const item of iterate(value)) {
      const k = key(item);
      if (!seen.has(k)) {
        seen.set(k, true);
        out.push(item);
      }
    }
    return new PyGenerator(out);
  },
  upper: (value) => str(value).toUpperCase(),
  urlencode: (value) => {
    const quote = (s: string, safe: string) =>
      [...new TextEncoder().encode(s)]
        .map((byte) => {
          const c = String.fromCharCode(byte);
          return /[A-Za-z0-9_.\-~]/.test(c) || safe.includes(c)
            ? c
            : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
        })
        .join("");
    if (typeof value === "string") return quote(value, "/");
    const pairs =
      value instanceof PyDict
        ? [...value.items()]
        : iterate(value).map((pair) => iterate(pair) as [Value, Value]);
    return pairs.map(([k, v]) => `${quote(str(k), "")}=${quote(str(v), "")}`).join("&");
  },
  wordcount: (value) => (str(value).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  // dbt's native-rendering markers; in rendered SQL they leave the value as it is.
  as_text: (value) => value,
  as_bool: (value) => value,
  as_native: (value) => value,
  as_number: (value) => value,
};
FILTERS.d = FILTERS.default!;
FILTERS.e = FILTERS.escape!;

export function hasFilter(name: string): boolean {
  return Object.hasOwn(FILTERS, name);
}

export function applyFilter(
  name: string,
  value: Value,
  args: Value[],
  kwargs: Kwargs,
  site: CallSite,
): Value {
  const filter = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
  if (!filter) throw new JinjaError("TemplateAssertionError", `No filter named '${name}'.`);
  return filter(value, args, kwargs, site);
}
