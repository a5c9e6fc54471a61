import { type AstNode, type Environment, Interpreter, type RuntimeValue } from "./package-types.js";
import { pythonRepr } from "./python-repr.js";
import { nativeFunction, stringValue } from "./runtime-values.js";
import { calleeOf, describeExpression, isOutputNode, type Template } from "./template.js";

/** A call of something that is neither a dbt builtin we provide nor a project macro. */
export class UnsupportedCallError extends Error {
  constructor(
    readonly callee: string,
    readonly file: string,
  ) {
    super(`'${callee}' is not supported`);
  }
}

/** `{{ x }}` where `x` is undefined: refused rather than rendered as nothing (dbt's choice). */
export class UndefinedOutputError extends Error {
  constructor(
    readonly expression: string,
    readonly file: string,
  ) {
    super(`'${expression}' is undefined`);
  }
}

/** dbt's `{{ return(x) }}`: leaves the macro with the value `x`. */
export class MacroReturn {
  constructor(readonly value: RuntimeValue) {}
}

/** Which template file was being evaluated when a library error was thrown. */
const errorFiles = new WeakMap<object, string>();

export function templateFileOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? errorFiles.get(error) : undefined;
}

/**
 * The package's interpreter with dbt's strictness added: calling an unknown name and printing an
 * undefined value are errors naming the culprit, and macros can `return` values. Every node is
 * evaluated by the interpreter of the template that contains it (macros keep theirs), so
 * `this.template` is the file an error belongs to.
 */
export class DbtInterpreter extends Interpreter {
  constructor(
    env: Environment,
    private readonly template: Template,
  ) {
    super(env);
  }

  render(): string {
    return this.run(this.template.program).value as string;
  }

  override evaluate(statement: AstNode | undefined, environment: Environment): RuntimeValue {
    if (!statement) return super.evaluate(statement, environment);
    try {
      if (statement.type === "CallExpression") this.ensureCallable(statement, environment);
      if (statement.type === "CallStatement") {
        this.ensureCallable((statement as unknown as { call: AstNode }).call, environment);
      }
      const value = super.evaluate(statement, environment);
      if (statement.type === "Macro") this.allowReturn(statement, environment);
      return isOutputNode(statement) ? this.printable(statement, value) : value;
    } catch (error) {
      if (typeof error === "object" && error !== null && !errorFiles.has(error)) {
        errorFiles.set(error, this.template.file);
      }
      throw error;
    }
  }

  /**
   * What `{{ … }}` prints, as Python's Jinja2 would: `True`/`False`/`None` and Python's repr of
   * lists, tuples and dicts (the package prints `true`, nothing and JSON), and an error for an
   * undefined value.
   */
  private printable(statement: AstNode, value: RuntimeValue): RuntimeValue {
    switch (value.type) {
      case "UndefinedValue":
        throw new UndefinedOutputError(describeExpression(statement), this.template.file);
      case "BooleanValue":
      case "NullValue":
      case "ArrayValue":
      case "TupleValue":
      case "ObjectValue":
        return stringValue(pythonRepr(value));
      default:
        return value;
    }
  }

  private ensureCallable(call: AstNode, environment: Environment): void {
    const callee = calleeOf(call);
    if (callee && super.evaluate(callee, environment).type !== "FunctionValue") {
      throw new UnsupportedCallError(describeExpression(callee), this.template.file);
    }
  }

  /** Wraps the macro just defined so that `return(x)` inside it yields `x`. */
  private allowReturn(macro: AstNode, environment: Environment): void {
    const name = (macro as unknown as { name: { value: string } }).name.value;
    const defined = environment.variables.get(name);
    if (!defined) return;
    const call = defined.value as (args: RuntimeValue[], scope: Environment) => RuntimeValue;
    environment.variables.set(
      name,
      nativeFunction((args, scope) => {
        try {
          return call(args, scope);
        } catch (signal) {
          if (signal instanceof MacroReturn) return signal.value;
          throw signal;
        }
      }),
    );
  }
}

/** A dbt function refused its arguments (a missing var, a bad ref); `callee` helps find the line. */
export class TemplateFunctionError extends Error {
  constructor(
    message: string,
    readonly callee: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}
