/**
 * The names dbt's context gives every template of a project, whatever the node (dbt's
 * BaseContext and TargetContext): var, env_var, target, run_started_at, invocation_id, modules,
 * flags, exceptions, log, print, return, fromjson/tojson/fromyaml, zip, set, local_md5, api…
 * A name dbt has but this action cannot honour is an error when used, never a silent Undefined.
 */
import { createHash } from "node:crypto";
import yaml from "js-yaml";
import { MacroReturn } from "../jinja/interpreter.js";
import { DBT_SECRET_PREFIX } from "../../security/project-env.js";
import { compileTemplate } from "../jinja/engine.js";
import { pythonJson } from "../jinja/filters.js";
import { PyGenerator } from "../jinja/generator.js";
import {
  type CallSite,
  fromJs,
  iterate,
  JinjaError,
  type Kwargs,
  NativeFunction,
  PyDict,
  PyObject,
  PyTuple,
  str,
  truthy,
  type Value,
} from "../jinja/values.js";
import { PyDateTime, pythonModules, UTC } from "./python-modules.js";
import { Relation, type DatabaseName } from "./relation.js";

/** What a template is told about where it deploys to (dbt's `target`). */
export interface TargetInfo {
  name: string;
  schema: string;
  database: DatabaseName;
  /** From the connection settings, when there are any. */
  user?: string;
  host?: string;
  port?: number;
}

export interface BuiltinOptions {
  projectName: string;
  target: TargetInfo;
  /** The action's `vars` input (dbt's --vars): they win over every project var. */
  cliVars: Record<string, unknown>;
  /** The project's vars, global ones overlaid with those scoped to the project. */
  projectVars: Record<string, unknown>;
  env: Record<string, string | undefined>;
  runStartedAt: Date;
  invocationId: string;
  fullRefresh: boolean;
  /** Warnings raised by templates (exceptions.warn) go here. */
  warn(message: string): void;
}

/** A dbt context member this action does not provide: using it in any way is an error. */
export class Unavailable extends PyObject {
  readonly typeName = "unavailable";
  constructor(
    readonly name: string,
    readonly why: string,
  ) {
    super();
  }
  private fail(): never {
    throw new JinjaError("CompilationError", `'${this.name}' ${this.why}`);
  }
  getattr(): Value | undefined {
    return this.fail();
  }
  override str(): string {
    return this.fail();
  }
  override truthy(): boolean {
    return this.fail();
  }
  override iterate(): never {
    return this.fail();
  }
  get callable(): true {
    return true;
  }
  call(): Value {
    return this.fail();
  }
}

const fn = (name: string, body: (args: Value[], kwargs: Kwargs, site: CallSite) => Value) =>
  new NativeFunction(name, body);

/** A dbt compiler error raised by the template itself (`exceptions.raise_compiler_error`). */
export class TemplateCompilerError extends JinjaError {
  constructor(message: string) {
    super("CompilationError", message);
  }
}

/** An object with fixed attributes; any other attribute is an error naming it (dbt has it, we do not). */
export class ClosedObject extends PyObject {
  constructor(
    readonly typeName: string,
    private readonly members: Record<string, Value>,
    private readonly missing: (name: string) => string,
  ) {
    super();
  }
  getattr(name: string): Value | undefined {
    if (Object.hasOwn(this.members, name)) return this.members[name];
    throw new JinjaError("CompilationError", this.missing(name));
  }
  override getitem(key: Value): Value | undefined {
    return typeof key === "string" ? this.getattr(key) : undefined;
  }
  override repr(): string {
    return `<${this.typeName}>`;
  }
}

/**
 * `var(name, default)`: the `vars` input, then the project's vars. A string value is rendered as a
 * template in the caller's context, as dbt does, so `'{{ target.name }}_x'` becomes `default_x`.
 */
export function varFunction(
  cliVars: Record<string, unknown>,
  projectVars: Record<string, unknown>,
  renderStrings = true,
): NativeFunction {
  return fn("var", (args, kwargs, site) => {
    const name = str(args[0] ?? kwargs.get("var_name") ?? "");
    const fallback = args[1] ?? kwargs.get("default");
    const raw = Object.hasOwn(cliVars, name)
      ? cliVars[name]
      : Object.hasOwn(projectVars, name)
        ? projectVars[name]
        : undefined;
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      throw new VarMissingError(name);
    }
    if (!renderStrings || typeof raw !== "string" || !/\{[{%#]|[#}%]\}/.test(raw))
      return fromJs(raw);
    return compileTemplate(raw, `var ${name}`).render(site.context);
  });
}

/** dbt's "Required var … not found". */
export class VarMissingError extends JinjaError {
  constructor(readonly varName: string) {
    super("CompilationError", `required var '${varName}' is not set.`);
  }
}

/** An `env_var()` the project may not have: not set, not readable, or one of dbt's secrets. */
export class EnvVarError extends JinjaError {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super("CompilationError", message);
  }
}

/** `env` holds the readable variables' values; a variable that is set but unreadable has none. */
export function envVarFunction(env: Record<string, string | undefined>): NativeFunction {
  return fn("env_var", (args, kwargs) => {
    const name = str(args[0] ?? kwargs.get("var") ?? "");
    // dbt-core context/base.py env_var() and exceptions.py SecretEnvVarLocationError, word for word.
    if (name.startsWith(DBT_SECRET_PREFIX)) {
      throw new EnvVarError(
        `Secret env vars are allowed only in profiles.yml or packages.yml. Found '${name}' referenced elsewhere.`,
      );
    }
    const value = env[name];
    if (value !== undefined) return value;
    if (Object.hasOwn(env, name)) {
      throw new EnvVarError(
        `environment variable '${name}' is set, but the project may not read it.`,
        "A dbt project reads DBT_* variables and those the `env-vars` input lists; never credentials, the action's inputs or the runner's own variables.",
      );
    }
    const fallback = args[1] ?? kwargs.get("default");
    if (fallback !== undefined && fallback !== null) return str(fallback);
    throw new EnvVarError(
      `environment variable '${name}' is not set.`,
      `Set ${name} in the workflow step's env${name.startsWith("DBT_") ? "" : " and list it in the `env-vars` input"}, or give env_var('${name}', <default>).`,
    );
  });
}

function targetObject(target: TargetInfo): PyObject {
  const offline = (field: string) =>
    `target.${field} is only known with database credentials (the database-url input, or the PG* variables).`;
  const members: Record<string, Value> = {
    name: target.name,
    target_name: target.name,
    schema: target.schema,
    type: "risingwave",
    threads: 1,
  };
  if ("name" in target.database) {
    // dbt-postgres' profile field is dbname; dbt exposes it as target.database too.
    members.database = target.database.name;
    members.dbname = target.database.name;
  }
  if (target.user !== undefined) members.user = target.user;
  if (target.host !== undefined) members.host = target.host;
  if (target.port !== undefined) members.port = target.port;
  return new ClosedObject("target", members, (name) =>
    ["database", "dbname", "user", "host", "port"].includes(name)
      ? offline(name)
      : `target.${name} is not known to this action (it knows name, schema, type, database, dbname, user, host, port).`,
  );
}

function exceptionsObject(warn: (message: string) => void): PyObject {
  const raise = (name: string) =>
    fn(name, (args) => {
      throw new TemplateCompilerError(args.map(str).join(" "));
    });
  return new ClosedObject(
    "exceptions",
    {
      raise_compiler_error: raise("raise_compiler_error"),
      raise_not_implemented: raise("raise_not_implemented"),
      raise_database_error: raise("raise_database_error"),
      raise_dependency_error: raise("raise_dependency_error"),
      raise_fail_fast_error: raise("raise_fail_fast_error"),
      warn: fn("warn", (args) => {
        warn(str(args[0] ?? ""));
        return "";
      }),
    },
    (name) => `exceptions.${name} is not available in this action.`,
  );
}

function flagsObject(fullRefresh: boolean): PyObject {
  return new ClosedObject(
    "flags",
    {
      FULL_REFRESH: fullRefresh,
      STORE_FAILURES: false,
      WHICH: "run",
      EMPTY: false,
      DEBUG: false,
      WARN_ERROR: false,
      FAIL_FAST: false,
      USE_EXPERIMENTAL_PARSER: false,
      STATIC_PARSER: true,
      INTROSPECT: true,
      SEND_ANONYMOUS_USAGE_STATS: false,
      PARTIAL_PARSE: false,
      PRINTER_WIDTH: 80,
      MACRO_DEBUGGING: false,
    },
    (name) => `flags.${name} is not known to this action.`,
  );
}

/** A Python set: keeps insertion order (CPython's order for strings varies by process anyway). */
class PySet extends PyObject {
  readonly typeName = "set";
  private readonly dict = new PyDict();
  constructor(items: Value[]) {
    super();
    for (const item of items) this.dict.set(item, true);
  }
  getattr(name: string): Value | undefined {
    if (name === "add") return fn("add", ([item]) => (this.dict.set(item ?? null, true), null));
    if (name === "union")
      return fn(
        "union",
        (args) => new PySet([...this.iterate(), ...args.flatMap((a) => iterate(a))]),
      );
    if (name === "difference") {
      return fn("difference", ([other]) => {
        const remove = new PyDict();
        for (const item of iterate(other ?? [])) remove.set(item, true);
        return new PySet(this.iterate().filter((item) => !remove.has(item)));
      });
    }
    if (name === "intersection") {
      return fn("intersection", ([other]) => {
        const keep = new PyDict();
        for (const item of iterate(other ?? [])) keep.set(item, true);
        return new PySet(this.iterate().filter((item) => keep.has(item)));
      });
    }
    return undefined;
  }
  override iterate(): Value[] {
    return [...this.dict.keys()];
  }
  override length(): number {
    return this.dict.size;
  }
  override truthy(): boolean {
    return this.dict.size > 0;
  }
  override repr(): string {
    const items = this.iterate();
    return items.length === 0
      ? "set()"
      : `{${items.map((item) => str(new PyTuple([item])).slice(1, -2)).join(", ")}}`;
  }
}

/** dbt's zip(): Python's zip, an iterator of tuples as long as the shortest argument. */
function zipFunction(name: string): NativeFunction {
  return fn(name, (args) => {
    const lists = args.map((arg) => iterate(arg));
    const n = Math.min(...lists.map((list) => list.length));
    return new PyGenerator(
      Array.from({ length: n }, (_, i) => new PyTuple(lists.map((list) => list[i]!))),
      "zip",
    );
  });
}

/** The shared, node-independent part of dbt's context. */
export function projectBuiltins(options: BuiltinOptions): Map<string, Value> {
  const started = options.runStartedAt.getTime();
  const runStartedAt = PyDateTime.fromUtc(started * 1000, UTC);
  const names: Record<string, Value> = {
    var: varFunction(options.cliVars, options.projectVars),
    env_var: envVarFunction(options.env),
    target: targetObject(options.target),
    project_name: options.projectName,
    dbt_version: "1.10.0",
    run_started_at: runStartedAt,
    invocation_id: options.invocationId,
    modules: pythonModules(runStartedAt),
    flags: flagsObject(options.fullRefresh),
    exceptions: exceptionsObject(options.warn),
    return: fn("return", ([value]) => {
      throw new MacroReturn(value ?? null);
    }),
    log: fn("log", () => ""),
    print: fn("print", () => ""),
    fromjson: fn("fromjson", ([text, fallback]) => {
      try {
        return fromJs(JSON.parse(str(text ?? "")));
      } catch {
        return fallback ?? null;
      }
    }),
    tojson: fn("tojson", ([value, fallback], kwargs) => {
      try {
        return pythonJson(value ?? null, { sortKeys: truthy(kwargs.get("sort_keys") ?? false) });
      } catch {
        return fallback ?? null;
      }
    }),
    fromyaml: fn("fromyaml", ([text, fallback]) => {
      try {
        return fromJs(yaml.load(str(text ?? "")) ?? null);
      } catch {
        return fallback ?? null;
      }
    }),
    zip: zipFunction("zip"),
    zip_strict: zipFunction("zip_strict"),
    set: fn("set", ([value, fallback]) => {
      try {
        return new PySet(iterate(value ?? []));
      } catch {
        return fallback ?? null;
      }
    }),
    set_strict: fn("set_strict", ([value]) => new PySet(iterate(value ?? []))),
    local_md5: fn("local_md5", ([value]) =>
      createHash("md5")
        .update(str(value ?? ""))
        .digest("hex"),
    ),
    api: apiObject(),
  };
  for (const [name, why] of UNAVAILABLE) names[name] = new Unavailable(name, why);
  return new Map(Object.entries(names));
}

const UNAVAILABLE: [string, string][] = [
  ["toyaml", "is not available in this action: PyYAML's layout cannot be reproduced exactly."],
  ["diff_of_two_dicts", "is not available in this action."],
  ["thread_id", "is not available in this action (dbt's thread names depend on the run)."],
  ["invocation_args_dict", "is not available in this action."],
  ["dbt_metadata_envs", "is not available in this action."],
  [
    "selected_resources",
    "is not available in this action (it selects with models:, not dbt's selectors).",
  ],
  ["store_result", "is not available in this action: it renders models without running queries."],
  [
    "store_raw_result",
    "is not available in this action: it renders models without running queries.",
  ],
  ["write", "is not available in this action."],
  ["render", "is not available in this action."],
  ["try_or_compiler_error", "is not available in this action."],
  ["load_agate_table", "is not available in this action."],
  ["submit_python_job", "is not available in this action."],
  ["metric", "is not available in this action."],
  ["doc", "is not available in model SQL (dbt only allows it in descriptions)."],
  ["debug", "is not available in this action."],
];

/** `api.Relation.create(...)` and `api.Column`, as dbt-postgres defines them. */
function apiObject(): PyObject {
  const relation = new ClosedObject(
    "Relation",
    {
      create: fn("create", (args, kwargs) => {
        const field = (name: string, i: number) => {
          const value = args[i] ?? kwargs.get(name);
          return value === undefined || value === null ? null : str(value);
        };
        return new Relation({
          database: field("database", 0),
          schema: field("schema", 1),
          identifier: field("identifier", 2),
          type: field("type", 3),
        });
      }),
    },
    (name) => `api.Relation.${name} is not available in this action.`,
  );
  const typeLabels: Record<string, string> = { STRING: "TEXT" };
  const column = new ClosedObject(
    "Column",
    {
      translate_type: fn(
        "translate_type",
        ([dtype]) => typeLabels[str(dtype ?? "").toUpperCase()] ?? str(dtype ?? ""),
      ),
      numeric_type: fn("numeric_type", ([dtype, precision, scale]) =>
        precision === undefined || precision === null || scale === undefined || scale === null
          ? str(dtype ?? "")
          : `${str(dtype ?? "")}(${str(precision)},${str(scale)})`,
      ),
      string_type: fn("string_type", ([size]) => `character varying(${str(size ?? "")})`),
    },
    (name) => `api.Column.${name} is not available in this action.`,
  );
  return new ClosedObject(
    "api",
    { Relation: relation, Column: column },
    (name) => `api.${name} is not available in this action.`,
  );
}
