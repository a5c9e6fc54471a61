// Part 5: the whole action (dist/index.js, run as the Actions runner runs it) planning a generated
// project offline: no database URL, `models: all`, `dry-run: true`. Process start to exit, with
// reading the files, rendering, planning, the plan output, the step summary and the annotations;
// not what the harness does afterwards (reading the 8 MB output file back), which the runner
// does in its own process.
import { firstLine, logTail } from "./text.mjs";

export async function benchOfflinePlan(support, api, { size, runs, timeoutMs }, progress) {
  progress(`part 5: offline plan of ${size} models through dist/index.js, ${runs} runs`);
  const repo = support.createRepo({ files: {} });
  try {
    support.generateProject(repo.dir, size);
    repo.commit({}, "generated project");
    const once = async () => {
      const result = await support.runAction({
        repo,
        api,
        inputs: { "dry-run": "true", models: "all", comment: "false" },
        event: support.workflowDispatchEvent(),
        timeoutMs,
      });
      if (result.exitCode !== 0) {
        throw new Error(`dist/index.js exited ${result.exitCode}: ${logTail(result.log)}`);
      }
      const planned = JSON.parse(result.outputs.plan ?? '{"models":[]}').models.length;
      return { wallMs: result.processMs, planned };
    };
    // One untimed run first, so no measured run pays for a cold disk cache.
    await once();
    const times = [];
    let planned = 0;
    for (let i = 0; i < runs; i++) {
      const run = await once();
      times.push(run.wallMs);
      planned = run.planned;
    }
    const sorted = [...times].sort((a, b) => a - b);
    return {
      size,
      runs,
      planned,
      medianMs: sorted[Math.floor(sorted.length / 2)],
      minMs: sorted[0],
      maxMs: sorted.at(-1),
    };
  } catch (error) {
    return { size, runs, error: firstLine(error) };
  } finally {
    repo.remove();
  }
}
