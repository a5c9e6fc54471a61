// Creates and drops the per-caller databases on the run's upstream (target.ts).
// Kept apart from upstream.ts so test workers do not load testcontainers.
import { withClient } from "./connection.js";
import { createStandInDatabase } from "./standin.js";
import type { UpstreamInfo } from "./upstream.js";

export async function createDatabase(upstream: UpstreamInfo, name: string): Promise<void> {
  if (upstream.kind === "standin") return createStandInDatabase(upstream.admin, name);
  await withClient(upstream.admin, (c) => c.query(`CREATE DATABASE ${name}`));
}

export async function dropDatabase(upstream: UpstreamInfo, name: string): Promise<void> {
  await withClient(upstream.admin, async (c) => {
    if (upstream.kind === "standin") {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } else {
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
    }
  });
}
