// Loads the bench's TypeScript dependencies through Vite's module runner (as scripts/demo.mjs
// does), so no build step or extra dependency is needed. Each runnerImport call makes its own
// module graph, so the TypeScript is reached through one re-exporting entry per process
// (support-modules.mjs, product-modules.mjs): classes and shared state then exist once.
import path from "node:path";
import { runnerImport } from "vite";

export const root = path.resolve(import.meta.dirname, "../..");

/** Imports scripts/bench/<file> (an entry that re-exports TypeScript modules). */
export async function loadEntry(file) {
  return (await runnerImport(path.join(import.meta.dirname, file))).module;
}
