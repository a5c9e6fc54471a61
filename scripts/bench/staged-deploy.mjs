// Part 6 (issue 12): a deploy built beside production and cut over as one unit, on the stand-in
// whose temp MVs each backfill for BACKFILL_MS of wall time (slow-backfill.ts: a background job
// in rw_ddl_progress that ends on a timer, so the wait costs wall time, not CPU):
//   a. four independent changed MVs at max-parallel 1 and 4: wall time of the whole action;
//   b. the chain orders → customer_totals → big_spenders under readers that query all three in
//      one statement: how long answers mixed versions, with the release before issue 12 (its
//      dist/index.js from git: each model swapped as soon as it was built) and with this one.
import { rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { simpleProjectFiles } from "./catalog-queries.mjs";
import { releaseBundle } from "./release-bundle.mjs";
import { logTail } from "./text.mjs";

const BACKFILL_MS = 3_000;
/** The last commit before issue 12's staged deploy: its bundle swaps model by model. */
const SEQUENTIAL_RELEASE = "38d365c";

const independent = (version) =>
  Object.fromEntries(
    [1, 2, 3, 4].map((i) => [
      `models/m${i}.sql`,
      `select id, v, '${version}'::varchar as version from {{ source('raw', 'events') }} where id % 4 = ${i - 1}\n`,
    ]),
  );

const chain = (version) => ({
  "models/orders.sql": `select id, v, '${version}'::varchar as version from {{ source('raw', 'events') }}\n`,
  "models/customer_totals.sql":
    "select v % 10 as k, sum(v) as total, max(version) as version from {{ ref('orders') }} group by v % 10\n",
  "models/big_spenders.sql":
    "select k, total, version from {{ ref('customer_totals') }} where total > 0\n",
});

const VERSIONS_SQL = `SELECT
  (SELECT string_agg(DISTINCT version, ',') FROM public.orders) AS orders,
  (SELECT string_agg(DISTINCT version, ',') FROM public.customer_totals) AS customer_totals,
  (SELECT string_agg(DISTINCT version, ',') FROM public.big_spenders) AS big_spenders`;

async function onFreshTarget(support, upstream, files, work) {
  const target = await support.openTargetOn(upstream.info);
  const repo = support.createRepo({ files: { ...simpleProjectFiles(0), ...files } });
  try {
    await target.query("CREATE TABLE public.events (id int, v int)");
    await target.query(
      "INSERT INTO public.events SELECT g, g % 97 FROM generate_series(1, 2000) g",
    );
    return await work(target, repo);
  } finally {
    await target.close();
    repo.remove();
  }
}

async function deploy(support, api, target, repo, inputs, extra = {}) {
  const result = await support.runAction({
    repo,
    api,
    inputs: { "database-url": target.url, comment: "false", "zero-downtime": "all", ...inputs },
    event: support.workflowDispatchEvent(),
    timeoutMs: 180_000,
    ...extra,
  });
  if (result.exitCode !== 0) {
    throw new Error(`a deploy exited ${result.exitCode}: ${logTail(result.log)}`);
  }
  return result;
}

/** a. Wall time of a deploy of four independent changed MVs at one max-parallel. */
async function independentWallTime(support, upstream, api, maxParallel) {
  return onFreshTarget(support, upstream, independent("v1"), async (target, repo) => {
    await deploy(support, api, target, repo, { models: "all" });
    repo.commit(independent("v2"), "v2");
    const backfills = support.slowBackfills(target, BACKFILL_MS, (name) => name.includes("_tmp_"));
    try {
      const started = performance.now();
      const result = await deploy(support, api, target, repo, {
        models: "m1, m2, m3, m4",
        "max-parallel": String(maxParallel),
      });
      const wallMs = performance.now() - started;
      const swapped = JSON.parse(result.outputs.swapped ?? "[]").length;
      return { maxParallel, wallMs, swapped };
    } finally {
      backfills.remove();
    }
  });
}

/** b. How long readers of the whole chain got answers mixing versions, with one bundle. */
async function chainMixedWindow(support, upstream, api, entry, label) {
  return onFreshTarget(support, upstream, chain("v1"), async (target, repo) => {
    await deploy(support, api, target, repo, { models: "all" }, entry ? { entry } : {});
    repo.commit(chain("v2"), "v2");
    const backfills = support.slowBackfills(target, BACKFILL_MS, (name) => name.includes("_tmp_"));
    const readers = support.startRecordingReaders(target.url, VERSIONS_SQL, 4);
    try {
      const started = performance.now();
      const result = await deploy(
        support,
        api,
        target,
        repo,
        { models: "orders, customer_totals, big_spenders" },
        entry ? { entry } : {},
      );
      const deployMs = performance.now() - started;
      const { samples, errors } = await readers.stop();
      const mixed = samples.filter((sample) => new Set(sample.values).size > 1);
      const mixedMs =
        mixed.length === 0
          ? 0
          : Math.max(...mixed.map((s) => s.endedAt)) - Math.min(...mixed.map((s) => s.startedAt));
      return {
        label,
        deployMs,
        reads: samples.length,
        failed: errors.length,
        mixedReads: mixed.length,
        mixedMs,
        cutOverMs: result.outputs["cut-over-ms"]
          ? Number(result.outputs["cut-over-ms"])
          : undefined,
      };
    } finally {
      await readers.stop();
      backfills.remove();
    }
  });
}

export async function benchStagedDeploy(support, upstream, api, progress) {
  if (upstream.info.kind !== "standin") {
    return { error: "needs the stand-in (its backfills are simulated with wall time)" };
  }
  const parallel = [];
  for (const maxParallel of [1, 4]) {
    progress(`part 6: 4 independent MVs at max-parallel ${maxParallel}`);
    parallel.push(await independentWallTime(support, upstream, api, maxParallel));
  }
  const dir = releaseBundle(SEQUENTIAL_RELEASE);
  try {
    progress(`part 6: chain under readers, release ${SEQUENTIAL_RELEASE} (model by model)`);
    const sequential = await chainMixedWindow(
      support,
      upstream,
      api,
      path.join(dir, "index.js"),
      `sequential (${SEQUENTIAL_RELEASE})`,
    );
    progress("part 6: chain under readers, staged (this build)");
    const staged = await chainMixedWindow(support, upstream, api, undefined, "staged");
    return { backfillMs: BACKFILL_MS, parallel, chain: [sequential, staged] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
