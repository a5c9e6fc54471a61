// Part 4: one MV replaced by a zero-downtime push deploy of dist/index.js (temp MV, SWAP, keep
// the old version) while readers query it on their own connections: every read must succeed.
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import { simpleProjectFiles } from "./catalog-queries.mjs";
import { firstLine, logTail } from "./text.mjs";

const TOTALS_V1 = `{{ config(zero_downtime={'enabled': true}) }}
select k, count(*) as n, sum(v) as total
from {{ source('raw', 'events') }}
group by k
`;
const TOTALS_V2 = `{{ config(zero_downtime={'enabled': true}) }}
select k, count(*) as n, sum(v) as total, max(v) as largest
from {{ source('raw', 'events') }}
group by k
`;

export async function benchZeroDowntime(support, upstream, api, options, progress) {
  const { readers: readerCount, rows, timeoutMs } = options;
  const target = await support.openTargetOn(upstream.info);
  const repo = support.createRepo({
    files: { ...simpleProjectFiles(0), "models/totals.sql": TOTALS_V1 },
  });
  let readers;
  try {
    progress(`part 4: loading ${rows} rows and creating public.totals`);
    await target.query("CREATE TABLE public.events (id int, k int, v int)");
    await target.query(
      "INSERT INTO public.events SELECT generate_series, generate_series % 100, " +
        `generate_series % 1000 FROM generate_series(1, ${rows})`,
    );
    await target.query("FLUSH");
    const inputs = { "database-url": target.url, comment: "false" };
    const first = await support.runAction({
      repo,
      api,
      inputs: { ...inputs, models: "all" },
      event: support.workflowDispatchEvent(),
      timeoutMs,
    });
    if (first.exitCode !== 0) {
      throw new Error(`the first deploy exited ${first.exitCode}: ${logTail(first.log)}`);
    }

    const before = repo.revParse();
    const after = repo.commit({ "models/totals.sql": TOTALS_V2 }, "totals: add largest");
    progress(`part 4: push deploy (SWAP) under ${readerCount} readers`);
    readers = support.startReaders(target.url, "SELECT count(*) FROM public.totals", readerCount);
    await sleep(500); // every reader connected and reading before the deploy starts
    // Reads and the longest stall so far: readers alone, before the deploy.
    const baseline = { ...readers.stats };
    const started = performance.now();
    const deploy = await support.runAction({
      repo,
      api,
      inputs,
      event: support.pushEvent({ before, after }),
      timeoutMs,
    });
    const deployMs = performance.now() - started;
    const readsDuringDeploy = readers.stats.reads - baseline.reads;
    await sleep(200);
    const stats = await readers.stop();
    readers = undefined;
    const swapped = JSON.parse(deploy.outputs.swapped ?? "[]");
    // The new version is live when its new column answers under the original name.
    const columns = await target
      .query("SELECT count(*) AS n FROM public.totals WHERE largest IS NOT NULL")
      .catch(() => []);
    return {
      readers: readerCount,
      rows,
      exitCode: deploy.exitCode,
      deployMs,
      reads: stats.reads,
      readsDuringDeploy,
      baselineStallMs: baseline.longestStallMs,
      failed: stats.errors.length,
      firstError: stats.errors[0],
      longestStallMs: stats.longestStallMs,
      swapped,
      newVersionLive: Number(columns[0]?.n) > 0,
      preserved: JSON.parse(deploy.outputs["preserved-temp-mvs"] ?? "[]"),
      error:
        deploy.exitCode === 0
          ? undefined
          : `the push deploy exited ${deploy.exitCode}: ${logTail(deploy.log)}`,
    };
  } catch (error) {
    return { readers: readerCount, rows, error: firstLine(error) };
  } finally {
    await readers?.stop().catch(() => undefined);
    repo.remove();
    await target.close();
  }
}
