// Salted note commitments (server/src/chain/commitment.ts), checked against an independent ABI encoder: what the
// client and the demo put on chain for a time-bank note is keccak256(abi.encode(bytes32 salt, string note)).
import { expect } from "chai";
import { AbiCoder, keccak256 as ethersKeccak } from "ethers";
import { keccak256, stringToBytes, type Hex } from "viem";
import { commitNote, noteCommitment, randomSalt } from "../../server/src/chain/commitment.js";

describe("note commitments", function () {
  it("commit to keccak256(abi.encode(salt, note)), as an independent encoder computes it", function () {
    const salt = `0x${"5a".repeat(32)}` as Hex;
    for (const note of ["", "送午餐 / lunch delivered", "x".repeat(300)]) {
      const expected = ethersKeccak(AbiCoder.defaultAbiCoder().encode(["bytes32", "string"], [salt, note]));
      expect(noteCommitment(salt, note)).to.equal(expected);
      expect(noteCommitment(salt, note)).to.not.equal(keccak256(stringToBytes(note)));
    }
  });

  it("use a fresh 32-byte salt each time, so the same note never commits the same way twice", function () {
    const note = "陪聊天 / company";
    const a = commitNote(note);
    const b = commitNote(note);
    expect(a.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(a.salt).to.not.equal(b.salt);
    expect(a.commitment).to.not.equal(b.commitment);
    expect(noteCommitment(a.salt, note)).to.equal(a.commitment);
    expect(new Set(Array.from({ length: 50 }, () => randomSalt())).size).to.equal(50);
  });

  it("refuses a salt that is not 32 bytes, saying how to make one", function () {
    expect(() => noteCommitment("0x1234", "note")).to.throw(/32 bytes.*randomSalt/);
  });
});
