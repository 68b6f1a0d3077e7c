// Modules the Vite build provides (client/vite.config.ts).

declare module "virtual:abi/TimeBank" {
  export const abi: import("../../artifacts/contracts/timebank/TimeBank.sol/artifacts.js").TimeBank$Type["abi"];
}

declare module "*.css";

declare module "*.css?inline" {
  /** The stylesheet's text, minified by the build (main.ts adds styles.css this way). */
  const css: string;
  export default css;
}

declare module "virtual:abis" {
  /** Every contract of the deploy plan (server/src/chain/deploy.ts) by name: its ABI from the compiled artifact. */
  export const abis: Record<string, import("viem").Abi>;
}

declare module "virtual:texts/*" {
  /** One language's texts of one group (client/src/i18n/groups.ts), cut from zh-CN.ts or en.ts at build time. */
  const texts: Partial<Record<import("./i18n/zh-CN.js").TextKey, string>>;
  export default texts;
}
