import type { Logger } from "./logger.js";

/**
 * Lines of work that runs side by side with other work (one model's staging among several): each
 * line says whose it is, and no group is opened, as the Actions log cannot interleave groups.
 */
export function prefixedLogger(logger: Logger, prefix: string): Logger {
  return {
    info: (message) => logger.info(`[${prefix}] ${message}`),
    warning: (message, annotation) => logger.warning(`[${prefix}] ${message}`, annotation),
    error: (message, annotation) => logger.error(`[${prefix}] ${message}`, annotation),
    group: (name, work) => {
      logger.info(`[${prefix}] ${name}`);
      return work();
    },
  };
}
