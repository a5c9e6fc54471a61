// An earlier release's dist/index.js, taken from git into a directory of its own (with the
// package.json that makes it an ES module), so a bench part can run it beside this one.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { root } from "./load.mjs";

/** The directory holding the release's index.js; the caller removes it. */
export function releaseBundle(commit) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rw-zd-release-${commit}-`));
  const bundle = execFileSync("git", ["-C", root, "show", `${commit}:dist/index.js`], {
    maxBuffer: 64 * 2 ** 20,
    stdio: ["ignore", "pipe", "pipe"],
  });
  writeFileSync(path.join(dir, "index.js"), bundle);
  writeFileSync(path.join(dir, "package.json"), '{"type":"module"}\n');
  return dir;
}
