/** Jinja2's tests (jinja2/tests.py): `x is defined`, `x is divisibleby(3)`, `x is in [...]`. */
import { hasFilter } from "./filters.js";
import { PyGenerator } from "./generator.js";
import {
  compare,
  contains,
  equals,
  isCallable,
  JinjaError,
  numeric,
  PyDict,
  PyFloat,
  PyObject,
  PyTuple,
  str,
  typeError,
  typeName,
  Undefined,
  type Value,
} from "./values.js";

type Test = (value: Value, args: Value[]) => boolean;

function integer(value: Value, what: string): number {
  const n = numeric(value);
  if (!n) throw typeError(`${what}: unsupported operand type '${typeName(value)}'`);
  return n.n;
}

function pythonMod(a: number, b: number): number {
  if (b === 0) throw new JinjaError("ZeroDivisionError", "integer modulo by zero");
  return ((a % b) + b) % b;
}

/** Python's str.islower()/isupper(): some cased character, and all of them in that case. */
function isCasedAs(s: string, toCase: (s: string) => string): boolean {
  return toCase(s) === s && s.toLowerCase() !== s.toUpperCase();
}

const ordered =
  (op: string, test: (c: number) => boolean): Test =>
  (value, [other]) =>
    test(compare(value, other ?? null, op));

const isIterable = (value: Value) =>
  typeof value === "string" ||
  Array.isArray(value) ||
  value instanceof PyTuple ||
  value instanceof PyDict ||
  value instanceof Undefined ||
  (value instanceof PyObject && value.iterate() !== undefined);

export const TESTS: Record<string, Test> = {
  odd: (value) => pythonMod(integer(value, "odd"), 2) === 1,
  even: (value) => pythonMod(integer(value, "even"), 2) === 0,
  divisibleby: (value, [num]) =>
    pythonMod(integer(value, "divisibleby"), integer(num ?? null, "divisibleby")) === 0,
  defined: (value) => !(value instanceof Undefined),
  undefined: (value) => value instanceof Undefined,
  filter: (value) => typeof value === "string" && hasFilter(value),
  test: (value) => typeof value === "string" && Object.hasOwn(TESTS, value),
  none: (value) => value === null,
  boolean: (value) => typeof value === "boolean",
  false: (value) => value === false,
  true: (value) => value === true,
  integer: (value) => typeof value === "number",
  float: (value) => value instanceof PyFloat,
  lower: (value) => isCasedAs(str(value), (s) => s.toLowerCase()),
  upper: (value) => isCasedAs(str(value), (s) => s.toUpperCase()),
  string: (value) => typeof value === "string",
  mapping: (value) => value instanceof PyDict || (value instanceof PyObject && value.isMapping()),
  number: (value) => numeric(value) !== undefined,
  sequence: (value) =>
    typeof value === "string" ||
    Array.isArray(value) ||
    value instanceof PyTuple ||
    value instanceof PyDict,
  iterable: (value) => isIterable(value) || value instanceof PyGenerator,
  callable: (value) => isCallable(value),
  sameas: (value, [other]) => value === (other ?? null),
  escaped: () => false,
  in: (value, [container]) => contains(container ?? null, value),
  "==": (value, [other]) => equals(value, other ?? null),
  eq: (value, [other]) => equals(value, other ?? null),
  equalto: (value, [other]) => equals(value, other ?? null),
  "!=": (value, [other]) => !equals(value, other ?? null),
  ne: (value, [other]) => !equals(value, other ?? null),
  ">": ordered(">", (c) => c > 0),
  gt: ordered(">", (c) => c > 0),
  greaterthan: ordered(">", (c) => c > 0),
  ">=": ordered(">=", (c) => c >= 0),
  ge: ordered(">=", (c) => c >= 0),
  "<": ordered("<", (c) => c < 0),
  lt: ordered("<", (c) => c < 0),
  lessthan: ordered("<", (c) => c < 0),
  "<=": ordered("<=", (c) => c <= 0),
  le: ordered("<=", (c) => c <= 0),
};

export function runTest(name: string, value: Value, args: Value[]): boolean {
  const test = Object.hasOwn(TESTS, name) ? TESTS[name] : undefined;
  if (!test) throw new JinjaError("TemplateRuntimeError", `No test named '${name}'.`);
  return test(value, args);
}
