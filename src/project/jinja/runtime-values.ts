/**
 * Bridge between JavaScript values and @huggingface/jinja's runtime values.
 *
 * The package exports its Environment and Interpreter but not its value classes, and functions
 * handed to `Environment.set` only see unwrapped arguments. We need the value classes to write
 * native functions that see keyword arguments and to return values of our own (a relation is a
 * string with attributes), so we take the constructors from values the package itself creates.
 */
import { Environment, type RuntimeValue } from "./package-types.js";

export type { RuntimeValue };
export type NativeFunction = (args: RuntimeValue[], scope: Environment) => RuntimeValue;
type Constructor<T> = new (value: T) => RuntimeValue;

const probe = new Environment();
let probeCount = 0;
function constructorOf<T>(sample: unknown): Constructor<T> {
  const value = probe.set(`probe${probeCount++}`, sample) as unknown as { constructor: unknown };
  return value.constructor as Constructor<T>;
}

const StringValue = constructorOf<string>("");
const IntegerValue = constructorOf<number>(1);
const FloatValue = constructorOf<number>(1.5);
const BooleanValue = constructorOf<boolean>(true);
const NullValue = constructorOf<null>(null);
const UndefinedValue = constructorOf<undefined>(undefined);
const ArrayValue = constructorOf<RuntimeValue[]>([]);
const ObjectValue = constructorOf<Map<string, RuntimeValue>>({});
const FunctionValue = constructorOf<NativeFunction>(() => null);
const RuntimeValueBase = Object.getPrototypeOf(StringValue.prototype)
  .constructor as Constructor<unknown>;

function isRuntimeValue(value: unknown): value is RuntimeValue {
  return value instanceof RuntimeValueBase;
}

export const undefinedValue = (): RuntimeValue => new UndefinedValue(undefined);
export const stringValue = (text: string): RuntimeValue => new StringValue(text);

export function nativeFunction(fn: NativeFunction): RuntimeValue {
  return new FunctionValue(fn);
}

/** A function value whose attributes (`config.get`) are looked up like a builtin's. */
class CallableWithAttributes extends (FunctionValue as Constructor<NativeFunction>) {
  constructor(
    fn: NativeFunction,
    private readonly attributes: Map<string, RuntimeValue>,
  ) {
    super(fn);
  }
  get builtins(): Map<string, RuntimeValue> {
    return this.attributes;
  }
}

/** A callable that also has attributes, like dbt's `config` (callable, with `config.get`). */
export function callableWithAttributes(
  fn: NativeFunction,
  attributes: Record<string, NativeFunction>,
): RuntimeValue {
  const builtins = new Map(
    Object.entries(attributes).map(([name, attribute]) => [name, nativeFunction(attribute)]),
  );
  return new CallableWithAttributes(fn, builtins);
}

/**
 * A string with attributes: how a dbt Relation behaves in templates. It prints, concatenates,
 * compares and filters (`| upper`, `| replace`) as its rendered name, like Python's str(relation),
 * and `.schema`, `.identifier` or `.render()` read its attributes.
 */
class StringWithAttributes extends (StringValue as Constructor<string>) {
  private merged?: Map<string, RuntimeValue>;

  constructor(
    text: string,
    private readonly attributes: Map<string, RuntimeValue>,
  ) {
    super(text);
  }

  get builtins(): Map<string, RuntimeValue> {
    const plain = new StringValue(this.value as string) as unknown as {
      builtins: Map<string, RuntimeValue>;
    };
    this.merged ??= new Map([...plain.builtins, ...this.attributes]);
    return this.merged;
  }
}

export function stringWithAttributes(text: string, fields: Record<string, unknown>): RuntimeValue {
  return new StringWithAttributes(
    text,
    new Map(Object.entries(fields).map(([key, value]) => [key, toRuntime(value)])),
  );
}

export function toRuntime(value: unknown): RuntimeValue {
  if (isRuntimeValue(value)) return value;
  switch (typeof value) {
    case "string":
      return new StringValue(value);
    case "number":
      return Number.isInteger(value) ? new IntegerValue(value) : new FloatValue(value);
    case "boolean":
      return new BooleanValue(value);
    case "undefined":
      return new UndefinedValue(undefined);
    case "object":
      if (value === null) return new NullValue(null);
      if (Array.isArray(value)) return new ArrayValue(value.map(toRuntime));
      return new ObjectValue(
        new Map(Object.entries(value).map(([key, item]) => [key, toRuntime(item)])),
      );
    default:
      throw new TypeError(`cannot pass a ${typeof value} to a template`);
  }
}

export function toJs(value: RuntimeValue): unknown {
  switch (value.type) {
    case "ArrayValue":
    case "TupleValue":
      return (value.value as RuntimeValue[]).map(toJs);
    case "ObjectValue":
    case "KeywordArgumentsValue":
    case "NamespaceValue": {
      const map = value.value as Map<string, RuntimeValue>;
      return Object.fromEntries([...map].map(([key, item]) => [key, toJs(item)]));
    }
    case "FunctionValue":
      throw new TypeError("a function cannot be used as a value here");
    default:
      return value.value;
  }
}

/** Jinja passes keyword arguments as one trailing value; dbt functions take both kinds. */
export function splitArguments(args: RuntimeValue[]): {
  positional: RuntimeValue[];
  keywords: Map<string, RuntimeValue>;
} {
  const last = args.at(-1);
  if (last?.type === "KeywordArgumentsValue") {
    return { positional: args.slice(0, -1), keywords: last.value as Map<string, RuntimeValue> };
  }
  return { positional: args, keywords: new Map() };
}
