/**
 * Turns a parsed template into closures that render it, with Jinja2's runtime semantics: a new
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

export type ExprFn = (frame: Frame) => Value;
export type BlockFn = (frame: Frame) => string;

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

/** A macro's compiled definition, shared by every call. */
export interface MacroDefinition {
  name: string;
  file: string;
  line: number;
  params: { name: string; default?: ExprFn }[];
  body: BlockFn;
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
    if (this.closure) return this.definition.body(frame);
    try {
      return this.definition.body(frame);
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
    const pending: { name: string; default?: ExprFn }[] = [];
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
          ? param.default(frame)
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

export class Compiler {
  constructor(private readonly file: string) {}

  block(statements: Stmt[]): BlockFn {
    const parts = statements.map((statement) => this.statement(statement));
    if (parts.length === 0) return () => "";
    if (parts.length === 1) return parts[0]!;
    return (frame) => {
      let out = "";
      for (const part of parts) out += part(frame);
      return out;
    };
  }

  /** Wraps a closure so that its failures carry this file and `line`. */
  private located<T>(line: number, fn: (frame: Frame) => T): (frame: Frame) => T {
    const file = this.file;
    return (frame) => {
      try {
        return fn(frame);
      } catch (error) {
        throw locate(error, file, line);
      }
    };
  }

  private statement(node: Stmt): BlockFn {
    switch (node.kind) {
      case "output": {
        const parts = node.nodes.map((part): BlockFn => {
          if (part.kind === "data") {
            const text = part.text;
            return () => text;
          }
          const expr = this.expr(part);
          return this.located(part.line, (frame) => str(expr(frame)));
        });
        return parts.length === 1
          ? parts[0]!
          : (frame) => {
              let out = "";
              for (const part of parts) out += part(frame);
              return out;
            };
      }
      case "if": {
        const test = this.located(node.line, this.expr(node.test));
        const body = this.block(node.body);
        const otherwise = this.block(node.otherwise);
        return (frame) => (truthy(test(frame)) ? body(frame) : otherwise(frame));
      }
      case "for":
        return this.forLoop(node);
      case "set": {
        const value = this.expr(node.value);
        const assign = this.assigner(node.target);
        return this.located(node.line, (frame) => {
          assign(frame, value(frame));
          return "";
        });
      }
      case "setblock": {
        const body = this.block(node.body);
        const filter = node.filter ? this.filterChain(node.filter) : undefined;
        const assign = this.assigner(node.target);
        return this.located(node.line, (frame) => {
          const text: Value = body(new Frame(frame, frame.context));
          assign(frame, filter ? filter(frame, text) : text);
          return "";
        });
      }
      case "do": {
        const expr = this.expr(node.expr);
        return this.located(node.line, (frame) => {
          expr(frame);
          return "";
        });
      }
      case "macro": {
        const definition = this.macro(node.name, node.params, node.body, node.line);
        // dbt's MacroFuzzParser renames every macro a template defines, so none is callable by name.
        const bound = `dbt_macro__${node.name}`;
        return (frame) => {
          frame.vars.set(bound, new Macro(definition, frame));
          return "";
        };
      }
      case "callblock": {
        const caller = this.macro("caller", node.params, node.body, node.line);
        const call = node.call as Extract<Expr, { kind: "call" }>;
        const callee = this.expr(call.callee);
        const args = this.args(call.args);
        return this.located(node.line, (frame) => {
          const fn = callee(frame);
          const [positional, keywords] = args(frame);
          keywords.set("caller", new Macro(caller, frame));
          return str(callValue(fn, positional, keywords, frame));
        });
      }
      case "filterblock": {
        const body = this.block(node.body);
        const filter = this.filterChain(node.filter);
        return this.located(node.line, (frame) =>
          str(filter(frame, body(new Frame(frame, frame.context)))),
        );
      }
      case "with": {
        const values = node.values.map((value) => this.expr(value));
        const assigns = node.targets.map((target) => this.assigner(target));
        const body = this.block(node.body);
        return this.located(node.line, (frame) => {
          const scope = new Frame(frame, frame.context);
          values.forEach((value, i) => assigns[i]!(scope, value(frame)));
          return body(scope);
        });
      }
      case "break":
      case "continue": {
        const signal = new LoopSignal(node.kind);
        return () => {
          throw signal;
        };
      }
    }
  }

  private forLoop(node: Extract<Stmt, { kind: "for" }>): BlockFn {
    if (node.recursive) {
      throw new JinjaError("TemplateSyntaxError", "recursive for loops are not supported");
    }
    const iter = this.located(node.line, this.expr(node.iter));
    const assign = this.assigner(node.target);
    const test = node.test ? this.located(node.line, this.expr(node.test)) : undefined;
    const body = this.block(node.body);
    const otherwise = this.block(node.otherwise);
    const file = this.file;
    return (frame) => {
      let items: Value[];
      try {
        items = iterate(iter(frame));
      } catch (error) {
        throw locate(error, file, node.line);
      }
      if (test) {
        items = items.filter((item) => {
          const scope = new Frame(frame, frame.context);
          assign(scope, item);
          return truthy(test(scope));
        });
      }
      if (items.length === 0) return otherwise(new Frame(frame, frame.context));
      const loop = new LoopContext(items);
      let out = "";
      for (let i = 0; i < items.length; i++) {
        loop.index0 = i;
        const scope = new Frame(frame, frame.context);
        scope.vars.set("loop", loop);
        assign(scope, items[i]!);
        try {
          out += body(scope);
        } catch (error) {
          if (error instanceof LoopSignal) {
            if (error.kind === "break") break;
            continue;
          }
          throw error;
        }
      }
      return out;
    };
  }

  macro(name: string, params: Parameter[], body: Stmt[], line: number): MacroDefinition {
    const used = namesUsed(body);
    return {
      name,
      file: this.file,
      line,
      params: params.map((param) => ({
        name: param.name,
        default: param.default ? this.expr(param.default) : undefined,
      })),
      body: this.block(body),
      catchKwargs: used.has("kwargs"),
      catchVarargs: used.has("varargs"),
      usesCaller: used.has("caller"),
    };
  }

  private assigner(target: Target): (frame: Frame, value: Value) => void {
    switch (target.kind) {
      case "name": {
        const name = target.name;
        return (frame, value) => frame.vars.set(name, value);
      }
      case "tuple": {
        const parts = target.items.map((item) => this.assigner(item));
        return (frame, value) => {
          const items = iterate(value);
          if (items.length !== parts.length) {
            throw new JinjaError(
              "ValueError",
              items.length > parts.length
                ? `too many values to unpack (expected ${parts.length})`
                : `not enough values to unpack (expected ${parts.length}, got ${items.length})`,
            );
          }
          parts.forEach((part, i) => part(frame, items[i]!));
        };
      }
      case "nsref": {
        const { namespace, attr } = target;
        return (frame, value) => {
          const ns = frame.lookup(namespace);
          if (!(ns instanceof Namespace)) {
            throw new JinjaError(
              "TemplateRuntimeError",
              "cannot assign attribute on non-namespace object",
            );
          }
          ns.values.set(attr, value);
        };
      }
    }
  }

  /** A `{% filter %}` or `{% set x | f %}` filter chain, applied to a rendered body. */
  private filterChain(node: Expr): (frame: Frame, input: Value) => Value {
    if (node.kind !== "filter") throw new JinjaError("TemplateSyntaxError", "expected a filter");
    const inner = node.operand ? this.filterChain(node.operand) : undefined;
    const args = this.args(node.args);
    const name = node.name;
    return (frame, input) => {
      const value = inner ? inner(frame, input) : input;
      const [positional, keywords] = args(frame);
      return applyFilter(name, value, positional, keywords, frame);
    };
  }

  private args(node: Arguments): (frame: Frame) => [Value[], Kwargs] {
    const positional = node.positional.map((arg) => this.expr(arg));
    const keywords = node.keywords.map(({ name, value }) => [name, this.expr(value)] as const);
    const spread = node.spread ? this.expr(node.spread) : undefined;
    const spreadKeywords = node.spreadKeywords ? this.expr(node.spreadKeywords) : undefined;
    return (frame) => {
      const values = positional.map((arg) => arg(frame));
      if (spread) values.push(...iterate(spread(frame)));
      const kwargs: Kwargs = new Map();
      for (const [name, value] of keywords) kwargs.set(name, value(frame));
      if (spreadKeywords) {
        const mapping = spreadKeywords(frame);
        if (!(mapping instanceof PyDict))
          throw typeError(`argument after ** must be a mapping, not ${typeName(mapping)}`);
        for (const [key, value] of mapping.items()) {
          const name = str(key);
          if (kwargs.has(name))
            throw typeError(`got multiple values for keyword argument '${name}'`);
          kwargs.set(name, value);
        }
      }
      return [values, kwargs];
    };
  }

  expr(node: Expr): ExprFn {
    switch (node.kind) {
      case "const": {
        const value: Value =
          typeof node.value === "object" && node.value !== null
            ? new PyFloat(node.value.float)
            : node.value;
        return () => value;
      }
      case "name": {
        const name = node.name;
        return (frame) => frame.lookup(name);
      }
      case "list": {
        const items = node.items.map((item) => this.expr(item));
        return (frame) => items.map((item) => item(frame));
      }
      case "tuple": {
        const items = node.items.map((item) => this.expr(item));
        return (frame) => new PyTuple(items.map((item) => item(frame)));
      }
      case "dict": {
        const items = node.items.map(([key, value]) => [this.expr(key), this.expr(value)] as const);
        return (frame) => {
          const dict = new PyDict();
          for (const [key, value] of items) dict.set(key(frame), value(frame));
          return dict;
        };
      }
      case "getattr": {
        const object = this.expr(node.object);
        const attr = node.attr;
        return (frame) => getattr(object(frame), attr, frame);
      }
      case "getitem": {
        const object = this.expr(node.object);
        const key = this.expr(node.key);
        return (frame) => getitem(object(frame), key(frame), frame);
      }
      case "slice": {
        const parts = [node.start, node.stop, node.step].map((part) =>
          part ? this.expr(part) : () => null,
        );
        return (frame) => new PySlice(parts[0]!(frame), parts[1]!(frame), parts[2]!(frame));
      }
      case "call": {
        const callee = this.expr(node.callee);
        const args = this.args(node.args);
        return (frame) => {
          const fn = callee(frame);
          const [positional, keywords] = args(frame);
          return callValue(fn, positional, keywords, frame);
        };
      }
      case "filter": {
        const operand = node.operand ? this.expr(node.operand) : () => null;
        const args = this.args(node.args);
        const name = node.name;
        return (frame) => {
          const value = operand(frame);
          const [positional, keywords] = args(frame);
          return applyFilter(name, value, positional, keywords, frame);
        };
      }
      case "test": {
        const operand = this.expr(node.operand);
        const args = this.args(node.args);
        const name = node.name;
        return (frame) => {
          const value = operand(frame);
          const [positional] = args(frame);
          return runTest(name, value, positional);
        };
      }
      case "not": {
        const operand = this.expr(node.operand);
        return (frame) => !truthy(operand(frame));
      }
      case "neg":
      case "pos": {
        const operand = this.expr(node.operand);
        const sign = node.kind === "neg" ? -1 : 1;
        return (frame) => {
          const value = operand(frame);
          const n = numeric(value);
          if (!n) {
            if (value instanceof Undefined) throw value.error();
            throw typeError(
              `bad operand type for unary ${sign < 0 ? "-" : "+"}: '${typeName(value)}'`,
            );
          }
          return number(sign * n.n, n.float);
        };
      }
      case "and": {
        const left = this.expr(node.left);
        const right = this.expr(node.right);
        return (frame) => {
          const value = left(frame);
          return truthy(value) ? right(frame) : value;
        };
      }
      case "or": {
        const left = this.expr(node.left);
        const right = this.expr(node.right);
        return (frame) => {
          const value = left(frame);
          return truthy(value) ? value : right(frame);
        };
      }
      case "binary": {
        const left = this.expr(node.left);
        const right = this.expr(node.right);
        const op = node.op;
        return (frame) => binary(op, left(frame), right(frame));
      }
      case "concat": {
        const items = node.items.map((item) => this.expr(item));
        return (frame) => {
          let out = "";
          for (const item of items) out += str(item(frame));
          return out;
        };
      }
      case "compare": {
        const first = this.expr(node.first);
        const ops = node.ops.map(({ op, expr }) => ({ op, expr: this.expr(expr) }));
        return (frame) => {
          let left = first(frame);
          for (const { op, expr } of ops) {
            const right = expr(frame);
            if (!compareOp(op, left, right)) return false;
            left = right;
          }
          return true;
        };
      }
      case "condexpr": {
        const test = this.expr(node.test);
        const then = this.expr(node.then);
        const otherwise = node.otherwise ? this.expr(node.otherwise) : undefined;
        const line = node.line;
        return (frame) => {
          if (truthy(test(frame))) return then(frame);
          return otherwise
            ? otherwise(frame)
            : new Undefined(
                undefined,
                undefined,
                `the inline if-expression on line ${line} evaluated to false and no else section was defined.`,
              );
        };
      }
      case "nsref":
        throw new JinjaError(
          "TemplateSyntaxError",
          "a namespace reference can only be assigned to",
        );
    }
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
