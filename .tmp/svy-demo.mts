import { startDemoStack } from "../scripts/demo/stack.js";
const t0 = Date.now();
const stack = await startDemoStack({ rpcPort: 20000 + Math.floor(Math.random() * 20000), apiPort: 0, dataDir: "/tmp/svy-demo-data", log: (l: string) => console.log(l), surveyYear: true });
console.log("ready", (Date.now() - t0) / 1000);
const r = await fetch(`${stack.apiUrl}/api/surveys/trend?estateId=1`);
const j = await r.json() as any;
for (const i of j.items) console.log(i.quarter, i.results.n, JSON.stringify(i.results.heatmap.rows.map((x: any) => [x.building, x.hidden, x.n])));
await stack.stop();
