// One cold measurement of part 1 (run by plan-scale.mjs in a fresh process, as the action runs):
// load the generated project in <dir> from the working tree, render every model, then plan a
// `models: all` deploy against a catalog snapshot in which every model already exists as an MV
// (with its dependencies and indexes). Pure: no database. Prints one JSON line.
//   node scripts/bench/plan-measure.mjs <dir>
import { performance } from "node:perf_hooks";
import { loadEntry } from "./load.mjs";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node scripts/bench/plan-measure.mjs <project dir>");

const product = await loadEntry("product-modules.mjs");
// The action's own settings for a manual `models: all` dry run, every other input at its default.
const inputs = { models: "all", "dry-run": "true" };
const settings = product.buildSettings((name) => inputs[name] ?? "", {
  eventName: "workflow_dispatch",
});
const load = {
  repoRoot: dir,
  projectDir: settings.projectDir,
  targetSchema: settings.targetSchema,
  vars: settings.vars,
  env: {},
};

let mark = performance.now();
const lap = () => {
  const elapsed = performance.now() - mark;
  mark = performance.now();
  return elapsed;
};

const project = await product.loadProject(load);
const loadMs = lap();

for (const model of project.models.values()) {
  void model.sql;
  void model.hookSql;
}
const renderMs = lap();

// What readCatalog would return if every model had been deployed: one MV per model (its schema
// included), an rw_depend edge per ref, and the configured indexes under their canonical names.
const rows = catalogRows(project);
lap();
const requests = await product.collectRequests(project, { models: settings.models }, load);
const catalog = new product.CatalogSnapshot(rows);
const plan = product.buildPlan({
  project,
  requests: requests.requests,
  catalog,
  options: settings,
  now: new Date(),
});
const planMs = lap();

const actions = {};
for (const entry of plan.models) actions[entry.action] = (actions[entry.action] ?? 0) + 1;
console.log(
  JSON.stringify({
    models: project.models.size,
    planned: plan.models.length,
    actions,
    statements: plan.models.reduce((sum, entry) => sum + entry.steps.length, 0),
    loadMs,
    renderMs,
    planMs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);

function catalogRows(project) {
  const mvs = [...project.models.values()].filter((model) => model.isMaterializedView);
  // The product's own offline catalog (so its row shape stays current), plus what a live catalog
  // also has: rw_depend edges and indexes.
  const base = product.assumedCatalog(mvs.map((model) => model.relation)).rows;
  const byName = new Map(base.relations.map((r) => [`${r.schema}\u0000${r.name}`, r.id]));
  const ids = new Map(
    mvs.map((model) => [
      model.name,
      byName.get(`${model.relation.schema}\u0000${model.relation.identifier}`),
    ]),
  );
  let nextId = Math.max(0, ...base.relations.map((relation) => relation.id)) + 1;
  const indexes = mvs.flatMap((model) =>
    model.config.indexes.map((index) => ({
      id: nextId++,
      schema: model.relation.schema,
      name: product.canonicalIndexName(model.relation.identifier, index),
      onId: ids.get(model.name),
    })),
  );
  const depends = mvs.flatMap((model) =>
    model.refs
      .filter((ref) => ids.has(ref))
      .map((ref) => ({ objid: ids.get(model.name), refobjid: ids.get(ref) })),
  );
  return {
    ...base,
    depends: [...base.depends, ...depends],
    indexes: [...base.indexes, ...indexes],
  };
}
