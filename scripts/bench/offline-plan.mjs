// Part 5: the whole action (dist/index.js, run as the Actions runner runs it) planning a generated
// project offline: no database URL, `models: all`, `dry-run: true`. Process start to exit, with
// reading the files, rendering, planning, the plan output, the step summary and the annotations;
// not what the harness does afterwards (reading the 8 MB output file back), which the runner
// does in its own process.
//
// This machine's own speed varies by ×1.5 within an hour, more than most code changes do, so each
// run of this bundle is paired with a run of a fixed earlier bundle (REFERENCE_RELEASE, from git)
// on the same project: the reference's time shows the machine's pace at the moment, and the ratio
// between the two is the code's own speed-up. The bound is checked on this bundle's time alone.
import { rmSync } from "node:fs";
import path from "node:path";
import { releaseBundle } from "./release-bundle.mjs";
import { firstLine, logTail } from "./text.mjs";

/** Where issue 14's second round of speed work started; it plans the generated project alike. */
export const REFERENCE_RELEASE = "c6320d0";

export async function benchOfflinePlan(support, api, { size, runs, timeoutMs }, progress) {
  progress(
    `part 5: offline plan of ${size} models through dist/index.js, ${runs} runs, each paired with a run of ${REFERENCE_RELEASE}'s bundle`,
  );
  const repo = support.createRepo({ files: {} });
  let reference;
  try {
    reference = { dir: releaseBundle(REFERENCE_RELEASE) };
  } catch (error) {
    reference = {
      error: `${REFERENCE_RELEASE}'s bundle is not in this clone's history: ${firstLine(error)}`,
    };
  }
  try {
    support.generateProject(repo.dir, size);
    repo.commit({}, "generated project");
    const once = async (entry) => {
      const result = await support.runAction({
        repo,
        api,
        inputs: { "dry-run": "true", models: "all", comment: "false" },
        event: support.workflowDispatchEvent(),
        timeoutMs,
        ...(entry ? { entry } : {}),
      });
      if (result.exitCode !== 0) {
        throw new Error(
          `${entry ?? "dist/index.js"} exited ${result.exitCode}: ${logTail(result.log)}`,
        );
      }
      const planned = JSON.parse(result.outputs.plan ?? '{"models":[]}').models.length;
      return { wallMs: result.processMs, planned };
    };
    const referenceEntry = reference.dir && path.join(reference.dir, "index.js");
    const referenceRun = async () => {
      if (!referenceEntry || reference.error) return undefined;
      try {
        return await once(referenceEntry);
      } catch (error) {
        reference.error = firstLine(error);
        return undefined;
      }
    };
    // One untimed run of each first, so no measured run pays for a cold disk cache.
    await once();
    await referenceRun();
    const times = [];
    const referenceTimes = [];
    let planned = 0;
    for (let i = 0; i < runs; i++) {
      const run = await once();
      times.push(run.wallMs);
      planned = run.planned;
      const paired = await referenceRun();
      if (paired) referenceTimes.push(paired.wallMs);
    }
    return {
      size,
      runs,
      planned,
      ...spread(times),
      reference: reference.error
        ? { release: REFERENCE_RELEASE, error: reference.error }
        : { release: REFERENCE_RELEASE, ...spread(referenceTimes) },
    };
  } catch (error) {
    return { size, runs, error: firstLine(error) };
  } finally {
    repo.remove();
    if (reference.dir) rmSync(reference.dir, { recursive: true, force: true });
  }
}

function spread(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)],
    minMs: sorted[0],
    maxMs: sorted.at(-1),
  };
}
