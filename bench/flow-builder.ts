// npm run bench -- flow-builder — how fast a 300-node flow opens in the builder.
// Creates a valid 300-node flow in the database and opens it in headless Chromium against a running
// app three ways (see main), measuring from the start of the navigation to every node in view painted
// and a click on a node opening its inspector. BENCH_RUNS rounds after a warm-up; last line: key=value.
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

type Page = import("playwright-core").Page;

/** Resolves when the canvas holds all the flow's nodes and every node it draws is painted. */
async function canvasPainted(page: Page) {
  // (A flow this big opens at a readable zoom on its triggers and renders only the nodes in view.)
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
}

/** A click on a node in view selects it and opens its inspector, form included. */
async function inspectorOpens(page: Page) {
  const target = await page.evaluate(() => {
    const box = document.querySelector('[data-testid="flow-canvas"]')!.getBoundingClientRect();
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid^="flow-node-c"]')) {
      const r = el.getBoundingClientRect();
      if (r.top > box.top && r.bottom < box.bottom - 200 && r.left > box.left && r.right < box.right) return el.dataset.testid!.slice("flow-node-".length);
    }
    return null;
  });
  if (!target) throw new Error("no node in view to click");
  // A plain mouse click at the node's centre (a locator click adds its own actionability waits).
  const box = (await page.locator(`[data-testid="flow-node-${target}"]`).boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector(`[data-testid="inspector"][data-node-id="${target}"]`, { timeout: 30_000 });
  // A kind's form is loaded on demand: open means the form is there, not just the panel.
  await page.waitForFunction(() => !document.querySelector('[data-testid="inspector"] [data-testid="inspector-loading"]'), null, { timeout: 30_000, polling: "raf" });
}

/**
 * Three ways a marketer opens a flow, each from the start of the navigation to a node's inspector open:
 *  - navigate: clicking the flow in the flows list (the app already loaded);
 *  - reload: loading the flow's address in a browser that has used the app before (its scripts cached);
 *  - cold: the same in a browser that has never loaded the app (nothing cached).
 */
async function main() {
  const draft = bigFlow();
  const issues = validateFlow(draft);
  if (draft.nodes.length !== NODES || hasErrors(issues)) throw new Error(`bench flow is not a valid ${NODES}-node flow: ${JSON.stringify(issues.slice(0, 3))}`);
  const db = createPrismaClient(databaseUrl, 2);
  const flow = await createFlow(db, { name: `Bench: ${NODES} nodes`, definition: draft }, "bench");
  await db.$disconnect();
  const flowUrl = `${baseUrl}/flows/${flow.id}`;
  console.log(`flow ${flow.id} (${NODES} nodes) → ${flowUrl}`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const timings = { navigate: [] as number[], reload: [] as number[], cold: [] as number[] };
  let rendered = 0;
  const newPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "en-US" });
    return { context, page: await context.newPage() };
  };
  try {
    // A browser that has used the app: the flows list and this flow opened before the runs.
    const returning = await newPage();
    for (let i = 0; i < 3; i++) {
      await returning.page.goto(flowUrl, { waitUntil: "commit", timeout: 180_000 });
      await canvasPainted(returning.page);
    }
    for (let run = 0; run <= RUNS; run++) {
      const { page } = returning;
      // navigate: from the flows list, idle, to a click on the flow.
      await page.goto(`${baseUrl}/flows`, { waitUntil: "load" });
      const link = page.locator(`a[href="/flows/${flow.id}"]`).first();
      await link.waitFor();
      await page.waitForTimeout(500);
      const clickedAt = await page.evaluate(() => performance.now());
      await link.click();
      await canvasPainted(page);
      const navigatePainted = (await page.evaluate(() => performance.now())) - clickedAt;
      await inspectorOpens(page);
      const navigate = (await page.evaluate(() => performance.now())) - clickedAt;

      // reload: the flow's address, with the app's scripts in the browser cache.
      await page.goto(flowUrl, { waitUntil: "commit", timeout: 180_000 });
      await canvasPainted(page);
      const reloadPainted = await page.evaluate(() => performance.now());
      await inspectorOpens(page);
      const reload = await page.evaluate(() => performance.now());

      // cold: a fresh browser profile.
      const fresh = await newPage();
      await fresh.page.goto(flowUrl, { waitUntil: "commit", timeout: 180_000 });
      await canvasPainted(fresh.page);
      const coldPainted = await fresh.page.evaluate(() => performance.now());
      await inspectorOpens(fresh.page);
      const cold = await fresh.page.evaluate(() => performance.now());
      if (run === RUNS) rendered = await fresh.page.locator(".react-flow__node").count();
      await fresh.context.close();

      const ms = (total: number, painted: number) => `${Math.round(total)} ms (painted ${Math.round(painted)})`;
      console.log(
        `${run === 0 ? "warm-up" : `run ${run}`}: navigate ${ms(navigate, navigatePainted)}, reload ${ms(reload, reloadPainted)}, cold ${ms(cold, coldPainted)}`,
      );
      if (run === 0) continue;
      timings.navigate.push(navigate);
      timings.reload.push(reload);
      timings.cold.push(cold);
    }
    await returning.context.close();
  } finally {
    await browser.close();
    const cleanup = createPrismaClient(databaseUrl, 1);
    await cleanup.flow.delete({ where: { id: flow.id } }).catch(() => undefined);
    await cleanup.$disconnect();
  }
  const figures = Object.entries(timings).map(([name, xs]) => ({ name, p50: Math.round(pct(xs, 50)), p95: Math.round(pct(xs, 95)) }));
  for (const f of figures) console.log(`${f.name.padEnd(8)} p50 ${f.p50} ms, p95 ${f.p95} ms over ${RUNS} runs`);
  console.log(`(${rendered} of ${NODES} nodes in view and rendered; goal: interactive in under 1000 ms)`);
  console.log(figures.map((f) => `flow_open_${f.name}_p50_ms=${f.p50} flow_open_${f.name}_p95_ms=${f.p95}`).join(" ") + ` nodes=${NODES}`);
}

if (process.argv[1]?.endsWith("run.ts") || process.argv[1]?.endsWith("flow-builder.ts")) main().catch((error) => {
  console.error(error);
  process.exit(1);
});
