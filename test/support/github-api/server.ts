import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorReply, type Reply } from "./errors.js";
import { FaultBook, type FaultOptions } from "./faults.js";
import { compileRoute } from "./route-pattern.js";
import { routes } from "./routes.js";
import { addComment, addPull, createState, type PullInit, type StateOptions } from "./state.js";
import type { ApiState, GitHubUser, RecordedRequest, StoredComment, StoredPull } from "./types.js";

export interface GitHubApiOptions extends StateOptions {
  /** When set, a request must carry this token (`token …` or `Bearer …`) or get GitHub's 401. */
  token?: string;
  /** The web UI origin used in html_url fields (GITHUB_SERVER_URL). */
  serverUrl?: string;
}

export interface GitHubApi {
  /** Use as GITHUB_API_URL, or as octokit's baseUrl. */
  url: string;
  /** Live state: tests arrange it before the run and inspect it after. */
  state: ApiState;
  /** Every request in arrival order, including faulted and unmatched ones. */
  requests: RecordedRequest[];
  addPull(init: PullInit): StoredPull;
  addComment(init: { issue: number; body: string; user?: GitHubUser }): StoredComment;
  /** Records a commit pushed straight to the default branch (see `defaultBranchCommits`). */
  onDefaultBranch(sha: string): void;
  /** Makes requests matching `route` (template or concrete path) answer `status` with GitHub's error body. */
  fail(route: string, status: number, options?: FaultOptions): void;
  /** Recorded requests matching a route, e.g. calls("PATCH /repos/{owner}/{repo}/issues/comments/{id}"). */
  calls(route: string): RecordedRequest[];
  /** Requests no route served: assert this is empty to prove nothing unexpected was called. */
  unmatched(): RecordedRequest[];
  close(): Promise<void>;
}

export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<GitHubApi> {
  const state = createState(options);
  const requests: RecordedRequest[] = [];
  const faults = new FaultBook();
  const serverUrl = options.serverUrl ?? "https://github.com";
  let apiUrl = "";

  const server = createServer((req, res) => {
    readBody(req).then(
      (raw) => {
        const url = new URL(req.url ?? "/", apiUrl);
        const method = req.method ?? "GET";
        const found = findRoute(method, url.pathname);
        const recorded: RecordedRequest = {
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: flattenHeaders(req),
          body: parseBody(raw),
          route: found?.template,
          status: 0,
        };
        requests.push(recorded);
        const reply = answer(recorded, url, found);
        recorded.status = reply.status;
        send(res, reply);
      },
      (error: unknown) => send(res, errorReply(400, String(error))),
    );
  });

  function answer(recorded: RecordedRequest, url: URL, found: ReturnType<typeof findRoute>): Reply {
    if (options.token !== undefined && !carriesToken(recorded.headers, options.token)) {
      return errorReply(401, "Bad credentials");
    }
    const fault = faults.take(recorded.method, recorded.path);
    if (fault) return fault;
    if (!found) return errorReply(404);
    const { owner, repo } = found.params;
    if (owner !== undefined && !sameName(owner, state.owner)) return errorReply(404);
    if (repo !== undefined && !sameName(repo, state.repo)) return errorReply(404);
    try {
      return found.route.handle({
        state,
        params: found.params,
        url,
        body: recorded.body,
        origins: { apiUrl, serverUrl },
      });
    } catch (error) {
      return errorReply(500, `stand-in GitHub API failed: ${String(error)}`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: apiUrl,
    state,
    requests,
    addPull: (init) => addPull(state, init),
    addComment: (init) => addComment(state, init),
    onDefaultBranch: (sha) => void state.defaultBranchCommits.add(sha),
    fail: (route, status, faultOptions) => faults.add(route, status, faultOptions),
    calls(route) {
      const pattern = compileRoute(route);
      return requests.filter((r) => pattern.match(r.method, r.path) !== undefined);
    },
    unmatched: () => requests.filter((r) => r.route === undefined),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Clients keep connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function findRoute(method: string, path: string) {
  for (const route of routes) {
    const params = route.pattern.match(method, path);
    if (params) return { route, params, template: route.pattern.template };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]),
  );
}

function carriesToken(headers: Record<string, string>, token: string): boolean {
  const match = /^(?:token|bearer)\s+(.+)$/i.exec(headers.authorization ?? "");
  return match?.[1] === token;
}

// GitHub resolves owner and repository names case-insensitively.
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "x-github-media-type": "github.v3; format=json",
    ...reply.headers,
  });
  res.end(body);
}
