import { saveDemoSnapshot } from "../scripts/demo/snapshot.js";
import { anyFreePort } from "../test/server/helpers/chain.js";
await saveDemoSnapshot("/tmp/gz-snap", await anyFreePort());
console.log("saved");
