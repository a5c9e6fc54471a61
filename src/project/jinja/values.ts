/**
 * Python's values as templates see them, with Python's semantics: `str`, `int` (JS numbers),
 * `float` (PyFloat, so `2.0` stays a float), `bool`, `None` (null), `list` (arrays), `tuple`,
 * `dict`, Jinja2's `Undefined`, callables, and objects with attributes (dbt's relations, `target`,
 * modules…). Truth, equality, ordering and arithmetic follow Python.
 */

export type Value =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | PyTuple
  | Value[]
  | PyDict
  | Undefined
  | PyCallable
  | PyObject;

export type Kwargs = Map<string, Value>;

/** A Python error raised while rendering; `type` is the Python exception class it stands for. */
export class JinjaError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const typeError = (message: string) => new JinjaError("TypeError", message);
export const valueError = (message: string) => new JinjaError("ValueError", message);

export class PyFloat {
  constructor(readonly value: number) {}
}

export class PyTuple {
  constructor(
    readonly items: Value[],
    /** A named tuple's field names (groupby's `grouper` and `list`). */
    readonly fields?: string[],
  ) {}
}

const NONE_KEY = Symbol("None");

/** A Python dict: insertion-ordered, keys compared as Python compares them (1 == 1.0 == True). */
export class PyDict {
  private readonly entries = new Map<unknown, Value>();
  /** Original key objects, for keys that are not plain strings. */
  private readonly keyObjects = new Map<unknown, Value>();

  static fromObject(record: Record<string, Value>): PyDict {
    const dict = new PyDict();
    for (const [key, value] of Object.entries(record)) dict.entries.set(key, value);
    return dict;
  }

  static fromEntries(entries: Iterable<[Value, Value]>): PyDict {
    const dict = new PyDict();
    for (const [key, value] of entries) dict.set(key, value);
    return dict;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: Value): boolean {
    return this.entries.has(dictKey(key));
  }

  get(key: Value): Value | undefined {
    return this.entries.get(dictKey(key));
  }

  set(key: Value, value: Value): void {
    const normal = dictKey(key);
    if (typeof key !== "string" && !this.entries.has(normal)) this.keyObjects.set(normal, key);
    this.entries.set(normal, value);
  }

  delete(key: Value): boolean {
    const normal = dictKey(key);
    this.keyObjects.delete(normal);
    return this.entries.delete(normal);
  }

  clear(): void {
    this.entries.clear();
    this.keyObjects.clear();
  }

  *keys(): IterableIterator<Value> {
    for (const normal of this.entries.keys()) yield this.keyObject(normal);
  }

  values(): IterableIterator<Value> {
    return this.entries.values();
  }

  *items(): IterableIterator<[Value, Value]> {
    for (const [normal, value] of this.entries) yield [this.keyObject(normal), value];
  }

  copy(): PyDict {
    const dict = new PyDict();
    for (const [key, value] of this.items()) dict.set(key, value);
    return dict;
  }

  private keyObject(normal: unknown): Value {
    return typeof normal === "string" ? normal : (this.keyObjects.get(normal) as Value);
  }
}

function dictKey(key: Value): unknown {
  if (typeof key === "string" || typeof key === "number") return key;
  if (typeof key === "boolean") return key ? 1 : 0;
  if (key === null) return NONE_KEY;
  if (key instanceof PyFloat) return key.value;
  if (key instanceof PyTuple) return `\0tuple${repr(key)}`;
  if (key instanceof Undefined) throw typeError("unhashable type: 'Undefined'");
  if (Array.isArray(key)) throw typeError("unhashable type: 'list'");
  if (key instanceof PyDict) throw typeError("unhashable type: 'dict'");
  return key;
}

/** Jinja2's Undefined: prints as '', is falsy and iterates as empty; anything else is an error. */
export class Undefined {
  constructor(
    readonly name?: string,
    /** The object the name was looked up on, when it was an attribute or item. */
    readonly owner?: Value,
    readonly hint?: string,
  ) {}

  get message(): string {
    if (this.hint) return this.hint;
    if (this.owner === undefined) return `'${this.name}' is undefined`;
    return `'${typeName(this.owner)}' object has no attribute '${this.name}'`;
  }

  error(): JinjaError {
    return new JinjaError("UndefinedError", this.message);
  }
}

/** Something templates can call: a macro, a dbt builtin, a bound method. */
export interface PyCallable {
  readonly callable: true;
  readonly name: string;
  call(args: Value[], kwargs: Kwargs, caller: CallSite): Value;
}

/** What a callee knows about who called it: the render it runs in. */
export interface CallSite {
  readonly context: RenderContext;
}

/** Per-render state shared by a template and every macro it calls. */
export interface RenderContext {
  /** Names defined outside templates: dbt's context, macros, packages. */
  resolve(name: string): Value | undefined;
  /** dbt's parse phase: undefined values absorb attribute access and calls instead of failing. */
  readonly lenient: boolean;
  /** Called when the lenient mode absorbed something, so the output is known to be provisional. */
  absorbed(): void;
}

export class NativeFunction implements PyCallable {
  readonly callable = true;
  constructor(
    readonly name: string,
    private readonly fn: (args: Value[], kwargs: Kwargs, caller: CallSite) => Value,
  ) {}

  call(args: Value[], kwargs: Kwargs, caller: CallSite): Value {
    return this.fn(args, kwargs, caller);
  }
}

export function isCallable(value: Value): value is PyCallable {
  return typeof value === "object" && value !== null && (value as PyCallable).callable === true;
}

/** An object with attributes: it decides what each attribute is, and how it prints. */
export abstract class PyObject {
  /** Python's type name, for messages. */
  abstract readonly typeName: string;
  /** The attribute, or undefined when there is none. */
  abstract getattr(name: string): Value | undefined;
  str(): string {
    return this.repr();
  }
  repr(): string {
    return `<${this.typeName} object>`;
  }
  truthy(): boolean {
    return true;
  }
  /** Whether `is mapping` holds (dbt's relations are mappings). */
  isMapping(): boolean {
    return false;
  }
  equals(other: Value): boolean {
    return this === other;
  }
  /** Items for `for`, `in` and list(); undefined when the object is not iterable. */
  iterate(): Iterable<Value> | undefined {
    return undefined;
  }
  getitem(_key: Value): Value | undefined {
    return undefined;
  }
  length(): number | undefined {
    return undefined;
  }
  /** `self <op> other` (or `other <op> self` when reflected), or undefined when unsupported. */
  operate(_op: string, _other: Value, _reflected: boolean): Value | undefined {
    return undefined;
  }
  /** Ordering against `other` (-1, 0, 1), or undefined when they cannot be ordered. */
  order(_other: Value): number | undefined {
    return undefined;
  }
}

export const NONE_STRING = "None";

export function typeName(value: Value): string {
  if (typeof value === "string") return "str";
  if (typeof value === "number") return "int";
  if (typeof value === "boolean") return "bool";
  if (value === null) return "NoneType";
  if (value instanceof PyFloat) return "float";
  if (value instanceof PyTuple) return "tuple";
  if (Array.isArray(value)) return "list";
  if (value instanceof PyDict) return "dict";
  if (value instanceof Undefined) return "Undefined";
  if (value instanceof PyObject) return value.typeName;
  return "function";
}

export function truthy(value: Value): boolean {
  switch (typeof value) {
    case "string":
      return value !== "";
    case "number":
      return value !== 0;
    case "boolean":
      return value;
    default:
      if (value === null || value instanceof Undefined) return false;
      if (Array.isArray(value)) return value.length > 0;
      if (value instanceof PyFloat) return value.value !== 0;
      if (value instanceof PyTuple) return value.items.length > 0;
      if (value instanceof PyDict) return value.size > 0;
      if (value instanceof PyObject) return value.truthy();
      return true;
  }
}

/** Python's str(). */
export function str(value: Value): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return intText(value);
    case "boolean":
      return value ? "True" : "False";
    default:
      if (value === null) return NONE_STRING;
      if (value instanceof Undefined) return "";
      if (value instanceof PyObject) return value.str();
      return repr(value);
  }
}

/** Python's repr(). */
export function repr(value: Value): string {
  switch (typeof value) {
    case "string":
      return stringRepr(value);
    case "number":
      return intText(value);
    case "boolean":
      return value ? "True" : "False";
    default:
      if (value === null) return NONE_STRING;
      if (value instanceof PyFloat) return floatRepr(value.value);
      if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
      if (value instanceof PyTuple) {
        const parts = value.items.map(repr);
        return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
      }
      if (value instanceof PyDict) {
        return `{${[...value.items()].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(", ")}}`;
      }
      if (value instanceof Undefined) return "Undefined";
      if (value instanceof PyObject) return value.repr();
      throw typeError(
        `'${value.name}' is a function: dbt would print '<function … at 0x…>', a different text every run; call it instead`,
      );
  }
}

function intText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value);
}

/** Python's float repr: the shortest round-trip digits, exponent outside 1e-4 ≤ |x| < 1e16. */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  const sign = value < 0 ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const exponentSign = exponent < 0 ? "-" : "+";
    return `${sign}${mantissa}e${exponentSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const digits = mantissa.replace(".", "");
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === "" ? "0" : fraction}`;
}

/** Python's str.__repr__: single quotes unless the text has one and no double quote. */
export function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return out + quote;
}

/** A numeric view of int, float and bool, or undefined for anything else. */
export function numeric(value: Value): { n: number; float: boolean } | undefined {
  if (typeof value === "number") return { n: value, float: false };
  if (typeof value === "boolean") return { n: value ? 1 : 0, float: false };
  if (value instanceof PyFloat) return { n: value.value, float: true };
  return undefined;
}

export function number(n: number, float: boolean): Value {
  return float ? new PyFloat(n) : n;
}

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const x = numeric(a);
  const y = numeric(b);
  if (x && y) return x.n === y.n;
  if (typeof a === "string" || typeof b === "string") return false;
  if (Array.isArray(a) && Array.isArray(b)) return sequenceEquals(a, b);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceEquals(a.items, b.items);
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    for (const [key, value] of a.items()) {
      const other = b.get(key);
      if (other === undefined || !equals(value, other)) return false;
    }
    return true;
  }
  if (a instanceof Undefined && b instanceof Undefined) return true;
  if (a instanceof PyObject) return a.equals(b);
  if (b instanceof PyObject) return b.equals(a);
  return false;
}

function sequenceEquals(a: Value[], b: Value[]): boolean {
  return a.length === b.length && a.every((item, i) => equals(item, b[i]!));
}

/** Python's ordering: numbers, strings and sequences; anything else is a TypeError. */
export function compare(a: Value, b: Value, op: string): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x && y) return x.n < y.n ? -1 : x.n > y.n ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const sa = Array.isArray(a) ? a : undefined;
  const sb = Array.isArray(b) ? b : undefined;
  const ta = a instanceof PyTuple ? a.items : undefined;
  const tb = b instanceof PyTuple ? b.items : undefined;
  const left = sa ?? ta;
  const right = (sa && sb) ?? (ta && tb);
  if (left && right) {
    for (let i = 0; i < Math.min(left.length, right.length); i++) {
      if (!equals(left[i]!, right[i]!)) return compare(left[i]!, right[i]!, op);
    }
    return left.length - right.length;
  }
  if (a instanceof PyObject) {
    const order = a.order(b);
    if (order !== undefined) return order;
  }
  if (b instanceof PyObject) {
    const order = b.order(a);
    if (order !== undefined) return -order;
  }
  if (a instanceof Undefined) throw a.error();
  if (b instanceof Undefined) throw b.error();
  throw typeError(
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Items of an iterable value, as Python's iter() gives them. */
export function iterate(value: Value): Value[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (value instanceof PyTuple) return value.items;
  if (value instanceof PyDict) return [...value.keys()];
  if (value instanceof Undefined) return [];
  if (value instanceof PyObject) {
    const items = value.iterate();
    if (items) return [...items];
  }
  throw typeError(`'${typeName(value)}' object is not iterable`);
}

export function length(value: Value): number {
  if (typeof value === "string") return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (value instanceof PyTuple) return value.items.length;
  if (value instanceof PyDict) return value.size;
  if (value instanceof Undefined) return 0;
  if (value instanceof PyObject) {
    const n = value.length() ?? (value.iterate() ? iterate(value).length : undefined);
    if (n !== undefined) return n;
  }
  throw typeError(`object of type '${typeName(value)}' has no len()`);
}

export function contains(container: Value, item: Value): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string") {
      throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (container instanceof PyDict) return container.has(item);
  if (container instanceof Undefined) return false;
  return iterate(container).some((element) => equals(element, item));
}

/** Python's int() of a value, as the `int` filter and int() need it. */
export function toInteger(value: Value): number | undefined {
  const n = numeric(value);
  if (n) return Math.trunc(n.n);
  if (typeof value === "string") {
    const text = value.trim().replaceAll("_", "");
    if (/^[+-]?\d+$/.test(text)) return Number(text);
  }
  return undefined;
}

export function toJs(value: Value): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof PyTuple) return value.items.map(toJs);
  if (Array.isArray(value)) return value.map(toJs);
  if (value instanceof PyDict) {
    const record: Record<string, unknown> = {};
    for (const [key, item] of value.items()) record[str(key)] = toJs(item);
    return record;
  }
  if (value instanceof Undefined) return undefined;
  if (value instanceof PyObject || isCallable(value)) return value;
  return value;
}

/** A JavaScript value (parsed YAML, configs) as a template value: objects become dicts. */
export function fromJs(value: unknown): Value {
  if (value === undefined) return new Undefined();
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isInteger(value) ? value : new PyFloat(value);
  if (Array.isArray(value)) return value.map(fromJs);
  if (value instanceof PyObject || value instanceof PyDict || value instanceof PyTuple)
    return value;
  if (value instanceof PyFloat || value instanceof Undefined) return value;
  if (typeof value === "object") {
    if (isCallable(value as Value)) return value as Value;
    const dict = new PyDict();
    for (const [key, item] of Object.entries(value)) dict.set(key, fromJs(item));
    return dict;
  }
  throw new TypeError(`cannot pass a ${typeof value} to a template`);
}
