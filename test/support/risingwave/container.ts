// Real RisingWave in a container (testcontainers), for machines with a container
// runtime such as GitHub's Ubuntu runners.
import { randomBytes } from "node:crypto";
import { GenericContainer, Wait, getContainerRuntimeClient } from "testcontainers";
import { withClient, type ConnectionInfo } from "./connection.js";

export const RISINGWAVE_IMAGE = process.env.RISINGWAVE_IMAGE ?? "risingwavelabs/risingwave:v2.6.2";
const SQL_PORT = 4566;

/** Without a runtime testcontainers fails within milliseconds; that failure means "none". */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export interface StartedRisingWave {
  admin: ConnectionInfo;
  stop(): Promise<void>;
}

export async function startRisingWaveContainer(): Promise<StartedRisingWave> {
  const container = await new GenericContainer(RISINGWAVE_IMAGE)
    .withCommand(["single_node"])
    .withExposedPorts(SQL_PORT)
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(180_000)
    .start();
  try {
    const root = {
      host: container.getHost(),
      port: container.getMappedPort(SQL_PORT),
      user: "root",
      password: "",
      database: "dev",
    };
    await waitUntilServing(root);
    // Tests check that the password never leaks, so give them a user that has one.
    const admin = { ...root, user: "rwtest", password: randomBytes(18).toString("base64url") };
    await withClient(root, (c) =>
      c.query(`CREATE USER rwtest WITH SUPERUSER CREATEDB PASSWORD '${admin.password}'`),
    );
    return { admin, stop: async () => void (await container.stop()) };
  } catch (error) {
    await container.stop();
    throw error;
  }
}

// The port opens before the frontend accepts queries.
async function waitUntilServing(info: ConnectionInfo): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await withClient(info, (c) => c.query("SELECT 1"));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
