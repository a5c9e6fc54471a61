/**
 * `adapter.dispatch(name, namespace)` as dbt resolves it (dbt/context/providers.py): for each
 * package in the search order (the project's `dispatch:` config for that namespace; else the
 * project then the package when the namespace is an installed package; else everywhere), the
 * first of `risingwave__name`, `postgres__name`, `default__name` (dbt-risingwave's adapter
 * declares postgres as its parent, so postgres implementations apply).
 */
import { JinjaError, type PyCallable } from "../jinja/values.js";
import type { MacroLibrary } from "./macro-library.js";

export const ADAPTER_PREFIXES = ["risingwave", "postgres", "default"];

export interface DispatchConfig {
  /** `dispatch:` in dbt_project.yml: macro namespace → package search order. */
  searchOrder: Map<string, string[]>;
  projectName: string;
}

export function dispatch(
  library: MacroLibrary,
  config: DispatchConfig,
  macroName: string,
  namespace: string | null,
): PyCallable {
  if (macroName.includes(".")) {
    const [suggestedNamespace, suggestedName] = macroName.split(".", 2);
    throw new JinjaError(
      "CompilationError",
      `In adapter.dispatch, got a macro name of "${macroName}", but "." is not a valid macro name component. Did you mean \`adapter.dispatch("${suggestedName}", macro_namespace="${suggestedNamespace}")\`?`,
    );
  }
  const configured = namespace === null ? undefined : config.searchOrder.get(namespace);
  const packages: (string | null)[] =
    configured ??
    (namespace !== null && namespace !== config.projectName && library.packages.has(namespace)
      ? [config.projectName, namespace]
      : [null]);
  const attempts: string[] = [];
  for (const pkg of packages) {
    for (const prefix of ADAPTER_PREFIXES) {
      const name = `${prefix}__${macroName}`;
      const macro = library.fromPackage(pkg, name);
      attempts.push(pkg === null ? name : `${pkg}.${name}`);
      if (macro) return macro;
    }
  }
  throw new JinjaError(
    "CompilationError",
    `In dispatch: No macro named '${macroName}' found within namespace: '${namespace}'. Searched for: ${attempts.map((a) => `'${a}'`).join(", ")}`,
  );
}
