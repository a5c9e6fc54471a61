export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const defaultMessages: Record<number, string> = {
  400: "Bad Request",
  401: "Bad credentials",
  403: "Resource not accessible by integration",
  404: "Not Found",
  409: "Conflict",
  422: "Validation Failed",
  429: "API rate limit exceeded",
  500: "Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * GitHub's JSON error body, which octokit turns into `RequestError.message`: `basic-error`, or
 * for 422 `validation-error`, which has no `status`.
 */
export function errorReply(
  status: number,
  message: string = defaultMessages[status] ?? "Error",
  extra: Record<string, unknown> = {},
): Reply {
  const body: Record<string, unknown> = {
    message,
    documentation_url: "https://docs.github.com/rest",
    ...extra,
  };
  if (status !== 422) body.status = `${status}`;
  return { status, body };
}
