// Read models by contract. The indexer follows every contract of the deployment file and stores all their
// events in the receipt log; a contract whose state the API needs also gets a ReadModel in this list.
import { anchorModel } from "./anchor.js";
import { fundModel } from "./fund.js";
import { proxiesModel } from "./proxies.js";
import { registryModel } from "./registry.js";
import { timebankModel } from "./timebank.js";
import type { ReadModel } from "./types.js";
import { votesModel } from "./votes.js";

export const READ_MODELS: ReadModel[] = [registryModel, anchorModel, proxiesModel, votesModel, fundModel, timebankModel];
