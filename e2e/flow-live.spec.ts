import { expect, test } from "@playwright/test";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// A running flow seen live: a flow imported and published in the browser, run for three members
// (by the engine's own operations, through the hook in engine-hook.ts), its counts moving on the open canvas without
// a reload, the members waiting at the delay listed from the node, and the coupon the flow issued
// found on a member's page.

const flowNodes = [
  { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
  {
    id: "split",
    kind: "split",
    name: "Everyone in",
    config: {
      groups: [{ id: "all", name: "Everyone", conditions: { type: "group", op: "and", children: [{ type: "rule", field: "points_balance", operator: "gte", value: 0 }] } }],
      elseName: "Nobody",
    },
  },
  { id: "coupon", kind: "issue_coupon", name: "E2E coupon", config: { template: { mode: "inline", name: "E2E ¥15 off", type: "amount", value: 15, minSpend: 0, validDays: 7 } } },
  { id: "wait", kind: "delay", name: "Wait a week", config: { amount: 7, unit: "days" } },
  { id: "out", kind: "exit", name: "Leave", config: {} },
];
const flowEdges = [
  { id: "e0", source: "start", branch: "out", target: "split" },
  { id: "e1", source: "split", branch: "all", target: "coupon" },
  { id: "e2", source: "coupon", branch: "out", target: "wait" },
  { id: "e3", source: "split", branch: "else", target: "out" },
];

test("a published flow's counts move on the canvas as it runs, and the coupon shows on the member's page", async ({ page }) => {
  test.setTimeout(120_000);
  const name = `E2E live ${Date.now()}`;
  const flowId = await importFlow(page, flowFile(name, flowNodes, flowEdges));
  await expect(page.getByTestId("flow-node-wait")).toBeVisible();
  // Never published: no live figures.
  await expect(page.getByTestId("node-live-start")).toHaveCount(0);

  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");
  await expect(page.getByTestId("node-live-start")).toHaveAttribute("data-entered", "0");
  // Not run yet, and a manual flow says what starts it.
  await expect(page.getByTestId("flow-live-summary")).toContainText("Runs when started by hand");

  // Run it for three members; the canvas refreshes on its own.
  const members = await runHook<number[]>("pick", flowId, "3");
  expect(members).toHaveLength(3);
  await runHook("run", flowId, members.join(","));
  const timeout = 20_000;
  await expect(page.getByTestId("node-live-start")).toHaveAttribute("data-entered", "3", { timeout });
  await expect(page.getByTestId("node-live-coupon")).toHaveAttribute("data-entered", "3");
  await expect(page.getByTestId("node-live-wait")).toHaveAttribute("data-waiting", "3");
  await expect(page.getByTestId("flow-node-wait").getByTestId("node-waiting")).toHaveText("3");
  // Per branch, beside each branch label of the split.
  const split = page.getByTestId("flow-node-split");
  await expect(split.locator('[data-branch="all"]').getByTestId("branch-count")).toHaveText("3");
  await expect(split.locator('[data-branch="else"]').getByTestId("branch-count")).toHaveText("0");
  await expect(page.getByTestId("live-in-flight")).toHaveAttribute("data-count", "3");
  // The figures fit inside the nodes' declared sizes (server/flows/canvas.ts nodeSize).
  for (const [id, height] of [["split", 94], ["wait", 74]] as const) {
    const drawn = await page.getByTestId(`flow-node-${id}`).evaluate((el) => ({
      height: (el as HTMLElement).offsetHeight,
      content: el.querySelector<HTMLElement>('[data-testid="node-body"]')!.scrollHeight + (el.querySelector<HTMLElement>('[data-testid="branch-row"]')?.offsetHeight ?? 0) + 2,
    }));
    expect(drawn.height, id).toBe(height);
    expect(drawn.content, `${id} content fits`).toBeLessThanOrEqual(height);
  }
  await expect(page.getByTestId("live-last-run")).toContainText("3 entered");

  // The delay's figures list who waits there; a click does not select the node.
  await page.getByTestId("node-live-wait").click();
  const sheet = page.getByTestId("node-members-sheet");
  await expect(sheet).toHaveAttribute("data-node-id", "wait");
  await expect(sheet.getByTestId("node-member")).toHaveCount(3);
  await expect(page.getByTestId("inspector")).toHaveCount(0);
  const first = sheet.getByTestId("node-member").first().getByRole("link");
  const memberId = Number((await first.getAttribute("href"))!.split("/").pop());
  expect(members).toContain(memberId);

  await first.click();
  await page.waitForURL(new RegExp(`/members/${memberId}$`));
  const journey = page.getByTestId("member-journey").filter({ hasText: name });
  await expect(journey).toHaveAttribute("data-status", "waiting");
  await expect(journey.getByTestId("journey-step")).toHaveText(["Run by hand", "Everyone in", "E2E coupon", "Wait a week"]);
  const code = await runHook<string | null>("coupon", flowId, String(memberId));
  expect(code).toMatch(/^[0-9A-F]{15}$/);
  await expect(journey.getByTestId("journey-coupon-code")).toHaveText(code!);
});

test("a flow whose one-time schedule has run says Finished and what its run did, never Active", async ({ page, request }) => {
  test.setTimeout(120_000);
  const listed = await request.get(`/api/trpc/members.list?input=${encodeURIComponent(JSON.stringify({ json: { page: 1, pageSize: 5 } }))}`);
  const [member] = ((await listed.json()) as { result: { data: { json: { members: { id: number }[] } } } }).result.data.json.members;
  const detail = await request.get(`/api/trpc/members.get?input=${encodeURIComponent(JSON.stringify({ json: { id: member!.id } }))}`);
  const { phone } = ((await detail.json()) as { result: { data: { json: { phone: string } } } }).result.data.json;
  const name = `E2E once ${Date.now()}`;
  const nodes = [
    {
      id: "start",
      kind: "schedule_trigger",
      name: "A minute ago",
      // Just gone: publishing still runs it (a time well past would be refused).
      config: { schedule: { mode: "once", at: new Date(Date.now() - 60_000).toISOString() }, timezone: "Asia/Shanghai", entry: { mode: "conditions", conditions: { type: "group", op: "and", children: [{ type: "rule", field: "phone", operator: "eq", value: phone }] } } },
    },
    { id: "tag", kind: "tag", name: "Tag them", config: { action: "add", tags: ["e2e-once"] } },
  ];
  const flowId = await importFlow(page, flowFile(name, nodes, [{ id: "e0", source: "start", branch: "out", target: "tag" }]));
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");
  await expect(page.getByTestId("flow-status")).toHaveAttribute("data-status", "active");
  await runHook("tick");
  const journey = await runHook<{ status: string } | null>("journey", flowId, String(member!.id));
  expect(journey?.status).toBe("completed");

  await page.goto("/flows");
  const row = page.getByTestId("flow-row").filter({ hasText: name });
  await expect(row.getByTestId("flow-status")).toHaveAttribute("data-status", "finished");
  await expect(row.getByTestId("flow-status")).toHaveText("Finished");
  await expect(row.getByTestId("live-last-run")).toContainText("1 entered");
  await expect(row.getByTestId("live-last-run")).toContainText("Nothing left to run");
  // The editor's header says the same.
  await page.goto(`/flows/${flowId}`);
  await expect(page.getByTestId("flow-status")).toHaveAttribute("data-status", "finished");
});
