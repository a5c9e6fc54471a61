import { randomUUID } from "node:crypto";
import { EOL } from "node:os";
import * as core from "@actions/core";
import type { Annotation, Logger } from "./logger.js";

function properties(annotation?: Annotation): core.AnnotationProperties | undefined {
  if (!annotation) return undefined;
  return { file: annotation.file, startLine: annotation.line, title: annotation.title };
}

/**
 * The runner reads a line starting with `::` (or holding `##[`) as a workflow command. Log lines
 * echo model SQL and database errors, which a pull request controls, so such text is printed
 * between `::stop-commands::<token>` and `::<token>::` with a token nobody can guess: it cannot
 * add an annotation, mask a value or resume commands.
 */
function info(message: string): void {
  if (!/::|##\[/.test(message)) {
    core.info(message);
    return;
  }
  const token = randomUUID();
  process.stdout.write(`::stop-commands::${token}${EOL}`);
  core.info(message);
  process.stdout.write(`::${token}::${EOL}`);
}

export const actionsLogger: Logger = {
  info,
  warning: (message, annotation) => core.warning(message, properties(annotation)),
  error: (message, annotation) => core.error(message, properties(annotation)),
  group: (name, work) => core.group(name, work),
};
