/**
 * Routes are written like octokit's ("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}") so a
 * test can name a route exactly as the product's code does; a concrete path matches too.
 */
export interface RoutePattern {
  template: string;
  match(method: string, path: string): Record<string, string> | undefined;
}

export function compileRoute(template: string): RoutePattern {
  const [method, path, ...rest] = template.trim().split(/\s+/);
  if (!method || !path || rest.length > 0) {
    throw new Error(`route must look like "GET /repos/{owner}/{repo}/...", got "${template}"`);
  }
  const names: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      return "([^/]+)";
    })
    .join("");
  const regex = new RegExp(`^${source}$`);
  const wantedMethod = method.toUpperCase();
  return {
    template,
    match(requestMethod, requestPath) {
      if (requestMethod.toUpperCase() !== wantedMethod) return undefined;
      const found = regex.exec(requestPath);
      if (!found) return undefined;
      return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]));
    },
  };
}
