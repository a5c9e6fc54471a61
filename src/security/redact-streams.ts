import type { SecretRegistry } from "./secrets.js";

type Write = NodeJS.WriteStream["write"];

/**
 * Redacts everything the process writes to stdout and stderr: log lines, workflow commands
 * (annotations included) and anything a library or a crash prints. A value must be sent to
 * `::add-mask::` before it is registered here, or the mask command itself would be redacted.
 */
export function redactProcessOutput(
  registry: SecretRegistry,
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const encoding = typeof rest[0] === "string" ? rest[0] : undefined;
      if (typeof chunk === "string" && (encoding === undefined || /^utf-?8$/i.test(encoding))) {
        return write(registry.redact(chunk), ...rest);
      }
      if (chunk instanceof Uint8Array) {
        const text = registry.redact(Buffer.from(chunk).toString("utf8"));
        return write(Buffer.from(text, "utf8"), ...rest);
      }
      return write(chunk, ...rest);
    }) as Write;
  }
}
