// Part 3: dist/index.js start-up, measured as the time to a failing input validation (an invalid
// `mode`), under the Node that runs the action; bare Node start-up alongside, for scale.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

export function benchStartup(node, entry, runs) {
  const cwd = mkdtempSync(path.join(tmpdir(), "rwzd-bench-startup-"));
  // Like the runner's environment, nothing from the developer's: PATH, a fresh HOME, the input.
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, INPUT_MODE: "bogus" };
  const time = (args) => {
    const started = performance.now();
    const result = spawnSync(node.path, args, { cwd, env, encoding: "utf8", timeout: 30_000 });
    return { ms: performance.now() - started, result };
  };
  try {
    // One untimed run of each first, so neither pays for a cold disk cache.
    time([entry]);
    time(["-e", ""]);
    const action = [];
    let last;
    for (let i = 0; i < runs; i++) {
      const { ms, result } = time([entry]);
      action.push(ms);
      last = result;
    }
    const bare = Array.from({ length: runs }, () => time(["-e", ""]).ms);
    const message = `${last.stdout}${last.stderr}`.trim().split("\n")[0] ?? "";
    const failedAsExpected = last.status !== 0 && /mode/i.test(message);
    return {
      node: node.version,
      runs,
      medianMs: median(action),
      minMs: Math.min(...action),
      maxMs: Math.max(...action),
      bareMedianMs: median(bare),
      exitCode: last.status,
      message,
      error: failedAsExpected
        ? undefined
        : `expected a validation failure about \`mode\`, got exit ${last.status}: ${message}`,
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
