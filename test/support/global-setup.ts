// Starts the one RisingWave upstream of this test run (real RisingWave or the local
// stand-in) and hands its connection info to every test worker; see
// test/support/risingwave/target.ts for what tests get from it.
import type { TestProject } from "vitest/node";
import { describeActionNode } from "./node-runtime.js";
import { startUpstream } from "./risingwave/upstream.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const upstream = await startUpstream();
  console.log(`RisingWave target: ${upstream.info.describe}; ${upstream.info.reason}`);
  console.log(describeActionNode());
  project.provide("risingWaveUpstream", upstream.info);
  return () => upstream.stop();
}
