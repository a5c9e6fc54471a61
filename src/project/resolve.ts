import { mergeConfig, propertiesLayer, validateConfig } from "./config.js";
import { projectConfigLayers } from "./config-tree.js";
import type { DbtProjectFile } from "./dbt-project-file.js";
import { ProjectError, throwCollected } from "./errors.js";
import type { ParsedModel } from "./model-parse.js";
import type { NodeFile } from "./project-layout.js";
import type { PropertiesIndex } from "./properties.js";
import type { RelationNamer } from "./relation-namer.js";
import type { ModelConfig, RelationName, SeedNode } from "./types.js";

/** A parsed model with its final config and relation. */
export interface ResolvedModel extends ParsedModel {
  config: ModelConfig;
  configValues: Record<string, unknown>;
  relation: RelationName;
  hookFile: string;
}

/** Final configs and relations; disabled models drop out, and two models may not share a relation. */
export function resolveModels(
  parsed: Map<string, ParsedModel>,
  namer: RelationNamer,
): Map<string, ResolvedModel> {
  const models = new Map<string, ResolvedModel>();
  const errors: ProjectError[] = [];
  const byRelation = new Map<string, string>();
  for (const model of parsed.values()) {
    try {
      const merged = mergeConfig([...model.layers, ...model.configCalls]);
      const config = validateConfig(merged, model.file);
      if (!config.enabled) continue;
      const relation = namer.relation(model, "model", config, merged.values);
      const key = `${relation.schema}.${relation.identifier}`;
      const clash = byRelation.get(key);
      if (clash !== undefined) {
        throw new ProjectError(
          `models ${clash} and ${model.name} both build ${key}.`,
          { file: model.file },
          "Give one of them another alias or schema.",
        );
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
      errors.push(error);
    }
  }
  throwCollected(errors);
  return models;
}

export function resolveSeeds(
  seedFiles: NodeFile[],
  {
    projectFile,
    project,
    properties,
    namer,
  }: {
    projectFile: string;
    project: DbtProjectFile;
    properties: PropertiesIndex;
    namer: RelationNamer;
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
    const config = validateConfig(merged, seed.file);
    if (!config.enabled) continue;
    seeds.set(seed.name, {
      name: seed.name,
      file: seed.file,
      relation: namer.relation(seed, "seed", config, merged.values),
    });
  }
  return seeds;
}
