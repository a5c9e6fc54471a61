/**
 * The context one render of one node sees, in dbt's order: the macro namespace (the project's
 * macros, packages by name, `dbt`, global macros) over the node's own names (`this`, `ref`,
 * `source`, `config`, `model`, `execute`…) over the project-wide builtins over Jinja's globals.
 * In dbt's parse phase (`execute` false) undefined names absorb attribute access and calls.
 */
import { jinjaGlobal } from "../jinja/engine.js";
import {
  type CallSite,
  fromJs,
  JinjaError,
  type Kwargs,
  NativeFunction,
  PyDict,
  PyObject,
  type RenderContext,
  str,
  toJs,
  truthy,
  type Value,
} from "../jinja/values.js";
import type { MacroLibrary } from "../packages/macro-library.js";
import type { Relation } from "./relation.js";

/** What every render of a load shares. */
export interface SharedContext {
  library: MacroLibrary;
  builtins: Map<string, Value>;
}

/** The node-specific behaviour: parse and compile phases record and answer differently. */
export interface NodeHooks {
  parsing: boolean;
  this: Relation;
  ref(names: string[], version: Value | undefined): Value;
  source(source: string, table: string): Value;
  /** `config(...)` and `config.set(...)`. */
  config(values: Record<string, unknown>): void;
  configValue(key: string): unknown;
  model(): Value;
  graph(): Value;
  /** Extra names for this node (`database`, `schema`…). */
  names?: Record<string, Value>;
}

/** `config`: callable, with get/require/set, as dbt's ParseConfigObject/RuntimeConfigObject. */
class ConfigObject extends PyObject {
  readonly typeName = "Config";
  readonly callable = true;
  readonly name = "config";

  constructor(private readonly hooks: NodeHooks) {
    super();
  }

  call(args: Value[], kwargs: Kwargs): Value {
    const values: Record<string, unknown> = {};
    for (const arg of args) {
      if (arg instanceof PyDict) Object.assign(values, toJs(arg));
      else throw new JinjaError("CompilationError", "config() takes keyword arguments or a dict");
    }
    for (const [key, value] of kwargs) values[key] = toJs(value);
    this.hooks.config(values);
    return "";
  }

  getattr(name: string): Value | undefined {
    switch (name) {
      case "get":
        return new NativeFunction("get", ([key, fallback], kwargs) => {
          const value = this.hooks.configValue(str(key ?? kwargs.get("name") ?? ""));
          return value === undefined ? (fallback ?? kwargs.get("default") ?? null) : fromJs(value);
        });
      case "require":
        return new NativeFunction("require", ([key]) => {
          const name = str(key ?? "");
          const value = this.hooks.configValue(name);
          if (value === undefined && !this.hooks.parsing) {
            throw new JinjaError(
              "CompilationError",
              `the model needs the config '${name}', which is not set`,
            );
          }
          return fromJs(value ?? null);
        });
      case "set":
        return new NativeFunction("set", ([key, value]) => {
          this.hooks.config({ [str(key ?? "")]: toJs(value ?? null) });
          return "";
        });
      case "persist_relation_docs":
      case "persist_column_docs":
        return new NativeFunction(name, () => {
          const docs = this.hooks.configValue("persist_docs");
          const key = name === "persist_relation_docs" ? "relation" : "columns";
          return (
            typeof docs === "object" &&
            docs !== null &&
            truthy(fromJs((docs as Record<string, unknown>)[key] ?? false))
          );
        });
      default:
        return undefined;
    }
  }
}

export class NodeContext implements RenderContext {
  /** The render depended on something only the compile phase knows. */
  provisional = false;
  // Made on first use: a project renders each model once or twice, and most templates call ref
  // and nothing else of these.
  private ref?: NativeFunction;
  private source?: NativeFunction;
  private config?: ConfigObject;
  private builtins?: PyDict;

  constructor(
    private readonly shared: SharedContext,
    readonly hooks: NodeHooks,
  ) {}

  get lenient(): boolean {
    return this.hooks.parsing;
  }

  absorbed(): void {
    this.provisional = true;
  }

  resolve(name: string): Value | undefined {
    const macro = this.shared.library.resolve(name);
    if (macro !== undefined) return macro;
    const names = this.hooks.names;
    if (names !== undefined && Object.hasOwn(names, name)) return names[name];
    switch (name) {
      case "ref":
        return this.refFunction();
      case "source":
        return this.sourceFunction();
      case "config":
        return this.configObject();
      case "this":
        return this.hooks.this;
      case "builtins":
        this.builtins ??= PyDict.fromObject({
          ref: this.refFunction(),
          source: this.sourceFunction(),
          config: this.configObject(),
        });
        return this.builtins;
      case "execute":
        if (this.hooks.parsing) this.provisional = true;
        return !this.hooks.parsing;
      case "model":
        return this.hooks.model();
      case "graph":
        if (this.hooks.parsing) {
          this.provisional = true;
          return new PyDict();
        }
        return this.hooks.graph();
      default:
        return this.shared.builtins.get(name) ?? jinjaGlobal(name);
    }
  }

  private refFunction(): NativeFunction {
    const hooks = this.hooks;
    this.ref ??= new NativeFunction("ref", (args, kwargs) =>
      hooks.ref(
        args.map((arg) => str(arg)),
        kwargs.get("version") ?? kwargs.get("v"),
      ),
    );
    return this.ref;
  }

  private sourceFunction(): NativeFunction {
    const hooks = this.hooks;
    this.source ??= new NativeFunction("source", (args) => {
      const [sourceName, table] = args.map((arg) => str(arg));
      if (sourceName === undefined || table === undefined) {
        throw new JinjaError("CompilationError", "source() needs a source name and a table name");
      }
      return hooks.source(sourceName, table);
    });
    return this.source;
  }

  private configObject(): ConfigObject {
    this.config ??= new ConfigObject(this.hooks);
    return this.config;
  }
}

/** A context without a node: what naming macros and YAML rendering see. */
export class ProjectContext implements RenderContext {
  constructor(
    private readonly shared: SharedContext | undefined,
    private readonly builtins: Map<string, Value>,
    private readonly extra: Record<string, Value> = {},
  ) {}
  readonly lenient = false;
  absorbed(): void {}
  resolve(name: string): Value | undefined {
    return (
      this.shared?.library.resolve(name) ??
      (Object.hasOwn(this.extra, name) ? this.extra[name] : undefined) ??
      this.builtins.get(name) ??
      jinjaGlobal(name)
    );
  }
}

export type { CallSite };
