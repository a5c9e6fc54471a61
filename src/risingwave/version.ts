export interface RisingWaveVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** `ALTER MATERIALIZED VIEW … SWAP WITH …` arrived in v2.2.0. */
export const MINIMUM_VERSION = { major: 2, minor: 2, patch: 0 };

export class UnsupportedVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedVersionError";
  }
}

/** Matches `PostgreSQL 13.14.0-RisingWave-2.6.0 (sha)`; older builds used other PostgreSQL numbers. */
export function parseRisingWaveVersion(versionText: string): RisingWaveVersion | undefined {
  const match = /RisingWave-(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    text: `${match[1]}.${match[2]}.${match[3]}`,
  };
}

export function atLeast(
  version: RisingWaveVersion,
  minimum: Omit<RisingWaveVersion, "text">,
): boolean {
  if (version.major !== minimum.major) return version.major > minimum.major;
  if (version.minor !== minimum.minor) return version.minor > minimum.minor;
  return version.patch >= minimum.patch;
}

export function requireSupportedVersion(versionText: string): RisingWaveVersion {
  const version = parseRisingWaveVersion(versionText);
  const needed = `${MINIMUM_VERSION.major}.${MINIMUM_VERSION.minor}.${MINIMUM_VERSION.patch}`;
  if (!version) {
    throw new UnsupportedVersionError(
      `The database is not RisingWave: version() returned "${versionText}". ` +
        `This action needs RisingWave ${needed} or newer (ALTER MATERIALIZED VIEW … SWAP WITH).`,
    );
  }
  if (!atLeast(version, MINIMUM_VERSION)) {
    throw new UnsupportedVersionError(
      `RisingWave ${version.text} found, but zero-downtime deploys need RisingWave ${needed} or newer ` +
        `(ALTER MATERIALIZED VIEW … SWAP WITH). Upgrade the cluster; no DDL was issued.`,
    );
  }
  return version;
}
