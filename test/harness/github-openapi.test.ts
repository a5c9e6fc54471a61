import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes } from "../support/github-api/routes.js";
import { startGitHubApi, type GitHubApi } from "../support/github-api/index.js";

// GitHub's own OpenAPI description (npm @octokit/openapi) is the oracle: every reply the stand-in
// sends must use only properties the operation's response schema declares, with the declared
// types. Required properties are not demanded: the stand-in serves the fields the product reads,
// a subset, and says so.
const spec = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json"),
    "utf8",
  ),
) as OpenApi;

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  };
}
interface Operation {
  operationId: string;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: Schema }> }>;
}
type Schema = Record<string, unknown>;

/** OpenAPI 3.0 schema → JSON Schema that refuses properties the description does not declare. */
function strict(schema: unknown, defs: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => strict(item, defs));
  if (typeof schema !== "object" || schema === null) return schema;
  const source = schema as Schema;
  if (typeof source.$ref === "string") {
    const name = source.$ref.replace("#/components/schemas/", "");
    if (!(name in defs)) {
      defs[name] = {};
      defs[name] = strict(spec.components.schemas[name], defs);
    }
    return { $ref: `#/definitions/${name}` };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (["required", "discriminator", "example", "examples", "deprecated"].includes(key)) continue;
    if (key.startsWith("x-")) continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([name, property]) => [name, strict(property, defs)]),
      );
    } else if (key === "oneOf") {
      // With `required` gone, several branches can match; any one matching is what counts here.
      out.anyOf = strict(value, defs);
    } else {
      out[key] = strict(value, defs);
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function responseSchema(method: string, path: string, status: number): Schema | undefined {
  const operation = spec.paths[path]?.[method.toLowerCase()];
  const response = operation?.responses[String(status)];
  if (!response) return undefined;
  const resolved = response.$ref
    ? spec.components.responses[response.$ref.replace("#/components/responses/", "")]
    : response;
  return resolved?.content?.["application/json"]?.schema;
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(method: string, path: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = responseSchema(method, path, status);
    if (!schema) throw new Error(`GitHub declares no JSON reply ${status} for ${method} ${path}`);
    const definitions: Record<string, unknown> = {};
    const root = strict(schema, definitions) as Schema;
    validate = ajv.compile({ ...root, definitions });
    validators.set(key, validate);
  }
  return validate;
}

describe("the GitHub stand-in against GitHub's OpenAPI description", () => {
  let api: GitHubApi;
  let botApi: GitHubApi;

  beforeAll(async () => {
    api = await startGitHubApi({
      userEndpoint: "ok",
      viewer: { login: "octocat", id: 1, type: "User" },
    });
    botApi = await startGitHubApi();
    for (const server of [api, botApi]) {
      server.addPull({
        number: 7,
        baseSha: "a".repeat(40),
        headSha: "b".repeat(40),
        files: [{ filename: "models/a.sql" }],
      });
      server.addPull({
        number: 8,
        baseSha: "a".repeat(40),
        headSha: "c".repeat(40),
        merged: true,
        mergeCommitSha: "d".repeat(40),
      });
      server.addComment({ issue: 7, body: "hello" });
    }
  });
  afterAll(async () => {
    await api?.close();
    await botApi?.close();
  });

  async function call(server: GitHubApi, method: string, path: string, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: "token x", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  }

  it("serves only operations GitHub has, under the same path templates", () => {
    for (const route of routes) {
      const [method, path] = route.pattern.template.split(" ") as [string, string];
      expect(spec.paths[path]?.[method.toLowerCase()], route.pattern.template).toBeDefined();
    }
  });

  const cases: [string, string, string, unknown?][] = [
    ["GET /user (personal token)", "GET", "/user"],
    ["GET /user (installation token)", "GET", "/user"],
    ["list comments", "GET", "/repos/acme/analytics/issues/7/comments?per_page=100"],
    ["list comments of a missing issue", "GET", "/repos/acme/analytics/issues/99/comments"],
    ["create a comment", "POST", "/repos/acme/analytics/issues/7/comments", { body: "x" }],
    ["create without a body", "POST", "/repos/acme/analytics/issues/7/comments", {}],
    [
      "create an over-long comment",
      "POST",
      "/repos/acme/analytics/issues/7/comments",
      { body: "x".repeat(65_537) },
    ],
    [
      "create on a missing issue",
      "POST",
      "/repos/acme/analytics/issues/99/comments",
      { body: "x" },
    ],
    ["get a missing comment", "GET", "/repos/acme/analytics/issues/comments/1"],
    ["get a pull request", "GET", "/repos/acme/analytics/pulls/8"],
    ["get a missing pull request", "GET", "/repos/acme/analytics/pulls/99"],
    ["list pull request files", "GET", "/repos/acme/analytics/pulls/7/files"],
    [
      "pulls of an open pull request's head",
      "GET",
      `/repos/acme/analytics/commits/${"b".repeat(40)}/pulls`,
    ],
    ["pulls of a merge commit", "GET", `/repos/acme/analytics/commits/${"d".repeat(40)}/pulls`],
  ];

  for (const [name, method, path, body] of cases) {
    it(`answers "${name}" as GitHub's description says`, async () => {
      const server = name.includes("installation") ? botApi : api;
      const reply = await call(server, method, path, body);
      const route = routes.find((r) => r.pattern.match(method, path.split("?")[0]!));
      expect(route, path).toBeDefined();
      const template = route!.pattern.template.split(" ")[1]!;
      const validate = validatorFor(method, template, reply.status);
      const valid = validate(reply.json);
      expect(validate.errors ?? [], JSON.stringify(reply.json).slice(0, 2000)).toEqual([]);
      expect(valid).toBe(true);
    });
  }

  it("answers comment edits, and a commented issue's list again, within the description", async () => {
    const created = await call(api, "POST", "/repos/acme/analytics/issues/7/comments", {
      body: "one",
    });
    const id = (created.json as { id: number }).id;
    for (const [method, path, body] of [
      ["PATCH", `/repos/acme/analytics/issues/comments/${id}`, { body: "two" }],
      ["PATCH", `/repos/acme/analytics/issues/comments/${id}`, { body: "y".repeat(65_537) }],
      ["GET", `/repos/acme/analytics/issues/comments/${id}`, undefined],
    ] as const) {
      const reply = await call(api, method, path, body);
      const validate = validatorFor(
        method,
        method === "PATCH" || method === "GET"
          ? "/repos/{owner}/{repo}/issues/comments/{comment_id}"
          : path,
        reply.status,
      );
      validate(reply.json);
      expect(validate.errors ?? [], `${method} ${reply.status}`).toEqual([]);
    }
  });

  it("refuses what GitHub refuses: the oracle catches a field GitHub does not send", () => {
    // The check itself must be able to fail: `merged` exists on a pull request, not in a list.
    const validate = validatorFor("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", 200);
    expect(validate([{ number: 1, merged: true }])).toBe(false);
    expect(validate([{ number: 1, merged_at: null }])).toBe(true);
  });
});
