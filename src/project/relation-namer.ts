import { Environment, type RuntimeValue } from "./jinja/package-types.js";
import { type NativeFunction, toRuntime } from "./jinja/runtime-values.js";
import { ProjectError } from "./errors.js";
import type { MacroLibrary } from "./macros.js";
import type { NodeFile } from "./project-layout.js";
import { defaultSchemaName } from "./relation.js";
import { renderingError } from "./render.js";
import type { RelationName } from "./types.js";

/**
 * Names relations as dbt does: generate_schema_name and generate_alias_name, the project's own
 * macros when it defines them, dbt's defaults otherwise.
 */
export class RelationNamer {
  private readonly scope: Environment;

  constructor(
    private readonly library: MacroLibrary,
    private readonly targetSchema: string,
    private readonly projectName: string,
  ) {
    this.scope = new Environment(library.env);
  }

  relation(
    node: NodeFile,
    resourceType: "model" | "seed",
    config: { schema?: string; alias?: string },
    configValues: Record<string, unknown>,
  ): RelationName {
    const schemaMacro = this.library.get("generate_schema_name");
    const aliasMacro = this.library.get("generate_alias_name");
    const nodeValue = () => toRuntime(this.nodeContext(node, resourceType, configValues));
    const schema = schemaMacro
      ? this.callMacro(schemaMacro, [toRuntime(config.schema ?? null), nodeValue()], node)
      : defaultSchemaName(this.targetSchema, config.schema);
    const identifier = aliasMacro
      ? this.callMacro(aliasMacro, [toRuntime(config.alias ?? null), nodeValue()], node)
      : config.alias || node.name; // dbt tests the alias for truthiness: "" means none
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
    };
  }

  private callMacro(macro: RuntimeValue, args: RuntimeValue[], node: NodeFile): string {
    let result: string;
    try {
      result = (macro.value as NativeFunction)(args, this.scope).toString().trim();
    } catch (error) {
      throw renderingError(error, {
        file: node.file,
        sources: this.library.templates,
        modelName: node.name,
      });
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
