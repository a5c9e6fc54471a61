import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ActionNode {
  path: string;
  version: string;
  /** Where the binary came from, for the one line the suite prints about it. */
  source: "ACTION_NODE" | ".cache/node24" | "test runner";
}

const cachedNode24 = fileURLToPath(new URL("../../.cache/node24/bin/node", import.meta.url));

let chosen: ActionNode | undefined;

/**
 * The Node binary that runs `dist/index.js`. GitHub runs the action on node24; these machines have
 * Node 20, so prefer an explicit ACTION_NODE, then the binary scripts/fetch-node24.sh caches, and only
 * then the Node running the tests (whose version the suite then reports, so nobody mistakes it).
 */
export function actionNode(): ActionNode {
  chosen ??= chooseActionNode(process.env);
  return chosen;
}

export function chooseActionNode(env: NodeJS.ProcessEnv, cached = cachedNode24): ActionNode {
  const fromEnv = env.ACTION_NODE;
  if (fromEnv) return { path: fromEnv, version: versionOf(fromEnv), source: "ACTION_NODE" };
  if (existsSync(cached)) {
    return { path: cached, version: versionOf(cached), source: ".cache/node24" };
  }
  return { path: process.execPath, version: process.version, source: "test runner" };
}

function versionOf(node: string): string {
  return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
}

/** e.g. "dist/index.js runs on Node v24.21.0 (.cache/node24)". */
export function describeActionNode(node: ActionNode = actionNode()): string {
  return `dist/index.js runs on Node ${node.version} (${node.source})`;
}
