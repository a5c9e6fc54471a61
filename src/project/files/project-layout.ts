import path from "node:path";
import type { DbtProjectFile } from "./dbt-project-file.js";
import type { ProjectFiles } from "./revision-reader.js";

/** A file that defines a node, with its place in the project's folder tree. */
export interface NodeFile {
  name: string;
  /** Repo-relative path. */
  file: string;
  /** Folders below the resource path, then the node name: the path into the config tree. */
  segments: string[];
}

export interface ProjectLayout {
  models: NodeFile[];
  seeds: NodeFile[];
  macroFiles: string[];
  propertyFiles: string[];
  /** Repo-relative resource folders. */
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
}

/** Sorts the project's files into models, seeds, macros and properties, as dbt would find them. */
export function layoutProject(
  files: ProjectFiles,
  root: string,
  project: DbtProjectFile,
): ProjectLayout {
  const inRepo = (folder: string) => (root === "." ? folder : path.posix.join(root, folder));
  const modelPaths = project.modelPaths.map(inRepo);
  const macroPaths = project.macroPaths.map(inRepo);
  const seedPaths = project.seedPaths.map(inRepo);
  const layout: ProjectLayout = {
    models: [],
    seeds: [],
    macroFiles: [],
    propertyFiles: [],
    modelPaths,
    macroPaths,
    seedPaths,
  };
  for (const file of files.paths) {
    const modelPath = folderOf(file, modelPaths);
    const seedPath = folderOf(file, seedPaths);
    if (modelPath !== undefined && file.endsWith(".sql")) {
      layout.models.push(nodeFile(file, modelPath, ".sql"));
    } else if (folderOf(file, macroPaths) !== undefined && file.endsWith(".sql")) {
      layout.macroFiles.push(file);
    } else if (seedPath !== undefined && file.endsWith(".csv")) {
      layout.seeds.push(nodeFile(file, seedPath, ".csv"));
    } else if ((modelPath ?? seedPath) !== undefined && /\.ya?ml$/.test(file)) {
      layout.propertyFiles.push(file);
    }
  }
  return layout;
}

function folderOf(file: string, folders: string[]): string | undefined {
  return folders.find((folder) => folder === "." || file.startsWith(`${folder}/`));
}

function nodeFile(file: string, folder: string, extension: string): NodeFile {
  const relative = folder === "." ? file : file.slice(folder.length + 1);
  const parts = relative.split("/");
  const name = parts.pop()!.slice(0, -extension.length);
  return { name, file, segments: [...parts, name] };
}
