import type { Annotation, Logger } from "./logger.js";

function where(annotation?: Annotation): string {
  if (!annotation?.file) return "";
  return annotation.line ? `${annotation.file}:${annotation.line}: ` : `${annotation.file}: `;
}

export function consoleLogger(stream: NodeJS.WritableStream = process.stdout): Logger {
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    info: (message) => write(message),
    warning: (message, annotation) => write(`warning: ${where(annotation)}${message}`),
    error: (message, annotation) => write(`error: ${where(annotation)}${message}`),
    group: async (name, work) => {
      write(`▶ ${name}`);
      return work();
    },
  };
}
