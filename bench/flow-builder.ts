// npm run bench -- flow-builder — how fast a 300-node flow opens in the builder.
// Creates a valid 300-node flow in the database, opens /flows/<id> in headless Chromium against a
// running app, and measures navigation start → every node rendered and a click on a node opening
// its inspector. Repeats BENCH_RUNS times (after one warm-up); last line: key=value pairs.
//   BASE_URL (default http://localhost:3000)   DATABASE_URL (default: the dev embedded db)   BENCH_RUNS (default 5)
import { chromium } from "playwright-core";
import { createPrismaClient } from "../server/prisma-client";
import { createFlow } from "../server/flows/service";
import { validateFlow, hasErrors } from "../server/flows/validate";
import { defaultFlowSettings, type FlowDraft, type FlowDraftNode, type FlowEdge } from "../server/flows/definition";

const baseUrl = process.env.BASE_URL ?? "http://localhost:3000";
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres:memberflow@127.0.0.1:54329/memberflow";
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NODES = 300;

/** A trigger, a 10-way random split, and ten chains of actions and waits ending in an exit. */
export function bigFlow(): FlowDraft {
  const nodes: FlowDraftNode[] = [
    { id: "start", kind: "manual_trigger", config: {} },
    {
      id: "split",
      kind: "random_split",
      config: { buckets: Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, name: `B${i}`, percent: 10 })), holdout: null },
    },
  ];
  const edges: FlowEdge[] = [{ id: "e-start", source: "start", branch: "out", target: "split" }];
  const steps = [
    (id: string): FlowDraftNode => ({ id, kind: "delay", config: { amount: 1, unit: "days" } }),
    (id: string): FlowDraftNode => ({ id, kind: "tag", config: { action: "add", tags: ["bench"] } }),
    (id: string): FlowDraftNode => ({ id, kind: "points", config: { action: "award", amount: 10, reason: "bench" } }),
    (id: string): FlowDraftNode => ({ id, kind: "send_notification", config: { channel: "sms", content: { mode: "inline", title: "", body: "Hi {{member.name}}" } } }),
  ];
  const remaining = NODES - nodes.length;
  for (let chain = 0; chain < 10; chain++) {
    const length = Math.floor(remaining / 10) + (chain < remaining % 10 ? 1 : 0);
    let previous = "split";
    let branch = `b${chain}`;
    for (let i = 0; i < length; i++) {
      const id = `c${chain}-${i}`;
      nodes.push(i === length - 1 ? { id, kind: "exit", config: {} } : steps[i % steps.length]!(id));
      edges.push({ id: `e-${id}`, source: previous, branch, target: id });
      previous = id;
      branch = "out";
    }
  }
  return { nodes, edges, settings: defaultFlowSettings() };
}

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function main() {
  const draft = bigFlow();
  const issues = validateFlow(draft);
  if (draft.nodes.length !== NODES || hasErrors(issues)) throw new Error(`bench flow is not a valid ${NODES}-node flow: ${JSON.stringify(issues.slice(0, 3))}`);
  const db = createPrismaClient(databaseUrl, 2);
  const flow = await createFlow(db, { name: `Bench: ${NODES} nodes`, definition: draft }, "bench");
  await db.$disconnect();
  console.log(`flow ${flow.id} (${NODES} nodes) → ${baseUrl}/flows/${flow.id}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const timings: number[] = [];
  let rendered = 0;
  try {
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-US" });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/flows/${flow.id}`, { waitUntil: "commit", timeout: 180_000 });
      // Loaded: the canvas holds all the flow's nodes, and every node it draws is painted. (A flow this
      // big opens at a readable zoom on its triggers and renders only the nodes in view.)
      await page.waitForFunction(
        (n) => {
          const canvas = document.querySelector<HTMLElement>('[data-testid="flow-canvas"]');
          if (canvas?.dataset.ready !== "true" || Number(canvas.dataset.nodeCount) !== n) return false;
          const els = document.querySelectorAll<HTMLElement>(".react-flow__node");
          if (els.length === 0) return false;
          for (const el of els) if (el.style.visibility === "hidden") return false;
          return document.querySelectorAll(".react-flow__edge").length > 0;
        },
        NODES,
        { timeout: 180_000, polling: "raf" },
      );
      // Interactive: a click on a node in view selects it and opens its inspector.
      const target = await page.evaluate(() => {
        const box = document.querySelector('[data-testid="flow-canvas"]')!.getBoundingClientRect();
        for (const el of document.querySelectorAll<HTMLElement>('[data-testid^="flow-node-c"]')) {
          const r = el.getBoundingClientRect();
          if (r.top > box.top && r.bottom < box.bottom - 200 && r.left > box.left && r.right < box.right) return el.dataset.testid!.slice("flow-node-".length);
        }
        return null;
      });
      if (!target) throw new Error("no node in view to click");
      await page.locator(`[data-testid="flow-node-${target}"]`).click();
      // Open means its form is there too, not just the panel (a kind's form is loaded on demand).
      await page.waitForSelector(`[data-testid="inspector"][data-node-id="${target}"]`, { timeout: 30_000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"] [data-testid="inspector-loading"]'), null, { timeout: 30_000, polling: "raf" });
      if (run === RUNS) rendered = await page.locator(".react-flow__node").count();
      const ms = await page.evaluate(() => performance.now());
      if (run > 0) timings.push(ms);
      console.log(`${run === 0 ? "warm-up" : `run ${run}`}: ${Math.round(ms)} ms`);
      await context.close();
    }
  } finally {
    await browser.close();
    const cleanup = createPrismaClient(databaseUrl, 1);
    await cleanup.flow.delete({ where: { id: flow.id } }).catch(() => undefined);
    await cleanup.$disconnect();
  }
  const p50 = Math.round(pct(timings, 50));
  const p95 = Math.round(pct(timings, 95));
  console.log(`p50 ${p50} ms, p95 ${p95} ms over ${timings.length} runs (${rendered} of ${NODES} nodes in view and rendered)`);
  console.log(`flow_open_p50_ms=${p50} flow_open_p95_ms=${p95} nodes=${NODES}`);
}

if (process.argv[1]?.endsWith("run.ts") || process.argv[1]?.endsWith("flow-builder.ts")) main().catch((error) => {
  console.error(error);
  process.exit(1);
});
