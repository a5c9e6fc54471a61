import { PassThrough } from "node:stream";
import { getOctokit } from "@actions/github";
import { describe, expect, it } from "vitest";
import { text as markdownText } from "../../src/report/escape.js";
import { redactRequests } from "../../src/security/redact-requests.js";
import { redactProcessOutput } from "../../src/security/redact-streams.js";
import {
  databaseUrlSecrets,
  environmentSecrets,
  SecretRegistry,
} from "../../src/security/secrets.js";
import { secretsOf, buildSettings } from "../../src/settings/settings.js";
import { startGitHubApi } from "../support/github-api/index.js";

describe("the secret registry", () => {
  it("redacts every spelling a value takes on its way out, longest first", () => {
    const registry = new SecretRegistry();
    registry.register("p@ss:w/rd%41,\"x'\n");
    registry.register("p@ss");
    const text = [
      "raw p@ss:w/rd%41,\"x'\n.",
      "url p%40ss%3Aw%2Frd%2541%2C%22x'%0A.",
      "json p@ss:w/rd%41,\\\"x'\\n.",
      "sql p@ss:w/rd%41,\"x''\n.",
      "command p@ss:w/rd%2541,\"x'%0A.",
      "property p@ss%3Aw/rd%2541%2C\"x'%0A.",
      "short p@ss.",
    ].join(" | ");
    expect(registry.redact(text)).toBe(
      "raw ***. | url ***. | json ***. | sql ***. | command ***. | property ***. | short ***.",
    );
    expect(registry.redact("nothing secret")).toBe("nothing secret");
  });

  it("finds secrets made of every character a pattern treats specially", () => {
    // The registry first asks one pattern whether any secret is in a text at all.
    for (const special of ["a+b.c*d?(e)[f]^g$h\\i{2}/j-k", "x|y"]) {
      const registry = new SecretRegistry();
      registry.register(special);
      expect(registry.redact(`before ${special} after`)).toBe("before *** after");
      expect(registry.redact(special.slice(1))).toBe(special.slice(1));
    }
  });

  it("redacts a secret in report text, where Markdown escaping has changed it", () => {
    const registry = new SecretRegistry();
    registry.register("ghs_to*ken<x>");
    const report = `- error: ${markdownText("auth failed for ghs_to*ken<x> today")}`;
    expect(report).toContain("ghs\\_to\\*ken&lt;x&gt;");
    expect(registry.redact(report)).toBe(
      `- error: ${markdownText("auth failed for ")}***${markdownText(" today")}`,
    );
  });

  it("finds a database URL's secrets in every spelling, also when it does not parse", () => {
    expect(databaseUrlSecrets(" postgres://u:p%40ss@h:4566/dev?sslmode=require ")).toEqual(
      expect.arrayContaining(["p%40ss", "p@ss", "postgres://u:p%40ss@h:4566/dev?sslmode=require"]),
    );
    expect(databaseUrlSecrets("postgres://u@h/dev?password=s%20cr+et&x=1")).toEqual(
      expect.arrayContaining(["s%20cr+et", "s cr et"]),
    );
    expect(databaseUrlSecrets("postgres://u:pw@[bad")).toEqual(expect.arrayContaining(["pw"]));
    expect(databaseUrlSecrets("")).toEqual([]);
    const settings = buildSettings(
      (name) =>
        ({ "database-url": "postgres://u:a%2Fb@h/d?password=q", "github-token": "ghs_t" })[name] ??
        "",
      { eventName: "push" },
    );
    expect(secretsOf(settings)).toEqual(expect.arrayContaining(["a%2Fb", "a/b", "q", "ghs_t"]));
  });

  it("takes libpq's password, GitHub's tokens and dbt's secrets from the environment", () => {
    expect(
      environmentSecrets({
        PGPASSWORD: "pg",
        GITHUB_TOKEN: "gh",
        ACTIONS_RUNTIME_TOKEN: "rt",
        DBT_ENV_SECRET_KAFKA: "k",
        DBT_TARGET: "prod",
        HOME: "/root",
      }).sort(),
    ).toEqual(["gh", "k", "pg", "rt"]);
  });

  it("redacts what is written to a stream, strings and bytes", async () => {
    const registry = new SecretRegistry();
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    redactProcessOutput(registry, [stream]);
    registry.register("hunter2");
    let out = "";
    (stream as unknown as PassThrough).on("data", (chunk: Buffer) => (out += chunk.toString()));
    stream.write("pw=hunter2\n");
    stream.write(Buffer.from("again hunter2\n"), () => undefined);
    stream.write("::error::x%0Ahunter2\n", "utf8");
    await new Promise((resolve) => setImmediate(resolve));
    expect(out).toBe("pw=***\nagain ***\n::error::x%0A***\n");
  });
});

describe("requests to GitHub", () => {
  it("carry no registered secret in their content, and still reach the right place with the token", async () => {
    const api = await startGitHubApi();
    try {
      api.addPull({ number: 5, baseSha: "a".repeat(40), headSha: "b".repeat(40) });
      const registry = new SecretRegistry();
      const token = "ghs_secret_token_value";
      registry.register(token);
      registry.register("hunter2");
      // "acme" is both the owner in the URL and, here, a secret: addressing is never redacted.
      registry.register("acme");
      const client = getOctokit(token, { baseUrl: api.url });
      redactRequests(client, registry);
      await client.rest.issues.createComment({
        owner: "acme",
        repo: "analytics",
        issue_number: 5,
        body: "pw hunter2, token ghs_secret_token_value, owner acme",
      });
      const [request] = api.requests;
      expect(request?.path).toBe("/repos/acme/analytics/issues/5/comments");
      expect(request?.body).toEqual({ body: "pw ***, token ***, owner ***" });
      expect(request?.headers.authorization).toContain(token);
    } finally {
      await api.close();
    }
  });
});
