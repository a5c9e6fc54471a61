/**
 * Parses GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE as the runner does: `name=value` lines, or
 * `name<<DELIMITER` followed by value lines up to a line equal to DELIMITER (what @actions/core
 * writes). Malformed content throws, as it fails the step on a real runner.
 */
export function parseKeyValueFile(text: string): Record<string, string> {
  const lines = text.split(/\r?\n/);
  const values: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      values[requireName(line.slice(0, equals), line)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0)
      throw new Error(`file command line is neither name=value nor name<<delimiter: "${line}"`);
    const name = requireName(line.slice(0, heredoc), line);
    const delimiter = line.slice(heredoc + 2);
    const end = lines.indexOf(delimiter, i + 1);
    if (delimiter === "" || end < 0)
      throw new Error(`no closing delimiter "${delimiter}" for "${name}"`);
    values[name] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return values;
}

/** GITHUB_PATH: one directory per line. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line !== "");
}

function requireName(name: string, line: string): string {
  if (name.trim() === "") throw new Error(`file command line without a name: "${line}"`);
  return name;
}
