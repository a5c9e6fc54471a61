// The product modules the plan measurement calls, in one module graph. Load it with loadEntry()
// (load.mjs) only: it imports TypeScript, which plain node cannot run.
export { loadProject } from "../../src/project/index.ts";
export { collectRequests } from "../../src/deploy/requests.ts";
export { buildPlan } from "../../src/plan/build-plan.ts";
export { assumedCatalog, CatalogSnapshot } from "../../src/risingwave/catalog.ts";
export { buildSettings } from "../../src/settings/settings.ts";
export { canonicalIndexName } from "../../src/plan/index-names.ts";
