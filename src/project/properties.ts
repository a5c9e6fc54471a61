import { z } from "zod";
import { ProjectError } from "./errors.js";
import { escapeRegExp, lineAt } from "./text-position.js";
import { parseYamlFile } from "./yaml-file.js";

/** A `models:` (or `seeds:`) entry of a properties YAML file. */
export interface NodeProperties {
  name: string;
  file: string;
  /** Line of the entry's `name:`, where it can be found. */
  line?: number;
  description?: string;
  columns: { name: string; description?: string }[];
  config: Record<string, unknown>;
}

export interface SourceProperties {
  source: string;
  table: string;
  schema: string;
  identifier: string;
  file: string;
}

export interface PropertiesIndex {
  models: Map<string, NodeProperties>;
  seeds: Map<string, NodeProperties>;
  /** Keyed by `source.table`. */
  sources: Map<string, SourceProperties>;
}

const description = z.string().nullish();
const nodeSchema = z.looseObject({
  name: z.string(),
  description,
  config: z.record(z.string(), z.unknown()).nullish(),
  columns: z.array(z.looseObject({ name: z.string(), description })).nullish(),
});
const sourceSchema = z.looseObject({
  name: z.string(),
  schema: z.string().nullish(),
  tables: z.array(z.looseObject({ name: z.string(), identifier: z.string().nullish() })).nullish(),
});
const fileSchema = z.looseObject({
  models: z.array(nodeSchema).nullish(),
  seeds: z.array(nodeSchema).nullish(),
  sources: z.array(sourceSchema).nullish(),
});

/** Reads every properties file; the same model described twice is an error, as in dbt. */
export function parseProperties(files: { file: string; text: string }[]): PropertiesIndex {
  const index: PropertiesIndex = { models: new Map(), seeds: new Map(), sources: new Map() };
  for (const { file, text } of files) {
    const yaml = parseYamlFile(text, file);
    if (yaml === null || yaml === undefined) continue;
    const parsed = fileSchema.safeParse(yaml);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ProjectError(
        `invalid properties at ${issue?.path.join(".") || "top level"}: ${issue?.message}`,
        { file },
        "See https://docs.getdbt.com/reference/model-properties for the expected shape.",
      );
    }
    addNodes(index.models, parsed.data.models ?? [], { file, text }, "model");
    addNodes(index.seeds, parsed.data.seeds ?? [], { file, text }, "seed");
    for (const source of parsed.data.sources ?? []) {
      for (const table of source.tables ?? []) {
        const key = `${source.name}.${table.name}`;
        const earlier = index.sources.get(key);
        if (earlier) {
          throw new ProjectError(`source ${key} is also declared in ${earlier.file}.`, { file });
        }
        index.sources.set(key, {
          source: source.name,
          table: table.name,
          schema: source.schema ?? source.name,
          identifier: table.identifier ?? table.name,
          file,
        });
      }
    }
  }
  return index;
}

function addNodes(
  into: Map<string, NodeProperties>,
  entries: z.infer<typeof nodeSchema>[],
  { file, text }: { file: string; text: string },
  kind: string,
): void {
  for (const entry of entries) {
    const line = nameLine(text, entry.name);
    const earlier = into.get(entry.name);
    if (earlier) {
      throw new ProjectError(
        `${kind} ${entry.name} is described twice (also in ${earlier.file}).`,
        { file, line },
        "Keep one properties entry per model.",
      );
    }
    into.set(entry.name, {
      name: entry.name,
      file,
      line,
      description: entry.description ?? undefined,
      columns: (entry.columns ?? []).map((column) => ({
        name: column.name,
        description: column.description ?? undefined,
      })),
      config: entry.config ?? {},
    });
  }
}

/** The line of `- name: <name>` (the parsed YAML keeps no positions). */
function nameLine(text: string, name: string): number | undefined {
  const escaped = escapeRegExp(name);
  const found = new RegExp(`^[ \\t-]*name:[ \\t]*["']?${escaped}["']?[ \\t]*(#.*)?$`, "m").exec(
    text,
  );
  return found ? lineAt(text, found.index) : undefined;
}
