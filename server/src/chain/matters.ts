// OwnersVote's Matter enum (contracts/votes/VoteTypes.sol), in order: the names the indexer decodes and the
// names a proposal document may state, from one list.
export const MATTERS = [
  "RulesOfProcedure",
  "ManagementStatute",
  "ElectCommittee",
  "HirePropertyManager",
  "UseFund",
  "RaiseFund",
  "Rebuild",
  "ChangeCommonUse",
  "OtherMajorMatter",
] as const;
export type MatterName = (typeof MATTERS)[number];
