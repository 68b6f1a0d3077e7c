// Gas of the time bank across communities (通存通兑): spending credits at another community's partner and moving
// with one's balance, next to a plain OpenZeppelin ERC-20 transfer and a local redemption measured in the same run
// on the same in-process simulated network (Hardhat `network.create()`, solc 0.8.30, optimizer + viaIR). Gas does
// not depend on the machine's load.
import { network } from "hardhat";
import { id } from "ethers";
import type { ContractTransactionResponse } from "ethers";
import { type BenchModule, type Figure, round } from "./figures.js";

const REDEMPTION_GOODS = 1; // TimeBank.RedemptionKind.Goods
const CATEGORY_MEALS = 0; // TimeBank.Category.MealDelivery
const SERVICE_MINUTES = 600;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
  return Number(receipt.gasUsed);
}

const bench: BenchModule = {
  title: "Time bank across communities: gas per operation",
  async run(): Promise<Figure[]> {
    const connection = await network.create();
    const { ethers } = connection;
    const [adminA, adminB, staffA, staffB, volunteer, elder, mover, cafe, shop, holderA] = await ethers.getSigners();

    // Baseline: an OpenZeppelin ERC-20 transfer between two addresses that already hold tokens.
    const token = await ethers.deployContract("FundBenchToken", [adminA.address, 10n ** 24n]);
    await (await token.transfer(holderA.address, 10n ** 18n)).wait();
    const transfer = await gasOf(token.transfer(holderA.address, 10n ** 18n));

    // Two communities, each with its own registry, authorisations and time bank, recognising each other.
    async function community(admin: typeof adminA, staff: typeof adminA) {
      const registry = await ethers.deployContract("CommunityRegistry", [admin.address], admin);
      await (await registry.connect(admin).grantRole(await registry.STAFF_ROLE(), staff.address)).wait();
      const proxies = await ethers.deployContract("ProxyAuthorizations", [await registry.getAddress()], admin);
      return ethers.deployContract("TimeBank", [await registry.getAddress(), await proxies.getAddress()], admin);
    }
    const bankA = await community(adminA, staffA);
    const bankB = await community(adminB, staffB);
    const [addrA, addrB] = [await bankA.getAddress(), await bankB.getAddress()];
    await (await bankA.connect(adminA).recogniseCommunity(addrB)).wait();
    await (await bankB.connect(adminB).recogniseCommunity(addrA)).wait();
    for (const m of [volunteer, elder, mover]) await (await bankA.connect(staffA).registerMember(m.address)).wait();
    await (await bankA.connect(staffA).registerPartner(shop.address, id("shop profile"))).wait();
    await (await bankB.connect(staffB).registerPartner(cafe.address, id("café profile"))).wait();
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    for (const [i, v] of [volunteer, mover].entries()) {
      await (await bankA.connect(v).recordService(elder.address, SERVICE_MINUTES, CATEGORY_MEALS, now, id(`meal ${i}`))).wait();
      await (await bankA.connect(elder).confirmService(i + 1)).wait();
    }

    // Local redemption, then the same member spending at the other community's café: first (its clearing and
    // totals slots start at zero) and then as on any later day.
    await (await bankA.connect(volunteer).redeem(shop.address, 10, REDEMPTION_GOODS, id("soap 0"))).wait();
    const redeem = await gasOf(bankA.connect(volunteer).redeem(shop.address, 10, REDEMPTION_GOODS, id("soap 1")));
    const crossFirst = await gasOf(bankA.connect(volunteer).redeemAt(addrB, cafe.address, 30, REDEMPTION_GOODS, id("tea 0")));
    const cross = await gasOf(bankA.connect(volunteer).redeemAt(addrB, cafe.address, 30, REDEMPTION_GOODS, id("tea 1")));
    // A member moving with their balance to a community where they are not yet registered.
    const move = await gasOf(bankA.connect(mover).moveTo(addrB));
    console.log(`ERC-20 transfer ${transfer}; redeem ${redeem}; cross-community redeem ${cross} (first ${crossFirst}); move ${move} gas`);

    const ratio = (g: number) => round(g / transfer, 2);
    return [
      { name: "timebank.gas.erc20Transfer", value: transfer, unit: "gas", description: "OpenZeppelin ERC-20 `transfer` between two existing holders, in this run (baseline)" },
      { name: "timebank.gas.redeem", value: redeem, unit: "gas", description: "a member redeems credits at a partner of their own community (not the first redemption)" },
      {
        name: "timebank.gas.crossCommunityRedeem",
        value: cross,
        unit: "gas",
        description: "a member spends credits at a partner of another, mutually recognised community: burnt here, spent and cleared there (both contracts, one transaction)",
      },
      { name: "timebank.gas.crossCommunityRedeemFirst", value: crossFirst, unit: "gas", description: "the first such spending between the two communities (clearing slots start at zero)" },
      { name: "timebank.gas.move", value: move, unit: "gas", description: "a member moves to another community with their balance (registered there on arrival)" },
      { name: "timebank.ratio.crossCommunityRedeem", value: ratio(cross), unit: "× transfer", description: "cross-community redeem / ERC-20 transfer" },
      { name: "timebank.ratio.move", value: ratio(move), unit: "× transfer", description: "move / ERC-20 transfer" },
    ];
  },
  notes: `The cross-community spend is two contract calls in one transaction: the member's time bank checks that it
recognises the other community, burns the credits and records what it owes; the other time bank checks that it
recognises the caller and its partner, and records the credits as spent there and owed to it. Gas figures are
deterministic, whatever the machine's load.`,
};

export default bench;
