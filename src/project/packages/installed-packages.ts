/**
 * The dbt packages `dbt deps` installed (into `packages-install-path`, dbt_packages by default):
 * each package's name and macro files. They are read from the working tree for every revision,
 * as dbt reads them from disk: installed packages are not part of the project's git history.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ProjectError } from "../errors.js";
import { isRecord, parseYamlFile } from "../files/yaml.js";
import type { MacroFile, PackageMacros } from "./macro-library.js";

export interface InstalledPackages {
  packages: PackageMacros[];
  warnings: string[];
}

/**
 * Reads the installed packages of the project at `projectDir` (repo-relative). When packages.yml
 * (or dependencies.yml) lists packages that are not installed, the error says to run `dbt deps`.
 */
export function readInstalledPackages(
  repoRoot: string,
  projectDir: string,
  installPath: string,
  requested: { file: string; text: string } | undefined,
): InstalledPackages {
  const root = path.join(repoRoot, projectDir, installPath);
  const packages: PackageMacros[] = [];
  const warnings: string[] = [];
  const folders = existsSync(root) ? readdirSync(root, { withFileTypes: true }) : [];
  for (const entry of folders) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const dir = path.join(root, entry.name);
    const projectFile = path.join(dir, "dbt_project.yml");
    if (!existsSync(projectFile)) continue;
    const relative = path.posix.join(projectDir === "." ? "" : projectDir, installPath, entry.name);
    const { name, macroPaths } = readPackageProject(
      readFileSync(projectFile, "utf8"),
      `${relative}/dbt_project.yml`,
    );
    const files: MacroFile[] = [];
    for (const macroPath of macroPaths) {
      for (const file of sqlFiles(path.join(dir, macroPath))) {
        files.push({
          file: `${relative}/${path.relative(dir, file).split(path.sep).join("/")}`,
          text: readFileSync(file, "utf8"),
        });
      }
    }
    packages.push({ name, files });
  }
  if (requested) checkInstalled(requested, packages, installPath);
  return { packages, warnings };
}

function readPackageProject(text: string, file: string): { name: string; macroPaths: string[] } {
  const raw = parseYamlFile(text, file).value;
  if (!isRecord(raw) || typeof raw.name !== "string") {
    throw new ProjectError(
      "an installed package's dbt_project.yml has no name.",
      { file },
      "Run `dbt deps` again.",
    );
  }
  const paths = Array.isArray(raw["macro-paths"])
    ? raw["macro-paths"].filter((p): p is string => typeof p === "string")
    : ["macros"];
  return { name: raw.name, macroPaths: paths };
}

function sqlFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFiles(full));
    else if (entry.name.endsWith(".sql")) out.push(full);
  }
  return out;
}

/** The package names packages.yml asks for, where they can be told from the entry. */
function requestedNames(requested: {
  file: string;
  text: string;
}): { label: string; name?: string }[] {
  const raw = parseYamlFile(requested.text, requested.file).value;
  const list = isRecord(raw) && Array.isArray(raw.packages) ? raw.packages : [];
  return list.flatMap((entry) => {
    if (!isRecord(entry)) return [];
    if (typeof entry.package === "string") {
      return [{ label: entry.package, name: entry.package.split("/").at(-1) }];
    }
    const where =
      typeof entry.git === "string"
        ? entry.git
        : typeof entry.local === "string"
          ? entry.local
          : undefined;
    return where ? [{ label: where }] : [];
  });
}

function checkInstalled(
  requested: { file: string; text: string },
  installed: PackageMacros[],
  installPath: string,
): void {
  const wanted = requestedNames(requested);
  const names = new Set(installed.map((pkg) => pkg.name));
  const missing = wanted.filter((entry) => (entry.name ? !names.has(entry.name) : false));
  if (missing.length === 0 && installed.length >= wanted.length) return;
  const list = (missing.length > 0 ? missing : wanted).map((entry) => entry.label).join(", ");
  throw new ProjectError(
    `${requested.file} lists ${list}, but ${missing.length > 0 ? "it is" : "they are"} not installed in ${installPath}/.`,
    { file: requested.file },
    "Run `dbt deps` in the workflow before this action, so the packages' macros can be read.",
  );
}
