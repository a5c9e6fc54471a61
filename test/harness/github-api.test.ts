import { getOctokit } from "@actions/github";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { maxCommentLength, startGitHubApi, type GitHubApi } from "../support/github-api/index.js";

const repo = { owner: "acme", repo: "analytics" };
let api: GitHubApi;

beforeEach(async () => {
  api = await startGitHubApi();
});
afterEach(async () => {
  await api.close();
});

// @actions/github reads GITHUB_API_URL when it is first imported, so in-process clients name the
// server explicitly; the action under test gets it through the environment instead.
function octokit(token = "ghs_test") {
  return getOctokit(token, { baseUrl: api.url });
}

async function statusOf(request: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = (await request.then(
    () => ({ status: 200, message: "" }),
    (e: unknown) => e,
  )) as { status: number; message: string };
  return { status: error.status, message: error.message };
}

describe("GET /user", () => {
  it("answers 403 like a workflow's GITHUB_TOKEN by default", async () => {
    const failure = await statusOf(octokit().rest.users.getAuthenticated());
    expect(failure.status).toBe(403);
    expect(failure.message).toContain("Resource not accessible by integration");
  });

  it("answers the configured user for a personal token", async () => {
    await api.close();
    api = await startGitHubApi({
      userEndpoint: "ok",
      viewer: { login: "deploy-bot", id: 7, type: "User" },
    });
    const { data } = await octokit().rest.users.getAuthenticated();
    expect(data.login).toBe("deploy-bot");
  });
});

describe("issue comments", () => {
  it("pages through comments with GitHub's per_page, page and Link header", async () => {
    api.addPull({ number: 7, baseSha: "a".repeat(40), headSha: "b".repeat(40) });
    for (let i = 1; i <= 75; i++) api.addComment({ issue: 7, body: `comment ${i}` });
    api.addComment({ issue: 8, body: "another issue" });

    const comments = await octokit().paginate(octokit().rest.issues.listComments, {
      ...repo,
      issue_number: 7,
      per_page: 30,
    });

    expect(comments.map((c) => c.body)).toEqual(
      Array.from({ length: 75 }, (_, i) => `comment ${i + 1}`),
    );
    expect(api.requests.map((r) => r.query.page ?? "1")).toEqual(["1", "2", "3"]);

    const first = await fetch(`${api.url}/repos/acme/analytics/issues/7/comments?per_page=30`);
    expect(first.headers.get("link")).toBe(
      `<${api.url}/repos/acme/analytics/issues/7/comments?per_page=30&page=2>; rel="next", ` +
        `<${api.url}/repos/acme/analytics/issues/7/comments?per_page=30&page=3>; rel="last"`,
    );
  });

  it("creates, reads and updates a comment as the token's user, recording each request", async () => {
    api.addPull({ number: 7, baseSha: "a".repeat(40), headSha: "b".repeat(40) });
    const client = octokit("ghs_secret");

    const created = await client.rest.issues.createComment({
      ...repo,
      issue_number: 7,
      body: "v1",
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe("github-actions[bot]");
    expect(created.data.html_url).toBe(
      `https://github.com/acme/analytics/pull/7#issuecomment-${created.data.id}`,
    );

    await client.rest.issues.updateComment({ ...repo, comment_id: created.data.id, body: "v2" });
    const fetched = await client.rest.issues.getComment({ ...repo, comment_id: created.data.id });

    expect(fetched.data.body).toBe("v2");
    expect(api.state.comments).toMatchObject([{ issue_number: 7, body: "v2" }]);
    const [post, patch] = api.requests;
    expect(post).toMatchObject({
      method: "POST",
      path: "/repos/acme/analytics/issues/7/comments",
      route: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      body: { body: "v1" },
      status: 201,
    });
    expect(post?.headers.authorization).toBe("token ghs_secret");
    expect(patch).toMatchObject({ method: "PATCH", body: { body: "v2" }, status: 200 });
    expect(api.calls("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}")).toHaveLength(1);
  });

  it("rejects a body over 65,536 characters with GitHub's 422", async () => {
    api.addPull({ number: 7, baseSha: "a".repeat(40), headSha: "b".repeat(40) });
    const client = octokit();
    await client.rest.issues.createComment({
      ...repo,
      issue_number: 7,
      body: "x".repeat(maxCommentLength),
    });

    const failure = await statusOf(
      client.rest.issues.createComment({
        ...repo,
        issue_number: 7,
        body: "x".repeat(maxCommentLength + 1),
      }),
    );

    expect(failure.status).toBe(422);
    expect(failure.message).toContain("Validation Failed");
    expect(failure.message).toContain("Body is too long (maximum is 65536 characters)");
    expect(api.state.comments).toHaveLength(1);
  });

  it("answers 404 for comments on an issue the test did not register", async () => {
    const failure = await statusOf(
      octokit().rest.issues.createComment({ ...repo, issue_number: 99, body: "lost" }),
    );
    expect(failure.status).toBe(404);
  });
});

describe("pull requests", () => {
  it("serves a pull request, its files page by page, and the pulls of a commit", async () => {
    const files = Array.from({ length: 120 }, (_, i) => ({ filename: `models/m${i}.sql` }));
    api.addPull({
      number: 12,
      baseSha: "1".repeat(40),
      headSha: "2".repeat(40),
      merged: true,
      mergeCommitSha: "3".repeat(40),
      files,
    });
    const client = octokit();

    const { data: pull } = await client.rest.pulls.get({ ...repo, pull_number: 12 });
    const listed = await client.paginate(client.rest.pulls.listFiles, {
      ...repo,
      pull_number: 12,
      per_page: 100,
    });
    const { data: ofMerge } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: "3".repeat(40),
    });
    const { data: ofOther } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: "9".repeat(40),
    });

    expect(pull).toMatchObject({ number: 12, merged: true, base: { sha: "1".repeat(40) } });
    expect(listed.map((f) => f.filename)).toEqual(files.map((f) => f.filename));
    expect(listed[0]).toMatchObject({ status: "modified", additions: 1 });
    expect(ofMerge.map((p) => p.number)).toEqual([12]);
    expect(ofOther).toEqual([]);
  });
});

describe("fault injection", () => {
  it("fails a route the first N times, then serves it", async () => {
    api.addPull({ number: 5, baseSha: "a".repeat(40), headSha: "b".repeat(40) });
    api.fail("GET /repos/{owner}/{repo}/pulls/{pull_number}", 502, { times: 2 });
    const get = () => octokit().rest.pulls.get({ ...repo, pull_number: 5 });

    expect((await statusOf(get())).status).toBe(502);
    expect((await statusOf(get())).status).toBe(502);
    expect((await get()).data.number).toBe(5);
    expect(api.requests.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("makes a read-only token's writes answer 403 with GitHub's error body", async () => {
    api.addPull({ number: 5, baseSha: "a".repeat(40), headSha: "b".repeat(40) });
    api.fail("POST /repos/acme/analytics/issues/5/comments", 403);

    const response = await fetch(`${api.url}/repos/acme/analytics/issues/5/comments`, {
      method: "POST",
      body: JSON.stringify({ body: "hello" }),
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      message: "Resource not accessible by integration",
      documentation_url: "https://docs.github.com/rest",
      status: "403",
    });
    expect(api.state.comments).toEqual([]);
  });

  it("requires the configured token when started with one", async () => {
    await api.close();
    api = await startGitHubApi({ token: "ghs_right", userEndpoint: "ok" });
    expect((await statusOf(octokit("ghs_wrong").rest.users.getAuthenticated())).status).toBe(401);
    expect((await octokit("ghs_right").rest.users.getAuthenticated()).status).toBe(200);
  });
});

describe("unknown routes", () => {
  it("answer 404 with a JSON message and are recorded as unmatched", async () => {
    const failure = await statusOf(
      octokit().request("GET /repos/{owner}/{repo}/compare/{basehead}", {
        ...repo,
        basehead: "a...b",
      }),
    );
    const wrongRepo = await statusOf(
      octokit().rest.pulls.get({ owner: "acme", repo: "elsewhere", pull_number: 1 }),
    );

    expect(failure).toMatchObject({ status: 404, message: expect.stringContaining("Not Found") });
    expect(wrongRepo.status).toBe(404);
    expect(api.unmatched().map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/acme/analytics/compare/a...b",
    ]);
  });
});
