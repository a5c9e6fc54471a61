import type { Logger } from "../log/logger.js";
import { connect, describeTarget } from "./connection.js";
import { RisingWaveReader, RisingWaveSession } from "./session.js";
import { requireSupportedVersion } from "./version.js";

export interface OpenDatabase {
  reader: RisingWaveReader;
  /** The DDL-capable session; only the deploy and cleanup executors ask for it. */
  writer(): RisingWaveSession;
  /**
   * Another DDL-capable session on its own connection (staging builds models side by side, each
   * with its own session settings and backfill wait); the caller closes it.
   */
  openWriter(): Promise<RisingWaveSession>;
  close(): Promise<void>;
}

/** Connects and checks the version before anything else happens, so an old cluster gets no DDL. */
export async function openDatabase(url: URL | undefined, logger: Logger): Promise<OpenDatabase> {
  const client = await connect({ url, logger });
  const probe = new RisingWaveReader(client);
  let writer: RisingWaveSession;
  try {
    const version = requireSupportedVersion(await probe.version());
    writer = new RisingWaveSession(client, version);
    logger.info(`Connected to RisingWave ${version.text} at ${describeTarget(url)}.`);
  } catch (error) {
    await probe.close();
    throw error;
  }
  return {
    reader: new RisingWaveReader(client, writer.risingWaveVersion),
    writer: () => writer,
    openWriter: async () =>
      new RisingWaveSession(await connect({ url, logger }), writer.risingWaveVersion),
    close: () => writer.close(),
  };
}
