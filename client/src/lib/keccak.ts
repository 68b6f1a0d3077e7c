// keccak256, as its own small chunk: the pages that check a file or a proof load it when they need it.
export { keccak256 } from "viem";
