import { chromium } from "playwright-core";
import { buildClient, startStack, CHROMIUM_ARGS, signInAs } from "../test/client/browser.js";
await buildClient();
const stack = await startStack();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
for (let i = 0; i < 4; i++) {
  let t0 = Date.now();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const t1 = Date.now();
  await signInAs(page, stack.apiUrl, stack.plan.owners[i]!.account.address);
  const t2 = Date.now();
  await page.goto(`${stack.apiUrl}/#/timebank`); await page.waitForSelector("main h1");
  console.log("context", t1 - t0, "signIn", t2 - t1, "next page", Date.now() - t2);
  await context.close();
}
await browser.close(); await stack.stop();
