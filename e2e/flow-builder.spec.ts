import { expect, test, type Locator, type Page } from "@playwright/test";
import { flowFile, importFlow } from "./flow-file";

// The flow builder, as a marketer uses it: drag nodes from the palette, connect branch handles,
// configure nodes in the inspector until the errors are gone, publish, reload.

async function newBlankFlow(page: Page, name: string) {
  await page.goto("/flows");
  await page.getByTestId("new-flow").first().click();
  await page.getByTestId("new-flow-name").fill(name);
  await page.getByTestId("template-blank").click();
  await page.getByTestId("create-flow").click();
  await page.waitForURL(/\/flows\/[^/]+$/);
  await expect(page.getByTestId("flow-canvas")).toBeVisible();
}

async function newFlowFromTemplate(page: Page, template: string) {
  await page.goto("/flows");
  await page.getByTestId("new-flow").first().click();
  await page.getByTestId(`template-${template}`).click();
  await page.getByTestId("create-flow").click();
  await page.waitForURL(/\/flows\/[^/]+$/);
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
}

async function dragToCanvas(page: Page, kind: string, x: number, y: number) {
  const canvas = page.getByTestId("flow-canvas");
  await page.getByTestId(`palette-item-${kind}`).dragTo(canvas, { targetPosition: { x, y } });
}

/** Drags from a source handle to a target handle with the mouse (React Flow's own gesture). */
async function connect(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + 40, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  await page.mouse.up();
}

async function selectNode(page: Page, id: string) {
  await page.getByTestId(`flow-node-${id}`).click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node-id", id);
}

async function addCondition(scope: Locator, page: Page) {
  await scope.getByTestId("add-rule").first().click();
  await page.getByTestId("field-option-consent_sms").click();
}

const errorCount = async (page: Page) => Number(await page.getByTestId("issues-count").getAttribute("data-errors"));

test("builds a flow from nothing by dragging, publishes it, and finds it intact after a reload", async ({ page }) => {
  test.setTimeout(120_000);
  const name = `E2E targeted offer ${Date.now()}`;
  await newBlankFlow(page, name);

  // A dropped node opens in the inspector (the canvas narrows), so drop within the narrow canvas.
  await dragToCanvas(page, "schedule_trigger", 260, 80);
  await dragToCanvas(page, "split", 260, 230);
  await dragToCanvas(page, "issue_coupon", 120, 400);
  await dragToCanvas(page, "send_notification", 420, 400);
  for (const id of ["schedule", "split", "issue-coupon", "send-notification"]) await expect(page.getByTestId(`flow-node-${id}`)).toBeVisible();
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-status", "saved");

  // Connect: trigger → split; group 1 → coupon; everyone else → notification.
  await connect(page, page.getByTestId("handle-schedule-out"), page.getByTestId("handle-split-in"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  // Split into two groups: name them, give each a condition.
  await selectNode(page, "split");
  const inspector = page.getByTestId("inspector");
  await inspector.getByTestId("split-group-name-0").fill("Gold members");
  await addCondition(inspector.getByTestId("split-group-0"), page);
  await inspector.getByTestId("split-add-group").click();
  await inspector.getByTestId("split-group-name-1").fill("Silver members");
  await addCondition(inspector.getByTestId("split-group-1"), page);
  await inspector.getByTestId("split-else-name").fill("Everyone else");
  await expect(page.getByTestId("handle-split-group-2")).toBeVisible();

  await connect(page, page.getByTestId("handle-split-group-1"), page.getByTestId("handle-issue-coupon-in"));
  await connect(page, page.getByTestId("handle-split-group-2"), page.getByTestId("handle-send-notification-in"));
  await connect(page, page.getByTestId("handle-split-else"), page.getByTestId("handle-send-notification-in"));
  await connect(page, page.getByTestId("handle-issue-coupon-out"), page.getByTestId("handle-send-notification-in"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(5);
  await page.getByTestId("auto-layout").click();

  // Schedule: who enters.
  await selectNode(page, "schedule");
  await inspector.getByTestId("node-name-input").fill("Every Monday 09:00");
  await expect(inspector.getByTestId("cron-description")).toContainText("09:00");
  await addCondition(inspector, page);

  // Coupon: a new coupon described in place.
  await selectNode(page, "issue-coupon");
  await inspector.getByTestId("coupon-mode").getByRole("radio", { name: "New coupon" }).click();
  await inspector.getByTestId("coupon-name").fill("¥20 off over ¥199");

  // Notification: write an SMS with a variable and see the preview.
  await selectNode(page, "send-notification");
  await inspector.getByTestId("notification-body").fill("Hi ");
  await inspector.getByTestId("insert-var-member.name").click();
  await expect(inspector.getByTestId("notification-preview")).toContainText("Hi Li Na");

  // No errors left: publish.
  await expect.poll(() => errorCount(page)).toBe(0);
  await expect(page.getByTestId("publish-button")).toBeEnabled();
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-note").fill("First version");
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("flow-status")).toHaveText("Active");
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");

  await page.reload();
  await expect(page.getByTestId("flow-name")).toHaveValue(name);
  await expect(page.locator(".react-flow__node")).toHaveCount(4);
  await expect(page.locator(".react-flow__edge")).toHaveCount(5);
  await expect(page.getByTestId("flow-node-schedule").getByTestId("flow-node-name")).toHaveText("Every Monday 09:00");
  await expect(page.getByTestId("flow-node-split")).toContainText("2 groups");
  await expect.poll(() => errorCount(page)).toBe(0);
});

test("shows errors on the canvas and jumps to the node from the issues list", async ({ page }) => {
  await newBlankFlow(page, `E2E errors ${Date.now()}`);
  await dragToCanvas(page, "delay", 400, 200);
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node-id", "delay");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("publish-button")).toBeDisabled();
  expect(await errorCount(page)).toBeGreaterThan(0);
  await page.getByTestId("issue-item").filter({ hasText: "No trigger leads to this node" }).click();
  await expect(page.getByTestId("inspector")).toHaveAttribute("data-node-id", "delay");
});

test("undo and redo restore a deleted node", async ({ page }) => {
  await newBlankFlow(page, `E2E undo ${Date.now()}`);
  await dragToCanvas(page, "manual_trigger", 300, 100);
  await dragToCanvas(page, "exit", 300, 300);
  await connect(page, page.getByTestId("handle-manual-out"), page.getByTestId("handle-exit-in"));
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  await page.getByTestId("flow-node-exit").click();
  await page.keyboard.press("Delete");
  await expect(page.getByTestId("flow-node-exit")).toHaveCount(0);
  await expect(page.locator(".react-flow__edge")).toHaveCount(0);

  await page.keyboard.press("Control+z");
  await expect(page.getByTestId("flow-node-exit")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);

  await page.keyboard.press("Control+Shift+z");
  await expect(page.getByTestId("flow-node-exit")).toHaveCount(0);
  await page.getByTestId("undo").click();
  await expect(page.getByTestId("flow-node-exit")).toBeVisible();

  // Copy and paste keeps the node and gives it a new id.
  await page.getByTestId("flow-node-exit").click();
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await expect(page.getByTestId("flow-node-exit-2")).toBeVisible();
});

test("opens a template and publishes it", async ({ page }) => {
  // A hydration mismatch (e.g. a relative time rendered on both sides) throws here.
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await newFlowFromTemplate(page, "win-back-churned");
  await expect.poll(() => errorCount(page)).toBe(0);
  // A loop back to the earlier wait is drawn as a loop.
  await expect(page.getByText("Loop").first()).toBeVisible();
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");
  // Nothing changed since v1: publishing again would make an identical version.
  await expect(page.getByTestId("publish-button")).toBeDisabled();
  await expect(page.getByTestId("unpublished-changes")).toHaveCount(0);
  await page.getByTestId("versions-button").click();
  await expect(page.getByTestId("version-1")).toBeVisible();
  await page.keyboard.press("Escape");

  // Edit the message: the draft now differs from v1, and the comparison says how, in words.
  await selectNode(page, "winback_sms");
  await page.getByTestId("notification-body").fill("We miss you: {{coupon.code}} is yours this week");
  await expect(page.getByTestId("unpublished-changes")).toBeVisible();
  await expect(page.getByTestId("publish-button")).toBeEnabled();
  await page.getByTestId("versions-button").click();
  await page.getByTestId("compare-1").click();
  await expect(page.getByTestId("diff-detail").first()).toContainText("→");
  await expect(page.getByTestId("diff-detail").first()).toContainText("We miss you");
  await page.keyboard.press("Escape");
  // Undo brings back the published draft: nothing to publish again.
  await page.getByTestId("undo").click();
  await expect(page.getByTestId("publish-button")).toBeDisabled();
  await expect(page.getByTestId("undo")).toBeDisabled();
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-status", "saved");
  await page.reload();
  await expect(page.locator(".react-flow__node").first()).toBeVisible();
  await expect(page.getByTestId("publish-button")).toBeDisabled();
  expect(pageErrors).toEqual([]);
});

test("draws every node at the size and with the handles the canvas declares up front", async ({ page }) => {
  // The canvas tells React Flow each node's size and handle positions before measuring (so a big
  // flow mounts only the nodes in view). If the drawing drifted from that, edges would attach
  // beside their handles until measured: check what the browser actually draws.
  await newFlowFromTemplate(page, "win-back-churned");
  const nodes = await page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>(".react-flow__viewport")!;
    const zoom = Number(/scale\(([\d.]+)\)/.exec(viewport.style.transform)?.[1] ?? 1);
    return [...document.querySelectorAll<HTMLElement>('[data-testid^="flow-node-"][data-kind]')].map((el) => {
      const box = el.getBoundingClientRect();
      const handles = (type: string) =>
        [...el.querySelectorAll<HTMLElement>(`.react-flow__handle.${type}`)].map((h) => {
          const r = h.getBoundingClientRect();
          return { x: (r.left + r.width / 2 - box.left) / zoom, y: (r.top + r.height / 2 - box.top) / zoom };
        });
      return {
        id: el.dataset.testid,
        width: box.width / zoom,
        height: box.height / zoom,
        // The body's natural height plus the branch row and the borders must fit the fixed height.
        overflows:
          el.querySelector<HTMLElement>('[data-testid="node-body"]')!.scrollHeight +
            (el.querySelector<HTMLElement>('[data-testid="branch-row"]')?.offsetHeight ?? 0) +
            2 >
          el.offsetHeight + 0.5,
        hasBranchRow: el.querySelector('[data-testid="branch-row"]') !== null,
        targets: handles("target"),
        sources: handles("source"),
      };
    });
  });
  expect(nodes.length).toBeGreaterThan(4);
  expect(nodes.some((n) => n.hasBranchRow)).toBe(true);
  expect(nodes.some((n) => !n.hasBranchRow)).toBe(true);
  for (const n of nodes) {
    expect.soft(n.width, n.id).toBeCloseTo(240, 0);
    expect.soft(n.height, n.id).toBeCloseTo(n.hasBranchRow ? 94 : 74, 0);
    expect.soft(n.overflows, `${n.id} content fits its box`).toBe(false);
    for (const t of n.targets) {
      expect.soft(Math.abs(t.x - 120), `${n.id} entry handle centred`).toBeLessThan(1.5);
      expect.soft(Math.abs(t.y - 1), `${n.id} entry handle on the top edge`).toBeLessThan(1.5);
    }
    n.sources.forEach((s, i) => {
      expect.soft(Math.abs(s.x - (1 + ((i + 0.5) / n.sources.length) * 238)), `${n.id} exit handle ${i} spread evenly`).toBeLessThan(1.5);
      expect.soft(Math.abs(s.y - (n.height - 1)), `${n.id} exit handle ${i} on the bottom edge`).toBeLessThan(1.5);
    });
  }
});

test("switching a coupon or a message between its two modes keeps what was filled in on each side", async ({ page }) => {
  const nodes = [
    { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
    { id: "coupon", kind: "issue_coupon", name: "Gift", config: { template: { mode: "inline", name: "Keep this coupon", type: "amount", value: 33, minSpend: 100, validDays: 9 } } },
    { id: "note", kind: "send_notification", name: "Tell them", config: { channel: "sms", content: { mode: "inline", title: "", body: "Keep this text {{coupon.code}}" } } },
  ];
  const edges = [
    { id: "e0", source: "start", branch: "out", target: "coupon" },
    { id: "e1", source: "coupon", branch: "out", target: "note" },
  ];
  await importFlow(page, flowFile(`E2E modes ${Date.now()}`, nodes, edges));
  const inspector = page.getByTestId("inspector");

  await page.getByTestId("flow-node-coupon").click();
  await expect(inspector).toHaveAttribute("data-node-id", "coupon");
  await inspector.getByTestId("coupon-mode").getByRole("radio", { name: "Existing template" }).click();
  await expect(inspector.getByTestId("coupon-name")).toHaveCount(0);
  await inspector.getByTestId("coupon-mode").getByRole("radio", { name: "New coupon" }).click();
  await expect(inspector.getByTestId("coupon-name")).toHaveValue("Keep this coupon");
  await expect(inspector.getByTestId("coupon-value")).toHaveValue("33");

  await page.getByTestId("flow-node-note").click();
  await expect(inspector).toHaveAttribute("data-node-id", "note");
  const content = inspector.getByTestId("notification-content-mode");
  await content.getByRole("radio", { name: "Use a template" }).click();
  await content.getByRole("radio", { name: "Write here" }).click();
  await expect(inspector.getByRole("textbox").last()).toHaveValue("Keep this text {{coupon.code}}");
});

test("a split's counts are what it does: first match wins, everyone else is counted, and they add up to those entering", async ({ page, request }) => {
  const rule = (field: string, value: string[]) => ({ type: "group", op: "and", children: [{ type: "rule", field, operator: "in", value }] });
  const count = async (tree: unknown) => {
    const response = await request.get(`/api/trpc/audiences.count?input=${encodeURIComponent(JSON.stringify({ json: { tree } }))}`);
    return ((await response.json()) as { result: { data: { json: { count: number } } } }).result.data.json.count;
  };
  const shanghai = rule("province", ["上海市"]);
  const gold = rule("tier", ["gold"]);
  const nodes = [
    { id: "start", kind: "schedule_trigger", name: "Every Monday", config: { schedule: { mode: "recurring", cron: "0 9 * * 1" }, timezone: "Asia/Shanghai", entry: { mode: "all" } } },
    {
      id: "split",
      kind: "split",
      name: "By region, then tier",
      config: { groups: [{ id: "group-1", name: "Shanghai", conditions: shanghai }, { id: "group-2", name: "Gold", conditions: gold }], elseName: "Everyone else" },
    },
  ];
  await importFlow(page, flowFile(`E2E split counts ${Date.now()}`, nodes, [{ id: "e0", source: "start", branch: "out", target: "split" }]));
  await selectNode(page, "split");
  const inspector = page.getByTestId("inspector");
  const shown = async (testId: string) => Number(await inspector.getByTestId(testId).getAttribute("data-count"));
  await expect(inspector.getByTestId("split-count-entering")).toHaveAttribute("data-count", /\d+/);
  await expect(inspector.getByTestId("split-count-else")).toHaveAttribute("data-count", /\d+/);

  const [everyone, inShanghai, goldAnywhere, goldInShanghai] = await Promise.all([
    count({ type: "group", op: "and", children: [] }),
    count(shanghai),
    count(gold),
    count({ type: "group", op: "and", children: [...shanghai.children, ...gold.children] }),
  ]);
  expect(await shown("split-count-entering")).toBe(everyone);
  expect(await shown("split-count-0")).toBe(inShanghai);
  // Gold members in Shanghai went to the first group: the second counts only the rest.
  expect(await shown("split-count-1")).toBe(goldAnywhere - goldInShanghai);
  expect(await shown("split-count-0") + (await shown("split-count-1")) + (await shown("split-count-else"))).toBe(everyone);
  await expect(inspector.getByTestId("split-count-0")).toContainText("of those entering");
});
