// Shapes of the API's answers (docs/api.md). Big integers, areas (0.01 m²) and money (fen) are decimal strings.
import type { Address, Hex } from "viem";

export type Page<T> = { items: T[]; nextCursor?: string };

export type ContractRef = { address: Address; blockNumber: number | string };
export type Config = { chainId: number; rpcUrl: string; contracts: Record<string, ContractRef> };

export type Totals = { area: string; heads: string | number };

export type Estate = {
  id: string | number;
  developer: Address;
  buildings: { id: string | number; totals: Totals; unitCount: number }[];
  totals: Totals;
  committee: Address[];
};
export type EstateSummary = { id: string | number; developer: Address; buildingIds: (string | number)[]; totals: Totals };

export type Unit = { id: string | number; buildingId: string | number; estateId: string | number; area: string; holder: Address };
export type UnitDetail = Unit & { fund?: { balance: string; deposited: string; charged: string; refunded: string } };
export type Holder = { address: Address; units: Unit[]; areaByScope: { scope: string; area: string }[] };

export type Outcome = "Pending" | "QuorumNotMet" | "Passed" | "Rejected";
export type Tally = {
  areaFor: string;
  areaAgainst: string;
  areaAbstain: string;
  headsFor: string | number;
  headsAgainst: string | number;
  headsAbstain: string | number;
  totalArea: string;
  totalHeads: string | number;
  /** The part of the counted ballots staff entered for residents under a written authorisation. */
  proxyArea?: string;
  proxyHeads?: string | number;
};
export type Threshold = { numerator: number | string; denominator: number | string; strict: boolean; ofTotal?: boolean };
export type Progress = {
  participatingArea: string;
  participatingHeads: string | number;
  quorumArea: string;
  quorumHeads: string | number;
  quorumMet: boolean;
  approvalAreaNeeded: string;
  approvalHeadsNeeded: string | number;
  approvalMet: boolean;
  projectedOutcome: Outcome;
};
export type VoteSummary = {
  id: string | number;
  estateId: string | number;
  buildingId: string | number | null;
  matter: string;
  major: boolean;
  contentHash: Hex;
  /** The proposal's title, when the server stores the proposal (the vote page checks the text itself). */
  title?: { zh: string; en?: string };
  /** A candidate's vote in a committee election: the election document's hash (its page: #/elections/{hash}). */
  election?: Hex;
  start: string | number;
  end: string | number;
  snapshot?: string | number;
  budget?: string;
  outcome: Outcome;
  status?: string;
  tally: Tally;
};
export type VoteDetail = VoteSummary & {
  rule?: { quorum: Threshold; approval: Threshold };
  progress: Progress;
  /** The chain's time the API judged the status by: the countdown counts from it, not from this device's clock. */
  chainTime?: number;
};
export type Choice = "for" | "against" | "abstain";
export type BallotRow = {
  holder: Address;
  choice: Choice;
  area: string;
  enteredBy: Address;
  byStaff: boolean;
  /** The written authorisation a proxy ballot was entered under. */
  authorizationId?: string | null;
  /** A proxy ballot the holder's own ballot replaced: not counted. */
  replaced?: boolean;
  txHash: Hex;
  blockNumber: string | number;
  logIndex: number;
  recordId: string | number;
};
export type RelayedBallot = {
  id: Hex;
  voteId: string;
  holder: Address;
  choice: Choice;
  status: "pending" | "counted" | "skipped";
  enteredByStaff: boolean;
  acceptedAt: number;
  txHash?: Hex;
  blockNumber?: string;
  logIndex?: number;
  reason?: string;
};
export type Eip712 = {
  domain: { name: string; version: string; chainId: number; verifyingContract: Address };
  types: Record<string, { name: string; type: string }[]>;
  primaryType: "Ballot";
  choices: Record<string, number>;
};

export type Disclosure = "NotRequired" | "Pending" | "Overdue" | "Disclosed" | "DisclosedLate";
export type PlanSummary = {
  id: string | number;
  estateId: string | number;
  buildingId: string | number | null;
  kind: "vote" | "emergency";
  voteId: string | number | null;
  status: string;
  budget: string;
  disbursed: string;
  released: string;
  planHash: Hex;
  openedBy: Address;
  openedAt: string | number;
  disclosure: Disclosure;
  disclosureDue: string | number | null;
  /** Block time of the plan's first record and of its opening (null while the node cannot say). */
  time?: number | null;
  openedTime?: number | null;
  /** The plan document's title, when the server stores it (the plan page checks the document itself). */
  title?: { zh: string; en?: string };
  /** The authorising vote's summary (null for an emergency spend). */
  vote?: VoteSummary | null;
};
/** What a plan charged one unit, by area (GET /api/fund/plans/{id}/apportionment). */
export type ApportionmentRow = { unitId: number; buildingId: number; area: string; amount: string; holder?: Address; time?: number | null; txHash: Hex; blockNumber: number; recordId: string };
export type Apportionment = { planId: string; budget: string; items: ApportionmentRow[]; nextCursor?: string };
export type Disbursement = {
  index: number;
  payee: Address;
  amount: string;
  stage: string;
  docHash: Hex;
  txHash: Hex;
  blockNumber: string | number;
  recordId: string | number;
  time?: number | null;
};
type OnChain = { txHash: Hex; blockNumber: string | number; recordId?: string | number; time?: number | null };
export type PlanDetail = PlanSummary & {
  approvals?: ({ member: Address; approvals?: number } & OnChain)[];
  confirmation?: ({ custodian: Address; approvals: number; disclosureDue: string | number } & OnChain) | null;
  disclosureRecord?: ({ member: Address; documentHash: Hex; late: boolean } & OnChain) | null;
  disbursements: Disbursement[];
  closing?: ({ closedBy: Address; disbursed: string; released: string; closingHash: Hex } & Partial<OnChain>) | null;
};
export type FundEstate = {
  estateId: string | number;
  balance: string;
  committed: string;
  deposited: string;
  disbursed: string;
  emergencyPolicy: { cap: string; periodLimit: string; periodDays: number; disclosureDays: number };
};
export type StatementEntry = {
  kind: "deposit" | "charge" | "refund";
  amount: string;
  planId?: string | number;
  receiptHash?: Hex;
  balanceAfter?: string;
  time?: number | null;
  txHash: Hex;
  blockNumber: string | number;
  recordId: string | number;
};
export type Statement = { unitId: string | number; balance: string; entries: StatementEntry[]; nextCursor?: string };

export type Member = {
  address: Address;
  member: boolean;
  balance: string | number;
  /** The community's TimeBank they moved to (no longer a member here), or moved in from last. */
  movedTo?: Address | null;
  movedFrom?: Address | null;
  family: { address: Address; relation: string }[];
  history: {
    kind: "credited" | "given" | "gift-in" | "gift-out" | "redeemed" | "redeemed-elsewhere" | "moved-in" | "moved-out";
    /** For a redemption elsewhere or a move: the other community's TimeBank. */
    community?: Address;
    minutes: string | number;
    serviceId?: string | number;
    counterparty: Address;
    /** A redemption staff made for the member, and the member's authorisation. */
    by?: Address;
    authorizationId?: string;
    txHash: Hex;
    blockNumber: string | number;
    recordId: string | number;
  }[];
  nextCursor?: string;
};
export type ServiceRow = {
  id: string | number;
  volunteer: Address;
  recipient: Address;
  minutes: string | number;
  category: string | number;
  servedAt: string | number;
  noteHash: Hex;
  status: "recorded" | "confirmed" | "rejected";
  decidedBy?: Address | null;
  byProxy?: boolean;
  authorizationId?: string | null;
  txHash: Hex;
  recordId: string | number;
};
export type Partner = { address: Address; profileHash: Hex };
export type Session = { token: string; address: Address; roles: string[]; expiresAt: number };
