import { describe, expect, it } from "vitest";
import { parseRisingWaveVersion, requireSupportedVersion } from "../../src/risingwave/version.js";

describe("RisingWave version check", () => {
  it("reads the version from RisingWave's version() text", () => {
    expect(parseRisingWaveVersion("PostgreSQL 13.14.0-RisingWave-2.6.0 (a1b2c3)")?.text).toBe(
      "2.6.0",
    );
    expect(parseRisingWaveVersion("PostgreSQL 9.5.0-RisingWave-1.10.2 (dev)")?.text).toBe("1.10.2");
  });

  it.each([
    ["PostgreSQL 13.14.0-RisingWave-2.2.0 (x)", "2.2.0"],
    ["PostgreSQL 13.14.0-RisingWave-3.0.1 (x)", "3.0.1"],
    ["PostgreSQL 13.14.0-RisingWave-2.10.0 (x)", "2.10.0"],
  ])("accepts %s", (text, version) => {
    expect(requireSupportedVersion(text).text).toBe(version);
  });

  it("refuses older RisingWave and other databases with the version found", () => {
    expect(() => requireSupportedVersion("PostgreSQL 13.14.0-RisingWave-2.1.9 (x)")).toThrow(
      "RisingWave 2.1.9 found, but zero-downtime deploys need RisingWave 2.2.0 or newer",
    );
    expect(() => requireSupportedVersion("PostgreSQL 16.2 on x86_64-pc-linux-gnu")).toThrow(
      'The database is not RisingWave: version() returned "PostgreSQL 16.2 on x86_64-pc-linux-gnu".',
    );
  });
});
