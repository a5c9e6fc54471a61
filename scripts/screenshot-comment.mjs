// node scripts/screenshot-comment.mjs [out.png]: the README's picture of a dry-run comment.
// The bundled action (dist/index.js) plans a pull request against the local RisingWave stand-in
// (a hand-made sink and MV read the changed model, a changed model has zero_downtime off, one
// model is new); the comment it posts to the GitHub stand-in is rendered as GitHub-flavoured
// Markdown through GitHub's HTML allowlist (test/support/gfm/render.ts), styled with
// github-markdown-css in a 906 px comment box, and photographed by headless Chromium
// (Debian's `chromium` package; not needed by CI or the tests).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { runnerImport } from "vite";

const root = path.resolve(import.meta.dirname, "..");
const out = path.resolve(process.argv[2] ?? path.join(root, "docs/images/dry-run-comment.png"));
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(browserPath)) {
  console.error(`${browserPath} is missing: apt-get install -y chromium (or set CHROMIUM).`);
  process.exit(1);
}
const load = async (file) => (await runnerImport(path.join(root, file))).module;
const { startUpstream } = await load("test/support/risingwave/upstream.ts");
const { openTargetOn } = await load("test/support/risingwave/target.ts");
const runner = await load("test/support/action-runner/index.ts");
const { startGitHubApi } = await load("test/support/github-api/index.ts");
const { renderedHtml } = await load("test/support/gfm/render.ts");
const example = await load("test/e2e/example-project.ts");

const LEGACY = (extra) =>
  `{{ config(zero_downtime={'enabled': false}) }}\nselect count(*) as n${extra} from {{ ref('stg_orders') }}\n`;

async function dryRunComment() {
  const upstream = await startUpstream();
  const target = await openTargetOn(upstream.info);
  const api = await startGitHubApi();
  const repo = runner.createRepo({
    files: { ...example.exampleProjectFiles(), "models/marts/legacy_counts.sql": LEGACY("") },
  });
  try {
    for (const statement of example.exampleSetupStatements()) await target.query(statement);
    const inputs = { "database-url": target.url, environment: "production" };
    const first = await runner.runAction({
      repo,
      api,
      inputs: { ...inputs, models: "all" },
      event: runner.workflowDispatchEvent(),
    });
    if (first.exitCode !== 0) throw new Error(`first deploy failed:\n${first.log}`);
    await target.query(
      "CREATE SINK public.orders_export FROM public.customer_totals WITH (connector = 'blackhole')",
    );
    await target.query(
      "CREATE MATERIALIZED VIEW public.adhoc_report AS SELECT count(*) AS n FROM public.customer_totals",
    );
    const base = repo.revParse();
    repo.checkout("add-largest-order", { create: true });
    const head = repo.commit(
      {
        "models/marts/customer_totals.sql": example.CUSTOMER_TOTALS_V2,
        "models/marts/legacy_counts.sql": LEGACY(", sum(amount) as total"),
        "models/marts/daily_orders.sql":
          "select customer_id, count(*) as orders from {{ ref('stg_orders') }} group by customer_id\n",
      },
      "customer_totals: add largest_order",
    );
    api.addPull({ number: 7, baseSha: base, headSha: head });
    const run = await runner.runAction({
      repo,
      api,
      inputs,
      event: runner.pullRequestEvent({ number: 7, baseSha: base, headSha: head }),
    });
    if (run.exitCode !== 0) throw new Error(`dry run failed:\n${run.log}`);
    return api.state.comments[0].body;
  } finally {
    repo.remove();
    await api.close();
    await target.close();
    await upstream.stop();
  }
}

const body = await dryRunComment();
const css = readFileSync(
  path.join(root, "node_modules/github-markdown-css/github-markdown-light.css"),
);
const page = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; background: #fff; }
.box { width: 906px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.box > header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
  font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { padding: 16px; box-sizing: border-box; }
</style></head><body><div class="box"><header><b>github-actions</b> bot commented</header>
<div class="markdown-body" id="comment">${renderedHtml(body)}</div></div></body></html>`;

const profile = mkdtempSync(path.join(tmpdir(), "chromium-profile-"));
// A new empty profile (Playwright passes it as --user-data-dir), and nothing that phones home.
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: browserPath,
  headless: true,
  viewport: { width: 940, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
try {
  const tab = await browser.newPage();
  await tab.setContent(page);
  // Does anything need a horizontal scroll in the 906 px box?
  const overflow = await tab.evaluate(() =>
    // eslint-disable-next-line no-undef -- runs in the page
    [...document.querySelectorAll("#comment table, #comment pre")]
      .filter((node) => node.scrollWidth > node.clientWidth + 1)
      .map((node) => `${node.tagName.toLowerCase()}: ${node.scrollWidth} > ${node.clientWidth}`),
  );
  mkdirSync(path.dirname(out), { recursive: true });
  await tab.locator(".box").screenshot({ path: out });
  console.log(`${out} written (${body.length} characters of comment).`);
  console.log(
    overflow.length === 0
      ? "No table scrolls sideways in the 906 px comment box."
      : `Wider than the box (code blocks scroll on GitHub too): ${overflow.join("; ")}`,
  );
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
