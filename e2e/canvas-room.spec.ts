import { expect, test, type Page } from "@playwright/test";
import { flowFile, importFlow } from "./flow-file";

// Room to work on the canvas: the side panels fold away, a split's branch labels are readable,
// a palette click continues the flow from the selected node, and the visit limit says what it does.

const rule = { type: "group", op: "and", children: [{ type: "rule", field: "province", operator: "in", value: ["上海市"] }] };
/** Long enough that a 240px split would clip them ("Shanghai g…"); the second needs two lines. */
const groups = ["Shanghai gold members", "Members in Beijing, Tianjin and Hebei who hold a silver card"];
const elseName = "Everyone else in the country";

const nodes = [
  { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
  {
    id: "split",
    kind: "split",
    name: "By region",
    config: { groups: groups.map((name, i) => ({ id: `group-${i + 1}`, name, conditions: rule })), elseName },
  },
  { id: "tag", kind: "tag", name: "Tag them", config: { action: "add", tags: ["shanghai"] } },
  // A loop, so the inspector offers a visit limit.
  { id: "delay", kind: "delay", name: "Cool off", config: { amount: 1, unit: "days" } },
  // A second entry, so the automatic layout puts a node beside the split.
  { id: "start-2", kind: "manual_trigger", name: "Run again", config: {} },
  { id: "beside", kind: "tag", name: "Beside the split", config: { action: "add", tags: ["beside"] } },
];
const edges = [
  { id: "e0", source: "start", branch: "out", target: "split" },
  { id: "e1", source: "split", branch: "group-1", target: "tag" },
  { id: "e2", source: "tag", branch: "out", target: "delay" },
  { id: "e3", source: "delay", branch: "out", target: "tag" },
  { id: "e4", source: "start-2", branch: "out", target: "beside" },
];
// The tag and its loop stand well to the right: nothing is in the way below the split's second branch.
const layout = {
  start: { x: 0, y: 0 },
  split: { x: -150, y: 180 },
  tag: { x: 460, y: 420 },
  delay: { x: 460, y: 600 },
  "start-2": { x: 800, y: 0 },
  beside: { x: 800, y: 300 },
};

async function openFlow(page: Page, label: string) {
  await importFlow(page, { ...flowFile(`E2E canvas room ${label} ${Date.now()}`, nodes, edges), layout });
  await expect(page.getByTestId("flow-canvas")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("flow-node-split")).toBeVisible();
}

/** Clicks a node in its middle: a loop between stacked nodes runs behind them, and does not take the click. */
async function selectNode(page: Page, id: string) {
  await page.getByTestId(`flow-node-${id}`).click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node-id", id);
}

const width = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!.width;
const centreX = async (page: Page, testId: string) => {
  const b = (await page.getByTestId(testId).boundingBox())!;
  return b.x + b.width / 2;
};
const zoomOf = (page: Page) =>
  page.evaluate(() => Number(/scale\(([\d.]+)\)/.exec(document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform)?.[1] ?? 1));

test("the palette and the inspector fold away and come back, and the canvas gets their width", async ({ page }) => {
  await openFlow(page, "panels");
  await expect(page.getByTestId("palette")).toBeVisible();
  const open = await width(page, "flow-canvas");
  // Where the split sits relative to the canvas's middle: folding keeps it there.
  const offset = async () => (await centreX(page, "flow-node-split")) - (await centreX(page, "flow-canvas"));
  const before = await offset();

  await page.getByTestId("palette-fold").click();
  await expect(page.getByTestId("palette")).toHaveCount(0);
  await expect(page.getByTestId("palette-rail")).toBeVisible();
  await expect.poll(() => width(page, "flow-canvas")).toBeGreaterThan(open + 200);
  await expect.poll(offset).toBeCloseTo(before, 0);
  const noPalette = await width(page, "flow-canvas");

  // Remembered: a reload keeps the palette folded.
  await page.reload();
  await expect(page.getByTestId("flow-canvas")).toHaveAttribute("data-ready", "true");
  await expect(page.getByTestId("palette-rail")).toBeVisible();
  await expect(page.getByTestId("palette")).toHaveCount(0);

  // The inspector folds to a rail too, and keeps the selected node.
  await selectNode(page, "tag");
  const withInspector = await width(page, "flow-canvas");
  await page.getByTestId("right-panel-fold").click();
  await expect(page.getByTestId("inspector")).toHaveCount(0);
  await expect(page.getByTestId("right-panel-rail")).toBeVisible();
  await expect.poll(() => width(page, "flow-canvas")).toBeGreaterThan(withInspector + 300);

  await page.getByTestId("right-panel-rail").click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node-id", "tag");
  await expect.poll(() => width(page, "flow-canvas")).toBeCloseTo(withInspector, 0);

  // The keys: "]" folds the right panel, "[" brings the palette back (not while typing).
  await page.keyboard.press("]");
  await expect(page.getByTestId("right-panel-rail")).toBeVisible();
  await page.keyboard.press("]");
  await expect(page.getByTestId("inspector")).toBeVisible();
  await page.getByTestId("node-name-input").press("[");
  await expect(page.getByTestId("palette")).toHaveCount(0);
  await selectNode(page, "split");
  await page.keyboard.press("[");
  await expect(page.getByTestId("palette")).toBeVisible();
  await expect(page.getByTestId("palette-rail")).toHaveCount(0);
  await page.keyboard.press("Escape");
  await expect.poll(() => width(page, "flow-canvas")).toBeCloseTo(open, 0);
  expect(noPalette).toBeGreaterThan(open);
});

test("a split with long group names is drawn wide enough to read every branch label", async ({ page }) => {
  await openFlow(page, "labels");
  const zoom = await zoomOf(page);
  const drawn = await page.getByTestId("flow-node-split").evaluate((el: HTMLElement) => {
    const box = el.getBoundingClientRect();
    return {
      width: box.width,
      height: box.height,
      // The body's natural height plus the branch row and the borders fit the fixed height.
      overflows:
        el.querySelector<HTMLElement>('[data-testid="node-body"]')!.scrollHeight + el.querySelector<HTMLElement>('[data-testid="branch-row"]')!.offsetHeight + 2 >
        el.offsetHeight + 0.5,
      labels: [...el.querySelectorAll<HTMLElement>('[data-testid="branch-label"]')].map((l) => ({
        text: l.textContent,
        clipped: l.scrollWidth > l.clientWidth || l.scrollHeight > l.clientHeight,
      })),
      handles: [...el.querySelectorAll<HTMLElement>(".react-flow__handle.source")].map((h) => {
        const r = h.getBoundingClientRect();
        return r.left + r.width / 2 - box.left;
      }),
    };
  });
  // Wider than a plain node, in steps of the 20px grid; two label lines (74 + a 30px branch row).
  const w = Math.round(drawn.width / zoom);
  expect(w).toBeGreaterThan(240);
  expect(w % 20).toBe(0);
  expect(drawn.height / zoom).toBeCloseTo(104, 0);
  expect(drawn.overflows).toBe(false);
  expect(drawn.labels).toEqual([...groups, elseName].map((text) => ({ text, clipped: false })));
  // Each exit handle under its label's column.
  drawn.handles.forEach((x, i) => expect(Math.abs(x / zoom - (1 + ((i + 0.5) / 3) * (w - 2)))).toBeLessThan(1.5));

  // The automatic layout spaces the wide node by its box: beside it in its rank, the tag keeps the 48px gap.
  await page.getByTestId("auto-layout").click();
  await expect
    .poll(() =>
      page.evaluate(() => {
        const zoom = Number(/scale\(([\d.]+)\)/.exec(document.querySelector<HTMLElement>(".react-flow__viewport")!.style.transform)?.[1] ?? 1);
        const a = document.querySelector('[data-testid="flow-node-split"]')!.getBoundingClientRect();
        const b = document.querySelector('[data-testid="flow-node-beside"]')!.getBoundingClientRect();
        if (Math.abs(a.top - b.top) > 1) return "not laid out yet";
        return Math.round((b.left > a.left ? b.left - a.right : a.left - b.right) / zoom);
      }),
    )
    .toBeGreaterThanOrEqual(47);
});

test("a palette click with a node selected adds the node after it, connected, below it; one undo removes it", async ({ page }) => {
  await openFlow(page, "add after");
  await selectNode(page, "split");
  await expect(page.getByTestId("palette-item-exit")).toHaveAttribute("title", /after “By region”/);
  const edgesBefore = await page.locator(".react-flow__edge").count();

  await page.getByTestId("palette-item-exit").click();
  // Connected from the first branch that led nowhere (group 1 goes to the tag), and selected.
  await expect(page.getByTestId("flow-node-exit")).toBeVisible();
  await expect(page.getByTestId("rf__edge-e-split-group-2")).toHaveCount(1);
  await expect(page.getByTestId("rf__edge-e-split-group-2")).toHaveAttribute("aria-label", "Edge from split to exit");
  await expect(page.locator(".react-flow__edge")).toHaveCount(edgesBefore + 1);
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node-id", "exit");

  // Below the split, centred under the branch's handle.
  const zoom = await zoomOf(page);
  const split = (await page.getByTestId("flow-node-split").boundingBox())!;
  const added = (await page.getByTestId("flow-node-exit").boundingBox())!;
  expect((added.y - (split.y + split.height)) / zoom).toBeCloseTo(72, 0);
  expect(Math.abs((await centreX(page, "handle-split-group-2")) - (added.x + added.width / 2))).toBeLessThan(2);

  // One command: a single undo takes the node and its edge away, redo brings both back.
  await page.getByTestId("undo").click();
  await expect(page.getByTestId("flow-node-exit")).toHaveCount(0);
  await expect(page.getByTestId("rf__edge-e-split-group-2")).toHaveCount(0);
  await expect(page.locator(".react-flow__edge")).toHaveCount(edgesBefore);
  await expect(page.getByTestId("flow-node-split")).toBeVisible();
  await expect(page.getByTestId("undo")).toBeDisabled();
  await page.getByTestId("redo").click();
  await expect(page.getByTestId("rf__edge-e-split-group-2")).toHaveCount(1);

  // Without a selection, a click adds the node unconnected.
  await page.keyboard.press("Escape");
  await page.getByTestId("palette-item-tag").click();
  await expect(page.getByTestId("flow-node-tag-2")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(edgesBefore + 1);
});

test("the visit limit says what happens to a member who reaches it, in English and in Chinese", async ({ page }) => {
  await openFlow(page, "visit limit");
  await selectNode(page, "delay");
  const inspector = page.getByTestId("inspector");
  const hint = inspector.getByTestId("visit-limit-hint");
  await expect(hint).toContainText("one journey through the flow");
  await expect(hint).toContainText("ends their journey here, without the node running");
  await expect(hint).toContainText("“Exited · hit a visit limit”");

  await inspector.getByRole("switch", { name: "Visit limit per member" }).click();
  await expect(inspector.getByTestId("visit-limit-input")).toHaveValue("2");
  await expect(hint).toContainText("may pass through this node 2 times");
  await expect(hint).toContainText("Arriving once more, the member’s journey ends here: the node does not run again, no branch is taken");
  await expect(hint).toContainText("“Exited · hit a visit limit”");
  await inspector.getByTestId("visit-limit-input").fill("1");
  await expect(hint).toContainText("may pass through this node once.");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-status", "saved");

  await page.context().addCookies([{ name: "locale", value: "zh-CN", url: page.url() }]);
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await selectNode(page, "delay");
  await expect(hint).toContainText("会员在一次旅程中最多经过此节点 1 次");
  await expect(hint).toContainText("会员的旅程在此结束：此节点不再执行，也不走任何分支");
  await expect(hint).toContainText("“已退出 · 达到访问次数上限”");
});
