import type { NodeFile } from "../files/project-layout.js";
import { ProjectContext, type SharedContext } from "../context/node-context.js";
import { defaultSchemaName } from "../context/relation.js";
import { ProjectError } from "../errors.js";
import { Frame } from "../jinja/interpreter.js";
import { callValue } from "../jinja/access.js";
import { fromJs, type PyCallable, str, type Value } from "../jinja/values.js";
import { ADAPTER_PREFIXES } from "../packages/dispatch.js";
import type { RelationName } from "../types.js";
import { renderingError } from "./render-errors.js";

const NAMING_MACROS = ["generate_schema_name", "generate_alias_name"] as const;

/**
 * Names relations as dbt does: generate_schema_name and generate_alias_name, from the project (or
 * a package it dispatches to) when one defines them, dbt's defaults otherwise — computed directly,
 * since rendering the default macros for every model would cost time and change nothing.
 */
export class RelationNamer {
  private readonly context: ProjectContext;
  private readonly custom: Map<string, PyCallable | undefined>;

  constructor(
    private readonly shared: SharedContext,
    private readonly targetSchema: string,
    private readonly projectName: string,
  ) {
    this.context = new ProjectContext(shared, shared.builtins);
    this.custom = new Map(NAMING_MACROS.map((name) => [name, this.customMacro(name)]));
  }

  /** The project's own naming macro, if it (or a package) replaces dbt's default. */
  private customMacro(name: (typeof NAMING_MACROS)[number]): PyCallable | undefined {
    const { library } = this.shared;
    const top = library.resolve(name);
    if (top !== undefined && top !== library.internal.macro(name)) return top as PyCallable;
    for (const pkg of library.packages.values()) {
      for (const prefix of ADAPTER_PREFIXES) {
        if (pkg.has(`${prefix}__${name}`)) return top as PyCallable;
      }
    }
    return undefined;
  }

  relation(
    node: NodeFile,
    resourceType: "model" | "seed",
    config: { schema?: string; alias?: string },
    configValues: Record<string, unknown>,
  ): RelationName {
    const schemaMacro = this.custom.get("generate_schema_name");
    const aliasMacro = this.custom.get("generate_alias_name");
    const nodeValue = () => fromJs(this.nodeContext(node, resourceType, configValues));
    const schema = schemaMacro
      ? this.callMacro(schemaMacro, [config.schema ?? null, nodeValue()], node)
      : defaultSchemaName(this.targetSchema, config.schema);
    const identifier = aliasMacro
      ? this.callMacro(aliasMacro, [config.alias ?? null, nodeValue()], node)
      : config.alias
        ? config.alias.trim()
        : node.name;
    return { schema, identifier };
  }

  /** The relation before `config()` calls are known: what `this` is while parsing a model. */
  provisional(node: NodeFile, values: Record<string, unknown>): RelationName {
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    return {
      schema: defaultSchemaName(this.targetSchema, text(values.schema)),
      identifier: text(values.alias) ?? node.name,
    };
  }

  private nodeContext(
    node: NodeFile,
    resourceType: string,
    config: Record<string, unknown>,
  ): Record<string, unknown> {
    return {
      name: node.name,
      resource_type: resourceType,
      package_name: this.projectName,
      unique_id: `${resourceType}.${this.projectName}.${node.name}`,
      original_file_path: node.file,
      path: node.segments.join("/"),
      fqn: [this.projectName, ...node.segments],
      config,
      version: null,
    };
  }

  private callMacro(macro: PyCallable, args: Value[], node: NodeFile): string {
    let result: string;
    try {
      result = str(callValue(macro, args, new Map(), new Frame(undefined, this.context))).trim();
    } catch (error) {
      throw renderingError(error, { file: node.file, modelName: node.name });
    }
    if (result === "") {
      throw new ProjectError(
        `the project's generate_schema_name/generate_alias_name macro returned nothing for ${node.name}.`,
        { file: node.file },
        "Make the macro return a name for every node.",
      );
    }
    return result;
  }
}
