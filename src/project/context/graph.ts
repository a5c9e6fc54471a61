/**
 * `model` and `graph` as dbt gives them to templates: dictionaries of the node (name, unique_id,
 * fqn, config, columns, refs…) and, for `graph.nodes` / `graph.sources`, of every model, seed and
 * source of the project with their final configs.
 */
import { fromJs, PyDict, type Value } from "../jinja/values.js";
import type { RelationName, SeedNode, SourceTable } from "../types.js";

export interface GraphNode {
  name: string;
  file: string;
  segments: string[];
  rawSql: string;
  description?: string;
  columns: { name: string; description?: string }[];
  refNames: string[];
  sources: { source: string; table: string }[];
}

/** The `model` dict (dbt's ModelNode.to_dict(), the parts templates read). */
export function modelDict(
  node: GraphNode,
  projectName: string,
  config: Record<string, unknown>,
  relation: RelationName | undefined,
  database: string | null,
): Value {
  const uniqueId = `model.${projectName}.${node.name}`;
  return fromJs({
    name: node.name,
    resource_type: "model",
    package_name: projectName,
    unique_id: uniqueId,
    original_file_path: node.file,
    path: node.segments.join("/") + ".sql",
    fqn: [projectName, ...node.segments],
    alias: relation?.identifier ?? node.name,
    schema: relation?.schema ?? null,
    database,
    config: { materialized: "view", enabled: true, tags: [], meta: {}, ...config },
    tags: config.tags ?? [],
    meta: config.meta ?? {},
    description: node.description ?? "",
    columns: Object.fromEntries(
      node.columns.map((column) => [
        column.name,
        { name: column.name, description: column.description ?? "", meta: {}, tags: [] },
      ]),
    ),
    raw_code: node.rawSql,
    raw_sql: node.rawSql,
    language: "sql",
    refs: node.refNames.map((name) => ({ name, package: null, version: null })),
    sources: node.sources.map((source) => [source.source, source.table]),
    depends_on: { macros: [], nodes: [] },
    version: null,
    relation_name: relation ? `"${relation.schema}"."${relation.identifier}"` : null,
  });
}

function sourceDict(table: SourceTable, projectName: string, database: string | null): Value {
  return fromJs({
    name: table.table,
    source_name: table.source,
    resource_type: "source",
    package_name: projectName,
    unique_id: `source.${projectName}.${table.source}.${table.table}`,
    fqn: [projectName, table.source, table.table],
    database: table.database ?? database,
    schema: table.relation.schema,
    identifier: table.relation.identifier,
    original_file_path: table.file,
    path: table.file,
    relation_name: `"${table.relation.schema}"."${table.relation.identifier}"`,
    config: { enabled: true },
    columns: {},
    meta: {},
    tags: [],
  });
}

function seedDict(seed: SeedNode, projectName: string, database: string | null): Value {
  return fromJs({
    name: seed.name,
    resource_type: "seed",
    package_name: projectName,
    unique_id: `seed.${projectName}.${seed.name}`,
    original_file_path: seed.file,
    fqn: [projectName, seed.name],
    alias: seed.relation.identifier,
    schema: seed.relation.schema,
    database,
    config: { materialized: "seed", enabled: true },
  });
}

/** dbt's flat graph: every node and source, keyed by unique_id. */
export function graphValue(
  models: { uniqueId: string; value: Value }[],
  seeds: Iterable<SeedNode>,
  sources: Iterable<SourceTable>,
  projectName: string,
  database: string | null,
): Value {
  const nodes = new PyDict();
  for (const model of models) nodes.set(model.uniqueId, model.value);
  for (const seed of seeds)
    nodes.set(`seed.${projectName}.${seed.name}`, seedDict(seed, projectName, database));
  const sourceNodes = new PyDict();
  for (const table of sources) {
    sourceNodes.set(
      `source.${projectName}.${table.source}.${table.table}`,
      sourceDict(table, projectName, database),
    );
  }
  return PyDict.fromObject({
    nodes,
    sources: sourceNodes,
    exposures: new PyDict(),
    metrics: new PyDict(),
    groups: new PyDict(),
    semantic_models: new PyDict(),
    saved_queries: new PyDict(),
    unit_tests: new PyDict(),
  });
}
