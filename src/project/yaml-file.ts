import { parseDocument } from "yaml";
import { ContentCache, deepFreeze } from "./content-cache.js";
import { ProjectError } from "./errors.js";

const parsedFiles = new ContentCache<unknown>();

/**
 * Parses a YAML file the way dbt does. dbt reads YAML with PyYAML, which speaks YAML 1.1
 * (`yes`/`no`/`on`/`off` are booleans), so we parse as 1.1 too.
 */
export function parseYamlFile(text: string, file: string): unknown {
  return parsedFiles.getOrCreate(`${file}\0${text}`, () => deepFreeze(parseYaml(text, file)));
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { version: "1.1", prettyErrors: true, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const line = error.linePos?.[0].line;
    throw new ProjectError(
      `invalid YAML: ${error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`,
      { file, line },
      "Fix the YAML syntax.",
    );
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
