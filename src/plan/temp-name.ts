/**
 * Temporary MV names: `{name}_dbt_zero_down_tmp_{YYYYMMDD}T{HHMMSS}_{ffffff}Z` (ours), and
 * dbt-risingwave's isoformat-derived `…T{HHMMSS}[_{ffffff}]+0000`. The long marker keeps us clear
 * of user objects that merely contain `_tmp_`.
 */
export const TEMP_MARKER = "_dbt_zero_down_tmp_";

const TEMP_NAME =
  /^(.+)_dbt_zero_down_tmp_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:_(\d{6}))?(Z|\+0000)$/;

export interface TempNameParts {
  /** The name of the MV this temporary MV was made for. */
  baseName: string;
  createdAt: Date;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * `micros` (0–999) refines the millisecond clock, so the stamp is always six digits and every name
 * has the form cleanup looks for.
 */
export function makeTempName(baseName: string, at: Date, micros = 0): string {
  if (!Number.isInteger(micros) || micros < 0 || micros > 999) {
    throw new RangeError(`micros must be 0-999, got ${micros}`);
  }
  const stamp =
    `${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1, 2)}${pad(at.getUTCDate(), 2)}` +
    `T${pad(at.getUTCHours(), 2)}${pad(at.getUTCMinutes(), 2)}${pad(at.getUTCSeconds(), 2)}` +
    `_${pad(at.getUTCMilliseconds() * 1000 + micros, 6)}Z`;
  return `${baseName}${TEMP_MARKER}${stamp}`;
}

export function parseTempName(name: string): TempNameParts | undefined {
  const match = TEMP_NAME.exec(name);
  if (!match) return undefined;
  const [, baseName, year, month, day, hour, minute, second, micros] = match;
  const createdAt = new Date(
    Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
      Math.floor(Number(micros ?? "0") / 1000),
    ),
  );
  if (Number.isNaN(createdAt.getTime()) || baseName === undefined) return undefined;
  return { baseName, createdAt };
}

/**
 * The first temporary name for `baseName` at `at` that `taken` does not refuse (a relation or
 * index of that name exists: they share one namespace per schema). Names of different models
 * differ by their base name, so only a clash with an existing object moves the stamp; undefined
 * when all 1,000 names of that millisecond are taken.
 */
export function chooseTempName(
  baseName: string,
  at: Date,
  taken: (name: string) => boolean,
): string | undefined {
  for (let micros = 0; micros <= 999; micros++) {
    const name = makeTempName(baseName, at, micros);
    if (!taken(name)) return name;
  }
  return undefined;
}
