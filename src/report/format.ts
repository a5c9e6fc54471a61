import type { Reader } from "../plan/types.js";
import { HIDDEN_TYPE } from "../risingwave/catalog.js";

/** Table cells must not break the row: pipes escaped, lines joined. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** `schema.name` (type), … as both reports list what still reads a temporary MV. */
export function readerList(readers: Reader[]): string {
  return readers
    .map((reader) =>
      reader.type === HIDDEN_TYPE
        ? `${reader.name} (${reader.type})`
        : `\`${reader.schema}.${reader.name}\` (${reader.type})`,
    )
    .join(", ");
}
