import { MacroReturn, TemplateFunctionError } from "./jinja/interpreter.js";
import { DBT_SECRET_PREFIX } from "../security/project-env.js";
import { Environment } from "./jinja/package-types.js";
import {
  callableWithAttributes,
  type NativeFunction,
  nativeFunction,
  type RuntimeValue,
  splitArguments,
  stringValue,
  toJs,
  toRuntime,
  undefinedValue,
} from "./jinja/runtime-values.js";

export interface GlobalContextOptions {
  targetSchema: string;
  targetName: string;
  /** Project vars overlaid with the action's `vars` input. */
  vars: Record<string, unknown>;
  env: Record<string, string | undefined>;
}

/**
 * What every template sees, whatever the model: Python-style constants, `var`, `env_var`,
 * `target` and dbt's side-effect-free builtins. Models and macros see it through their scopes.
 */
export function createGlobalEnvironment(options: GlobalContextOptions): Environment {
  const env = new Environment();
  for (const [name, value] of Object.entries({
    true: true,
    false: false,
    none: null,
    True: true,
    False: false,
    None: null,
    // Rendering for deployment is dbt's execute phase.
    execute: true,
    target: { schema: options.targetSchema, name: options.targetName, type: "risingwave" },
  })) {
    env.set(name, value);
  }
  const functions: Record<string, NativeFunction> = {
    var: (args) => lookupVar(options.vars, args),
    env_var: (args) => lookupEnvVar(options.env, args),
    // Materialized views are always built whole.
    is_incremental: () => toRuntime(false),
    return: (args) => {
      throw new MacroReturn(args[0] ?? undefinedValue());
    },
    log: () => stringValue(""),
    // Jinja2's own globals.
    range: (args) =>
      toRuntime(range(splitArguments(args).positional.map((arg) => Number(toJs(arg))))),
    dict: (args) => toRuntime(Object.fromEntries(splitArguments(args).keywords)),
  };
  for (const [name, fn] of Object.entries(functions)) env.setVariable(name, nativeFunction(fn));
  env.setVariable(
    "exceptions",
    toRuntime({
      raise_compiler_error: nativeFunction((args) => {
        throw new TemplateFunctionError(
          `compiler error raised by the template: ${args[0] ? String(toJs(args[0])) : ""}`,
          "exceptions.raise_compiler_error",
        );
      }),
      warn: nativeFunction(() => stringValue("")),
    }),
  );
  return env;
}

/** Python's range(stop) / range(start, stop[, step]). */
function range([first = 0, second, step = 1]: number[]): number[] {
  const [start, stop] = second === undefined ? [0, first] : [first, second];
  if (step === 0) throw new TemplateFunctionError("range() step must not be zero.", "range");
  const values: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) values.push(i);
  return values;
}

function lookupVar(vars: Record<string, unknown>, args: RuntimeValue[]): RuntimeValue {
  const { positional } = splitArguments(args);
  const [name, fallback] = positional;
  const key = name ? String(toJs(name)) : "";
  if (Object.hasOwn(vars, key)) return toRuntime(vars[key]);
  if (fallback) return fallback;
  throw new TemplateFunctionError(
    `required var '${key}' is not set.`,
    "var",
    `Add it to the \`vars\` input or to vars in dbt_project.yml, or give var('${key}', <default>).`,
  );
}

/** `env` holds the readable variables' values; a variable that is set but unreadable has none. */
function lookupEnvVar(env: Record<string, string | undefined>, args: RuntimeValue[]): RuntimeValue {
  const { positional } = splitArguments(args);
  const [name, fallback] = positional;
  const key = name ? String(toJs(name)) : "";
  // dbt-core context/base.py env_var() and exceptions.py SecretEnvVarLocationError, word for word.
  if (key.startsWith(DBT_SECRET_PREFIX)) {
    throw new TemplateFunctionError(
      `Secret env vars are allowed only in profiles.yml or packages.yml. Found '${key}' referenced elsewhere.`,
      "env_var",
    );
  }
  const value = env[key];
  if (value !== undefined) return stringValue(value);
  if (Object.hasOwn(env, key)) {
    throw new TemplateFunctionError(
      `environment variable '${key}' is set, but the project may not read it.`,
      "env_var",
      "A dbt project reads DBT_* variables and those the `env-vars` input lists; never credentials, the action's inputs or the runner's own variables.",
    );
  }
  if (fallback) return fallback;
  throw new TemplateFunctionError(
    `environment variable '${key}' is not set.`,
    "env_var",
    `Set ${key} in the workflow step's env${key.startsWith("DBT_") ? "" : " and list it in the `env-vars` input"}, or give env_var('${key}', <default>).`,
  );
}

/** What a model's own template sees on top of the globals. */
export interface ModelContext {
  ref(names: string[]): RuntimeValue;
  source(source: string, table: string): RuntimeValue;
  /** Records a `config(...)` call. */
  config(values: Record<string, unknown>): void;
  /** `config.get(key, default)`: the model's config as known in this phase. */
  configValue(key: string): unknown;
  this: RuntimeValue;
  model: Record<string, unknown>;
}

export function createModelEnvironment(parent: Environment, context: ModelContext): Environment {
  const env = new Environment(parent);
  env.setVariable(
    "ref",
    nativeFunction((args) => {
      const { positional, keywords } = splitArguments(args);
      if (keywords.size > 0) {
        throw new TemplateFunctionError(
          `ref() with ${[...keywords.keys()].join(", ")} is not supported (model versions are not).`,
          "ref",
        );
      }
      return context.ref(positional.map((arg) => String(toJs(arg))));
    }),
  );
  env.setVariable(
    "source",
    nativeFunction((args) => {
      const [source, table] = splitArguments(args).positional.map((arg) => String(toJs(arg)));
      if (source === undefined || table === undefined) {
        throw new TemplateFunctionError("source() needs a source name and a table name.", "source");
      }
      return context.source(source, table);
    }),
  );
  env.setVariable(
    "config",
    callableWithAttributes(
      (args) => {
        const { positional, keywords } = splitArguments(args);
        const values: Record<string, unknown> = {};
        for (const arg of positional) Object.assign(values, toJs(arg));
        for (const [key, value] of keywords) values[key] = toJs(value);
        context.config(values);
        return stringValue("");
      },
      {
        get: (args) => {
          const [key, fallback] = splitArguments(args).positional;
          const value = context.configValue(key ? String(toJs(key)) : "");
          return value === undefined ? (fallback ?? toRuntime(null)) : toRuntime(value);
        },
      },
    ),
  );
  // dbt's `{% call set_sql_header(config) %}…{% endcall %}`: the block becomes the sql_header.
  env.setVariable(
    "set_sql_header",
    nativeFunction((_args, scope) => {
      const caller = scope.variables.get("caller");
      if (caller?.type !== "FunctionValue") {
        throw new TemplateFunctionError(
          "set_sql_header must be used as {% call set_sql_header(config) %}…{% endcall %}.",
          "set_sql_header",
        );
      }
      context.config({ sql_header: (caller.value as NativeFunction)([], scope).toString() });
      return stringValue("");
    }),
  );
  env.setVariable("this", context.this);
  env.set("model", context.model);
  return env;
}
