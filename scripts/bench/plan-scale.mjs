// Part 1: load + render + plan time of generated dbt projects (test/project/generate-project.ts),
// the best of a few cold processes per size (plan-measure.mjs), and the growth between sizes.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const measureScript = path.join(import.meta.dirname, "plan-measure.mjs");

/**
 * @param {{ generateProject: (root: string, models: number) => void }} support
 * @param {number[]} sizes
 * @param {number} repeats cold processes per size; the fastest counts
 * @param {(size: number) => number} timeoutMs per size
 * @param {(line: string) => void} progress
 */
export async function benchPlanScale(support, sizes, repeats, timeoutMs, progress) {
  const rows = [];
  for (const size of sizes) {
    const dir = mkdtempSync(path.join(tmpdir(), `rwzd-bench-plan-${size}-`));
    try {
      progress(`part 1: generating and planning ${size} models`);
      support.generateProject(dir, size);
      // Best of `repeats` cold processes: the machine may be busy with other work.
      let result;
      for (let i = 0; i < repeats; i++) {
        const { stdout } = await run(process.execPath, [measureScript, dir], {
          timeout: timeoutMs(size),
          killSignal: "SIGKILL",
          maxBuffer: 16 * 1024 * 1024,
        });
        const measured = JSON.parse(stdout.trim().split("\n").at(-1));
        measured.totalMs = measured.loadMs + measured.renderMs + measured.planMs;
        if (!result || measured.totalMs < result.totalMs) result = measured;
      }
      rows.push({ size, repeats, ...result });
    } catch (error) {
      rows.push({ size, repeats, error: describeError(error, timeoutMs(size)) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

function describeError(error, timeoutMs) {
  if (error?.killed) return `did not finish within ${Math.round(timeoutMs / 1000)} s`;
  const lines = (error?.stderr || (error instanceof Error ? error.message : String(error)))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^Node\.js v/.test(line));
  return lines.find((line) => /^\w*Error\b/.test(line)) ?? lines.slice(-2).join(" ");
}
