// A whole server process with the framework's test service (errand-service.ts) mounted, configured by GONGZHI_*
// variables like `npm run server`: for the kill -9 test and the off-chain benchmark, which need a child process.
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { loadServerSettings } from "../../../server/src/config/server.js";
import { serverRoutes } from "../../../server/src/routes.js";
import { startServer } from "../../../server/src/server.js";
import { errandService } from "./errand-service.js";

// Hardhat's test runner loads every file under test/: run only when started as the child process.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const settings = loadServerSettings({});
  const logger = pino({ level: settings.logLevel, base: undefined });
  const server = await startServer(settings, logger, serverRoutes, { services: [errandService] });
  console.log(`listening ${server.url}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void server.stop().then(() => process.exit(0)));
  }
}
