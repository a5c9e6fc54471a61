import type { DbtProjectFile } from "../files/dbt-project-file.js";
import type { NodeFile } from "../files/project-layout.js";
import type { PropertiesIndex } from "../files/properties.js";
import { unquotableName } from "../../sql/quote.js";
import { ProjectError } from "../errors.js";
import type { ModelConfig, ModelFailure, RelationName, SeedNode } from "../types.js";
import { mergeConfig, propertiesLayer, validateConfig } from "./config.js";
import { projectConfigLayers } from "./config-tree.js";
import type { ParsedModel } from "./model-parse.js";
import type { RelationNamer } from "./relation-namer.js";

/** A parsed model with its final config and relation. */
export interface ResolvedModel extends ParsedModel {
  config: ModelConfig;
  configValues: Record<string, unknown>;
  relation: RelationName;
  hookFile: string;
}

/**
 * Final configs and relations; disabled models drop out. A model whose config is invalid fails on
 * its own, and so do two models that would build the same relation.
 */
export function resolveModels(
  parsed: Map<string, ParsedModel>,
  namer: RelationNamer,
  failures: Map<string, ModelFailure>,
  effectiveName: (relation: RelationName) => RelationName,
): Map<string, ResolvedModel> {
  const models = new Map<string, ResolvedModel>();
  const byRelation = new Map<string, string>();
  for (const model of parsed.values()) {
    try {
      const merged = mergeConfig([...model.layers, ...model.configCalls]);
      const config = validateConfig(merged, model.file);
      if (!config.enabled) continue;
      const relation = effectiveName(namer.relation(model, "model", config, merged.values));
      requireQuotableRelation(relation, model.file);
      const key = `${relation.schema}.${relation.identifier}`;
      const clash = byRelation.get(key);
      if (clash !== undefined) {
        const error = new ProjectError(
          `models ${clash} and ${model.name} both build ${key}.`,
          { file: model.file },
          "Give one of them another alias or schema.",
        );
        failures.set(model.name, { name: model.name, file: model.file, error });
        const other = models.get(clash);
        if (other) {
          failures.set(clash, {
            name: clash,
            file: other.file,
            error: new ProjectError(error.problem, { file: other.file }, error.fix),
          });
          models.delete(clash);
        }
        continue;
      }
      byRelation.set(key, model.name);
      models.set(model.name, {
        ...model,
        config,
        configValues: merged.values,
        relation,
        hookFile: merged.origin.post_hook?.file ?? merged.origin.pre_hook?.file ?? model.file,
      });
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      failures.set(model.name, { name: model.name, file: model.file, error });
    }
  }
  return models;
}

export function resolveSeeds(
  seedFiles: NodeFile[],
  {
    projectFile,
    project,
    properties,
    namer,
    failures,
  }: {
    projectFile: string;
    project: DbtProjectFile;
    properties: PropertiesIndex;
    namer: RelationNamer;
    /** Seeds that cannot be named: models that ref them fail, the rest load. */
    failures: Map<string, ProjectError>;
  },
): Map<string, SeedNode> {
  const seeds = new Map<string, SeedNode>();
  for (const seed of seedFiles) {
    const props = properties.seeds.get(seed.name);
    const merged = mergeConfig([
      ...projectConfigLayers(project.seeds, seed.segments).map((values) => ({
        file: projectFile,
        values,
      })),
      ...propertiesLayer(props),
    ]);
    try {
      const config = validateConfig(merged, seed.file);
      if (!config.enabled) continue;
      seeds.set(seed.name, {
        name: seed.name,
        file: seed.file,
        relation: namer.relation(seed, "seed", config, merged.values),
      });
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      failures.set(seed.name, error);
    }
  }
  return seeds;
}

/** A model's schema or name that cannot be quoted for every supported server fails that model. */
function requireQuotableRelation(relation: RelationName, file: string): void {
  for (const [part, name] of [
    ["schema", relation.schema],
    ["name", relation.identifier],
  ] as const) {
    const problem = unquotableName(name);
    if (problem) {
      throw new ProjectError(
        `the relation's ${part} ${JSON.stringify(name)} cannot be used: ${problem}.`,
        { file },
        `Choose a ${part === "name" ? "model name or alias" : "schema"} without it.`,
      );
    }
  }
}
