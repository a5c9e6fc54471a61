import * as core from "@actions/core";
import type { Annotation, Logger } from "./logger.js";

function properties(annotation?: Annotation): core.AnnotationProperties | undefined {
  if (!annotation) return undefined;
  return { file: annotation.file, startLine: annotation.line, title: annotation.title };
}

export const actionsLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, annotation) => core.warning(message, properties(annotation)),
  error: (message, annotation) => core.error(message, properties(annotation)),
  group: (name, work) => core.group(name, work),
};
