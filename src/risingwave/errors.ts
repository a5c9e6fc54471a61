/**
 * Errors from the server carry a five-character SQLSTATE; anything else a statement raises (a
 * reset, "Connection terminated unexpectedly") means the connection is gone, and with it the
 * knowledge of whether that statement took effect.
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return !(typeof code === "string" && /^[0-9A-Z]{5}$/.test(code));
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
