/**
 * Renders a parsed template by walking its tree, with Jinja2's runtime semantics: a new
 * scope per loop iteration, per macro call and per block body; `if` shares its scope; macros bind
 * arguments as jinja2.runtime.Macro does; errors carry the file and line of the tag that failed.
 */
import { callValue, getattr, getitem, PySlice } from "./access.js";
import { applyFilter } from "./filters.js";
import { percentFormat } from "./python-format.js";
import type { Arguments, Expr, Parameter, Stmt, Target } from "./nodes.js";
import { runTest } from "./tests.js";
import {
  type CallSite,
  compare,
  contains,
  equals,
  iterate,
  JinjaError,
  type Kwargs,
  numeric,
  number,
  type PyCallable,
  PyDict,
  PyFloat,
  PyObject,
  PyTuple,
  type RenderContext,
  str,
  truthy,
  typeError,
  typeName,
  Undefined,
  type Value,
} from "./values.js";

/** One scope: its own names, then the enclosing scopes', then the render's context. */
export class Frame implements CallSite {
  readonly vars = new Map<string, Value>();

  constructor(
    readonly parent: Frame | undefined,
    readonly context: RenderContext,
  ) {}

  lookup(name: string): Value {
    const own = this.vars.get(name);
    if (own !== undefined) return own;
    return this.parent
      ? this.parent.lookup(name)
      : (this.context.resolve(name) ?? new Undefined(name));
  }
}

/** `{% break %}` and `{% continue %}`. */
class LoopSignal {
  constructor(readonly kind: "break" | "continue") {}
}
const BREAK = new LoopSignal("break");
const CONTINUE = new LoopSignal("continue");

/** dbt's `return(x)`: leaves the innermost dbt macro with the value `x`. */
export class MacroReturn {
  constructor(readonly value: Value) {}
}

/** A failure while rendering, at the innermost template location, with the macro calls around it. */
export class RenderError extends Error {
  /** Set while the error leaves a macro, until the caller's location is known. */
  pendingMacro?: string;
  readonly calls: { macro: string; file: string; line: number }[] = [];

  constructor(
    override readonly cause: unknown,
    readonly file: string,
    readonly line: number,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "RenderError";
  }
}

export function isControlSignal(error: unknown): boolean {
  return error instanceof LoopSignal || error instanceof MacroReturn;
}

function locate(error: unknown, file: string, line: number): unknown {
  if (isControlSignal(error)) return error;
  if (error instanceof RenderError) {
    if (error.pendingMacro !== undefined) {
      error.calls.push({ macro: error.pendingMacro, file, line });
      error.pendingMacro = undefined;
    }
    return error;
  }
  return new RenderError(error, file, line);
}

/** A macro's definition, shared by every call. */
export interface MacroDefinition {
  name: string;
  file: string;
  line: number;
  params: Parameter[];
  body: Stmt[];
  catchKwargs: boolean;
  catchVarargs: boolean;
  usesCaller: boolean;
}

/**
 * A macro as a value. A macro from a macro file (dbt's MacroGenerator) has no closure: it runs in
 * the context of whoever calls it, and `return(x)` leaves it with `x`. A macro defined inside a
 * template (or a call block's `caller`) closes over the scope it was defined in.
 */
export class Macro implements PyCallable {
  readonly callable = true;

  constructor(
    readonly definition: MacroDefinition,
    private readonly closure: Frame | undefined,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  call(args: Value[], kwargs: Kwargs, site: CallSite): Value {
    const frame = new Frame(this.closure, this.closure?.context ?? site.context);
    this.bind(frame, args, kwargs);
    const { body, file } = this.definition;
    if (this.closure) return renderBlock(body, frame, file);
    try {
      return renderBlock(body, frame, file);
    } catch (error) {
      if (error instanceof MacroReturn) return error.value;
      if (error instanceof RenderError) error.pendingMacro = this.definition.name;
      throw error;
    }
  }

  /** jinja2.runtime.Macro.__call__: positional, then keywords, then defaults; caller, kwargs, varargs. */
  private bind(frame: Frame, args: Value[], kwargs: Kwargs): void {
    const { params, catchKwargs, catchVarargs, usesCaller, name } = this.definition;
    const remaining = new Map(kwargs);
    const pending: Parameter[] = [];
    params.forEach((param, i) => {
      if (i < args.length) {
        frame.vars.set(param.name, args[i]!);
        return;
      }
      const given = remaining.get(param.name);
      if (given !== undefined) {
        remaining.delete(param.name);
        frame.vars.set(param.name, given);
        return;
      }
      pending.push(param);
    });
    if (usesCaller && !params.some((param) => param.name === "caller")) {
      const caller = remaining.get("caller");
      remaining.delete("caller");
      frame.vars.set("caller", caller ?? new Undefined("caller", undefined, "No caller defined"));
    }
    if (catchKwargs) {
      frame.vars.set("kwargs", PyDict.fromEntries(remaining));
    } else if (remaining.size > 0) {
      const key = [...remaining.keys()][0]!;
      throw typeError(
        key === "caller"
          ? `macro '${name}' was invoked with a caller block, but it does not call caller()`
          : `macro '${name}' takes no keyword argument '${key}'`,
      );
    }
    if (catchVarargs) {
      frame.vars.set("varargs", new PyTuple(args.slice(params.length)));
    } else if (args.length > params.length) {
      throw typeError(`macro '${name}' takes not more than ${params.length} argument(s)`);
    }
    for (const param of pending) {
      frame.vars.set(
        param.name,
        param.default
          ? evaluate(param.default, frame)
          : new Undefined(param.name, undefined, `parameter '${param.name}' was not provided`),
      );
    }
  }
}

/** Jinja2's `loop` variable. */
class LoopContext extends PyObject {
  readonly typeName = "LoopContext";
  index0 = 0;
  private lastChanged: Value[] | undefined;

  constructor(private readonly items: Value[]) {
    super();
  }

  getattr(name: string): Value | undefined {
    const i = this.index0;
    const n = this.items.length;
    switch (name) {
      case "index":
        return i + 1;
      case "index0":
        return i;
      case "revindex":
        return n - i;
      case "revindex0":
        return n - i - 1;
      case "first":
        return i === 0;
      case "last":
        return i === n - 1;
      case "length":
        return n;
      case "depth":
        return 1;
      case "depth0":
        return 0;
      case "previtem":
        return i > 0
          ? this.items[i - 1]!
          : new Undefined("previtem", undefined, "there is no previous item");
      case "nextitem":
        return i < n - 1
          ? this.items[i + 1]!
          : new Undefined("nextitem", undefined, "there is no next item");
      case "cycle":
        return native("cycle", (args) => {
          if (args.length === 0) throw typeError("no items for cycling given");
          return args[i % args.length]!;
        });
      case "changed":
        return native("changed", (args) => {
          const changed = this.lastChanged === undefined || !equals(args, this.lastChanged);
          this.lastChanged = args;
          return changed;
        });
      default:
        return undefined;
    }
  }
}

function native(
  name: string,
  fn: (args: Value[], kwargs: Kwargs, site: CallSite) => Value,
): PyCallable {
  return { callable: true, name, call: fn };
}

/** Renders statements in `frame`; failures carry `file` and the line of the tag that failed. */
export function renderBlock(statements: readonly Stmt[], frame: Frame, file: string): string {
  let out = "";
  for (const statement of statements) out += renderStatement(statement, frame, file);
  return out;
}

function renderStatement(node: Stmt, frame: Frame, file: string): string {
  switch (node.kind) {
    case "output": {
      let out = "";
      for (const part of node.nodes) {
        if (part.kind === "data") {
          out += part.text;
          continue;
        }
        try {
          out += str(evaluate(part, frame));
        } catch (error) {
          throw locate(error, file, part.line);
        }
      }
      return out;
    }
    case "if": {
      let test: boolean;
      try {
        test = truthy(evaluate(node.test, frame));
      } catch (error) {
        throw locate(error, file, node.line);
      }
      return renderBlock(test ? node.body : node.otherwise, frame, file);
    }
    case "for":
      return forLoop(node, frame, file);
    case "macro":
      // dbt's MacroFuzzParser renames every macro a template defines, so none is callable by name.
      frame.vars.set(`dbt_macro__${node.name}`, new Macro(definitionOf(node, file), frame));
      return "";
    case "break":
    case "continue":
      throw node.kind === "break" ? BREAK : CONTINUE;
  }
  try {
    return locatedStatement(node, frame, file);
  } catch (error) {
    throw locate(error, file, node.line);
  }
}

/** The statements whose every failure is reported at the tag's own line. */
function locatedStatement(
  node: Extract<Stmt, { kind: "set" | "setblock" | "do" | "callblock" | "filterblock" | "with" }>,
  frame: Frame,
  file: string,
): string {
  switch (node.kind) {
    case "set":
      assign(node.target, frame, evaluate(node.value, frame));
      return "";
    case "setblock": {
      const text: Value = renderBlock(node.body, new Frame(frame, frame.context), file);
      assign(node.target, frame, node.filter ? filterChain(node.filter, frame, text) : text);
      return "";
    }
    case "do":
      evaluate(node.expr, frame);
      return "";
    case "callblock": {
      const call = node.call as Extract<Expr, { kind: "call" }>;
      const fn = evaluate(call.callee, frame);
      const [positional, keywords] = evaluateArgs(call.args, frame);
      keywords.set("caller", new Macro(definitionOf(node, file), frame));
      return str(callValue(fn, positional, keywords, frame));
    }
    case "filterblock":
      return str(
        filterChain(
          node.filter,
          frame,
          renderBlock(node.body, new Frame(frame, frame.context), file),
        ),
      );
    case "with": {
      const scope = new Frame(frame, frame.context);
      node.values.forEach((value, i) => assign(node.targets[i]!, scope, evaluate(value, frame)));
      return renderBlock(node.body, scope, file);
    }
  }
}

function forLoop(node: Extract<Stmt, { kind: "for" }>, frame: Frame, file: string): string {
  let items: Value[];
  try {
    items = iterate(evaluate(node.iter, frame));
    const test = node.test;
    if (test) {
      items = items.filter((item) => {
        const scope = new Frame(frame, frame.context);
        assign(node.target, scope, item);
        return truthy(evaluate(test, scope));
      });
    }
  } catch (error) {
    throw locate(error, file, node.line);
  }
  if (items.length === 0) return renderBlock(node.otherwise, new Frame(frame, frame.context), file);
  const loop = new LoopContext(items);
  let out = "";
  for (let i = 0; i < items.length; i++) {
    loop.index0 = i;
    const scope = new Frame(frame, frame.context);
    scope.vars.set("loop", loop);
    try {
      assign(node.target, scope, items[i]!);
    } catch (error) {
      throw locate(error, file, node.line);
    }
    try {
      out += renderBlock(node.body, scope, file);
    } catch (error) {
      if (error === BREAK) break;
      if (error === CONTINUE) continue;
      throw error;
    }
  }
  return out;
}

/** Macro definitions by their tag, so a template rendered many times reads its tags once. */
const definitions = new WeakMap<Stmt, MacroDefinition>();

function definitionOf(
  node: Extract<Stmt, { kind: "macro" | "callblock" }>,
  file: string,
): MacroDefinition {
  let definition = definitions.get(node);
  if (!definition) {
    definition = macroDefinition(
      node.kind === "macro" ? node.name : "caller",
      node.params,
      node.body,
      node.line,
      file,
    );
    definitions.set(node, definition);
  }
  return definition;
}

export function macroDefinition(
  name: string,
  params: Parameter[],
  body: Stmt[],
  line: number,
  file: string,
): MacroDefinition {
  const used = namesUsed(body);
  return {
    name,
    file,
    line,
    params,
    body,
    catchKwargs: used.has("kwargs"),
    catchVarargs: used.has("varargs"),
    usesCaller: used.has("caller"),
  };
}

function assign(target: Target, frame: Frame, value: Value): void {
  switch (target.kind) {
    case "name":
      frame.vars.set(target.name, value);
      return;
    case "tuple": {
      const parts = target.items;
      const items = iterate(value);
      if (items.length !== parts.length) {
        throw new JinjaError(
          "ValueError",
          items.length > parts.length
            ? `too many values to unpack (expected ${parts.length})`
            : `not enough values to unpack (expected ${parts.length}, got ${items.length})`,
        );
      }
      parts.forEach((part, i) => assign(part, frame, items[i]!));
      return;
    }
    case "nsref": {
      const ns = frame.lookup(target.namespace);
      if (!(ns instanceof Namespace)) {
        throw new JinjaError(
          "TemplateRuntimeError",
          "cannot assign attribute on non-namespace object",
        );
      }
      ns.values.set(target.attr, value);
    }
  }
}

/** A `{% filter %}` or `{% set x | f %}` filter chain, applied to a rendered body. */
function filterChain(node: Expr, frame: Frame, input: Value): Value {
  if (node.kind !== "filter") throw new JinjaError("TemplateSyntaxError", "expected a filter");
  const value = node.operand ? filterChain(node.operand, frame, input) : input;
  const [positional, keywords] = evaluateArgs(node.args, frame);
  return applyFilter(node.name, value, positional, keywords, frame);
}

function evaluateArgs(node: Arguments, frame: Frame): [Value[], Kwargs] {
  const values = node.positional.map((arg) => evaluate(arg, frame));
  if (node.spread) values.push(...iterate(evaluate(node.spread, frame)));
  const kwargs: Kwargs = new Map();
  for (const { name, value } of node.keywords) kwargs.set(name, evaluate(value, frame));
  if (node.spreadKeywords) {
    const mapping = evaluate(node.spreadKeywords, frame);
    if (!(mapping instanceof PyDict))
      throw typeError(`argument after ** must be a mapping, not ${typeName(mapping)}`);
    for (const [key, value] of mapping.items()) {
      const name = str(key);
      if (kwargs.has(name)) throw typeError(`got multiple values for keyword argument '${name}'`);
      kwargs.set(name, value);
    }
  }
  return [values, kwargs];
}

/** An expression's value. */
export function evaluate(node: Expr, frame: Frame): Value {
  switch (node.kind) {
    case "const": {
      const value = node.value;
      return typeof value === "object" && value !== null ? new PyFloat(value.float) : value;
    }
    case "name":
      return frame.lookup(node.name);
    case "list":
      return node.items.map((item) => evaluate(item, frame));
    case "tuple":
      return new PyTuple(node.items.map((item) => evaluate(item, frame)));
    case "dict": {
      const dict = new PyDict();
      for (const [key, value] of node.items) dict.set(evaluate(key, frame), evaluate(value, frame));
      return dict;
    }
    case "getattr":
      return getattr(evaluate(node.object, frame), node.attr, frame);
    case "getitem":
      return getitem(evaluate(node.object, frame), evaluate(node.key, frame), frame);
    case "slice": {
      const part = (expr: Expr | undefined) => (expr ? evaluate(expr, frame) : null);
      return new PySlice(part(node.start), part(node.stop), part(node.step));
    }
    case "call": {
      const fn = evaluate(node.callee, frame);
      const [positional, keywords] = evaluateArgs(node.args, frame);
      return callValue(fn, positional, keywords, frame);
    }
    case "filter": {
      const value = node.operand ? evaluate(node.operand, frame) : null;
      const [positional, keywords] = evaluateArgs(node.args, frame);
      return applyFilter(node.name, value, positional, keywords, frame);
    }
    case "test": {
      const value = evaluate(node.operand, frame);
      const [positional] = evaluateArgs(node.args, frame);
      return runTest(node.name, value, positional);
    }
    case "not":
      return !truthy(evaluate(node.operand, frame));
    case "neg":
    case "pos": {
      const sign = node.kind === "neg" ? -1 : 1;
      const value = evaluate(node.operand, frame);
      const n = numeric(value);
      if (!n) {
        if (value instanceof Undefined) throw value.error();
        throw typeError(`bad operand type for unary ${sign < 0 ? "-" : "+"}: '${typeName(value)}'`);
      }
      return number(sign * n.n, n.float);
    }
    case "and": {
      const value = evaluate(node.left, frame);
      return truthy(value) ? evaluate(node.right, frame) : value;
    }
    case "or": {
      const value = evaluate(node.left, frame);
      return truthy(value) ? value : evaluate(node.right, frame);
    }
    case "binary":
      return binary(node.op, evaluate(node.left, frame), evaluate(node.right, frame));
    case "concat": {
      let out = "";
      for (const item of node.items) out += str(evaluate(item, frame));
      return out;
    }
    case "compare": {
      let left = evaluate(node.first, frame);
      for (const { op, expr } of node.ops) {
        const right = evaluate(expr, frame);
        if (!compareOp(op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case "condexpr":
      if (truthy(evaluate(node.test, frame))) return evaluate(node.then, frame);
      return node.otherwise
        ? evaluate(node.otherwise, frame)
        : new Undefined(
            undefined,
            undefined,
            `the inline if-expression on line ${node.line} evaluated to false and no else section was defined.`,
          );
    case "nsref":
      throw new JinjaError("TemplateSyntaxError", "a namespace reference can only be assigned to");
  }
}

function compareOp(op: string, left: Value, right: Value): boolean {
  switch (op) {
    case "==":
      return equals(left, right);
    case "!=":
      return !equals(left, right);
    case "in":
      return contains(right, left);
    case "notin":
      return !contains(right, left);
    case "<":
      return compare(left, right, op) < 0;
    case "<=":
      return compare(left, right, op) <= 0;
    case ">":
      return compare(left, right, op) > 0;
    default:
      return compare(left, right, op) >= 0;
  }
}

function unsupported(op: string, a: Value, b: Value): JinjaError {
  if (a instanceof Undefined) return a.error();
  if (b instanceof Undefined) return b.error();
  return typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function repeat(items: Value, times: Value): Value | undefined {
  const n = numeric(times);
  if (!n || n.float || typeof times === "boolean") return undefined;
  const count = Math.max(0, n.n);
  if (typeof items === "string") return items.repeat(count);
  if (Array.isArray(items)) return Array.from({ length: count }, () => items).flat(1) as Value[];
  if (items instanceof PyTuple)
    return new PyTuple(Array.from({ length: count }, () => items.items).flat(1) as Value[]);
  return undefined;
}

/** Python's arithmetic operators. */
export function binary(op: string, a: Value, b: Value): Value {
  const x = numeric(a);
  const y = numeric(b);
  if (x && y) {
    const float = x.float || y.float;
    switch (op) {
      case "+":
        return number(x.n + y.n, float);
      case "-":
        return number(x.n - y.n, float);
      case "*":
        return number(x.n * y.n, float);
      case "/":
        if (y.n === 0) throw new JinjaError("ZeroDivisionError", "division by zero");
        return new PyFloat(x.n / y.n);
      case "//":
        if (y.n === 0)
          throw new JinjaError("ZeroDivisionError", "integer division or modulo by zero");
        return number(Math.floor(x.n / y.n), float);
      case "%": {
        if (y.n === 0)
          throw new JinjaError("ZeroDivisionError", "integer division or modulo by zero");
        const r = x.n % y.n;
        return number(r !== 0 && r < 0 !== y.n < 0 ? r + y.n : r, float);
      }
      case "**": {
        const result = x.n ** y.n;
        return number(result, float || y.n < 0);
      }
    }
  }
  if (a instanceof PyObject) {
    const result = a.operate(op, b, false);
    if (result !== undefined) return result;
  }
  if (b instanceof PyObject) {
    const result = b.operate(op, a, true);
    if (result !== undefined) return result;
  }
  switch (op) {
    case "+":
      if (typeof a === "string" && typeof b === "string") return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      if (a instanceof PyTuple && b instanceof PyTuple)
        return new PyTuple([...a.items, ...b.items]);
      if (typeof a === "string" && !(b instanceof Undefined)) {
        throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
      }
      break;
    case "*": {
      const repeated = repeat(a, b) ?? repeat(b, a);
      if (repeated !== undefined) return repeated;
      break;
    }
    case "%":
      if (typeof a === "string") return percentFormat(a, b);
      break;
  }
  throw unsupported(op, a, b);
}

/** Jinja2's `namespace()`: an object whose attributes `{% set ns.x = … %}` can change. */
export class Namespace extends PyObject {
  readonly typeName = "Namespace";
  constructor(readonly values: Map<string, Value>) {
    super();
  }
  getattr(name: string): Value | undefined {
    return this.values.get(name);
  }
  override repr(): string {
    return `<Namespace ${str(PyDict.fromEntries(this.values))}>`;
  }
}

/** Names a macro body reads, to know whether it takes `caller`, `kwargs` or `varargs`. */
function namesUsed(body: Stmt[]): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const record = node as Record<string, unknown>;
    if (record.kind === "name" && typeof record.name === "string") names.add(record.name);
    for (const value of Object.values(record)) if (typeof value === "object") visit(value);
  };
  visit(body);
  return names;
}
