/** Jinja2's own globals: range, dict, namespace, cycler, joiner (lipsum is random, so refused). */
import { Namespace } from "./interpreter.js";
import {
  JinjaError,
  type Kwargs,
  NativeFunction,
  numeric,
  PyDict,
  PyObject,
  typeError,
  type Value,
  valueError,
} from "./values.js";

/** The sandbox's limit on range(), as in jinja2.sandbox.MAX_RANGE. */
const MAX_RANGE = 100_000;

function integerArgument(value: Value | undefined, what: string): number {
  const n = value === undefined ? undefined : numeric(value);
  if (!n || n.float) throw typeError(`'${what}' object cannot be interpreted as an integer`);
  return n.n;
}

/** Python's range object: iterates, has a length and items, prints as `range(0, 3)`. */
export class PyRange extends PyObject {
  readonly typeName = "range";
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {
    super();
  }
  getattr(name: string): Value | undefined {
    if (name === "start" || name === "stop" || name === "step") return this[name];
    return undefined;
  }
  override iterate(): Value[] {
    const out: number[] = [];
    for (let i = this.start; this.step > 0 ? i < this.stop : i > this.stop; i += this.step)
      out.push(i);
    return out;
  }
  override length(): number {
    return Math.max(0, Math.ceil((this.stop - this.start) / this.step));
  }
  override getitem(key: Value): Value | undefined {
    const n = numeric(key);
    if (!n || n.float) return undefined;
    const items = this.iterate();
    return items[n.n < 0 ? items.length + n.n : n.n];
  }
  override truthy(): boolean {
    return this.length() > 0;
  }
  override repr(): string {
    return this.step === 1
      ? `range(${this.start}, ${this.stop})`
      : `range(${this.start}, ${this.stop}, ${this.step})`;
  }
  override equals(other: Value): boolean {
    return other instanceof PyRange && other.repr() === this.repr();
  }
}

class Cycler extends PyObject {
  readonly typeName = "Cycler";
  private position = 0;
  constructor(private readonly items: Value[]) {
    super();
  }
  getattr(name: string): Value | undefined {
    switch (name) {
      case "current":
        return this.items[this.position]!;
      case "next":
        return new NativeFunction("next", () => {
          const value = this.items[this.position]!;
          this.position = (this.position + 1) % this.items.length;
          return value;
        });
      case "reset":
        return new NativeFunction("reset", () => {
          this.position = 0;
          return null;
        });
      default:
        return undefined;
    }
  }
}

export const JINJA_GLOBALS: Record<string, Value> = {
  range: new NativeFunction("range", (args) => {
    const [a, b, c] = args.map((arg, i) => integerArgument(arg, ["start", "stop", "step"][i]!));
    const [start, stop] = b === undefined ? [0, a ?? 0] : [a!, b];
    const step = c ?? 1;
    if (step === 0) throw valueError("range() arg 3 must not be zero");
    const range = new PyRange(start, stop, step);
    if (range.length() > MAX_RANGE) {
      throw new JinjaError(
        "OverflowError",
        `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`,
      );
    }
    return range;
  }),
  dict: new NativeFunction("dict", (args, kwargs) => {
    const dict = args[0] instanceof PyDict ? args[0].copy() : new PyDict();
    for (const [key, value] of kwargs) dict.set(key, value);
    return dict;
  }),
  namespace: new NativeFunction("namespace", (args, kwargs: Kwargs) => {
    const values = new Map<string, Value>();
    if (args[0] instanceof PyDict)
      for (const [key, value] of args[0].items()) values.set(String(key), value);
    for (const [key, value] of kwargs) values.set(key, value);
    return new Namespace(values);
  }),
  cycler: new NativeFunction("cycler", (args) => new Cycler(args)),
  joiner: new NativeFunction("joiner", (args) => {
    const separator = args[0] ?? ", ";
    let used = false;
    return new NativeFunction("joiner", () => {
      if (!used) {
        used = true;
        return "";
      }
      return separator;
    });
  }),
  lipsum: new NativeFunction("lipsum", () => {
    throw valueError("lipsum() gives random text; it is refused here");
  }),
};
