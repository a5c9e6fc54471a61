import { z } from "zod";
import { ProjectError } from "../errors.js";
import { type Keypath, renderedInProperties, renderYamlTree } from "./yaml-jinja.js";
import { parseYamlFile } from "./yaml.js";

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
  database?: string;
  quote?: { database: boolean; schema: boolean; identifier: boolean };
  file: string;
}

export interface PropertiesIndex {
  models: Map<string, NodeProperties>;
  seeds: Map<string, NodeProperties>;
  /** Keyed by `source.table`. */
  sources: Map<string, SourceProperties>;
  /**
   * Models (and seeds) that a file describes but that cannot be known: the file does not parse,
   * or says something invalid. They fail; every other model loads.
   */
  failures: Map<string, ProjectError>;
  warnings: string[];
}

const description = z.string().nullish();
const quotingSchema = z
  .looseObject({
    database: z.boolean().nullish(),
    schema: z.boolean().nullish(),
    identifier: z.boolean().nullish(),
  })
  .nullish();
const nodeSchema = z.looseObject({
  name: z.string(),
  description,
  config: z.record(z.string(), z.unknown()).nullish(),
  columns: z.array(z.looseObject({ name: z.string(), description })).nullish(),
});
const sourceSchema = z.looseObject({
  name: z.string(),
  schema: z.string().nullish(),
  database: z.string().nullish(),
  quoting: quotingSchema,
  tables: z
    .array(
      z.looseObject({ name: z.string(), identifier: z.string().nullish(), quoting: quotingSchema }),
    )
    .nullish(),
});
const fileSchema = z.looseObject({
  models: z.array(z.unknown()).nullish(),
  seeds: z.array(z.unknown()).nullish(),
  sources: z.array(z.unknown()).nullish(),
});

/** Renders a YAML value's Jinja; `kind` is the top-level key the entry is under. */
export type PropertiesRenderer = (text: string, kind: string, keypath: Keypath) => unknown;

/**
 * Reads every properties file, rendering Jinja where dbt does. The same model described twice, an
 * unreadable file or an invalid entry fails the models concerned, not the load.
 */
export function parseProperties(
  files: { file: string; text: string }[],
  render: PropertiesRenderer,
): PropertiesIndex {
  const index: PropertiesIndex = {
    models: new Map(),
    seeds: new Map(),
    sources: new Map(),
    failures: new Map(),
    warnings: [],
  };
  for (const { file, text } of files) {
    try {
      readFile(index, file, text, render);
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      // Which models the file meant is unknown: every name it mentions fails, so that no model is
      // built without the config this file may hold for it.
      for (const name of mentionedNames(text)) {
        if (!index.failures.has(name)) index.failures.set(name, error);
      }
      index.warnings.push(
        `${error.message} Models it names cannot be planned; sources it declares are unknown.`,
      );
    }
  }
  return index;
}

function readFile(
  index: PropertiesIndex,
  file: string,
  text: string,
  render: PropertiesRenderer,
): void {
  const yaml = parseYamlFile(text, file);
  index.warnings.push(...yaml.warnings);
  if (yaml.value === null || yaml.value === undefined) return;
  const parsed = fileSchema.safeParse(yaml.value);
  if (!parsed.success) throw invalid(parsed.error, file, []);
  const lines = nameLines(text);
  for (const kind of ["models", "seeds"] as const) {
    (parsed.data[kind] ?? []).forEach((raw, i) => {
      const entry = nodeSchema.safeParse(renderEntry(raw, kind, render));
      if (!entry.success) throw invalid(entry.error, file, [kind, i]);
      addNode(
        index,
        kind === "models" ? index.models : index.seeds,
        entry.data,
        { file, line: lines.get(entry.data.name) },
        kind.slice(0, -1),
      );
    });
  }
  (parsed.data.sources ?? []).forEach((raw, i) => {
    const source = sourceSchema.safeParse(renderEntry(raw, "sources", render));
    if (!source.success) throw invalid(source.error, file, ["sources", i]);
    addSource(index, source.data, file);
  });
}

function renderEntry(raw: unknown, kind: string, render: PropertiesRenderer): unknown {
  return renderYamlTree(
    raw,
    (keypath) => renderedInProperties(kind, keypath),
    (text, keypath) => render(text, kind, keypath),
  );
}

function invalid(error: z.ZodError, file: string, prefix: (string | number)[]): ProjectError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].join(".");
  return new ProjectError(
    `invalid properties at ${path || "top level"}: ${issue?.message}`,
    { file },
    "See https://docs.getdbt.com/reference/model-properties for the expected shape.",
  );
}

function addNode(
  index: PropertiesIndex,
  into: Map<string, NodeProperties>,
  entry: z.infer<typeof nodeSchema>,
  { file, line }: { file: string; line: number | undefined },
  kind: string,
): void {
  const earlier = into.get(entry.name);
  if (earlier) {
    index.failures.set(
      entry.name,
      new ProjectError(
        `${kind} ${entry.name} is described twice (also in ${earlier.file}).`,
        { file, line },
        "Keep one properties entry per model.",
      ),
    );
    return;
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

function addSource(
  index: PropertiesIndex,
  source: z.infer<typeof sourceSchema>,
  file: string,
): void {
  for (const table of source.tables ?? []) {
    const key = `${source.name}.${table.name}`;
    const earlier = index.sources.get(key);
    if (earlier) {
      index.warnings.push(
        `${file}: source ${key} is also declared in ${earlier.file}; the first declaration is used.`,
      );
      continue;
    }
    const quoting = { ...(source.quoting ?? {}), ...(table.quoting ?? {}) };
    const quote = {
      database: quoting.database ?? true,
      schema: quoting.schema ?? true,
      identifier: quoting.identifier ?? true,
    };
    index.sources.set(key, {
      source: source.name,
      table: table.name,
      schema: source.schema ?? source.name,
      identifier: table.identifier ?? table.name,
      ...(source.database ? { database: source.database } : {}),
      ...(quote.database && quote.schema && quote.identifier ? {} : { quote }),
      file,
    });
  }
}

/** Every `name:` value a YAML text holds, for when the file itself cannot be read. */
function mentionedNames(text: string): string[] {
  return [...text.matchAll(/^[ \t-]*name:[ \t]*["']?([\w-]+)["']?/gm)].map((match) => match[1]!);
}

/** The line of each `- name: <name>` (the parsed YAML keeps no positions), in one pass. */
function nameLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let counted = 0;
  // Jumps from one `name:` to the next rather than matching a pattern at every line.
  for (let at = text.indexOf("name:"); at !== -1;) {
    const start = text.lastIndexOf("\n", at) + 1;
    const newline = text.indexOf("\n", at);
    const end = newline === -1 ? text.length : newline;
    for (let i = text.indexOf("\n", counted); i !== -1 && i < start; i = text.indexOf("\n", i + 1))
      line++;
    counted = start;
    const name = NAME_LINE.exec(text.slice(start, end))?.[1]!.trim();
    if (name !== undefined && !lines.has(name)) lines.set(name, line);
    at = newline === -1 ? -1 : text.indexOf("name:", end);
  }
  return lines;
}

const NAME_LINE = /^[ \t-]*name:[ \t]*["']?([^"'#\n]*?)["']?[ \t]*(?:#.*)?\r?$/;
