import { expect, test } from "@playwright/test";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// Trying a draft before publishing: one member's path with the coupon code and message it would
// get, the response wait answered by choice; and the forecast over the whole entry audience.
// Nothing is issued: the member has no coupon from the flow afterwards.

const flowNodes = [
  // A schedule a year ahead: the draft is tried, never run.
  { id: "start", kind: "schedule_trigger", name: "Everyone, next year", config: { schedule: { mode: "once", at: new Date(Date.now() + 365 * 86_400_000).toISOString() }, timezone: "Asia/Shanghai", entry: { mode: "all" } } },
  { id: "coupon", kind: "issue_coupon", name: "Try coupon", config: { template: { mode: "inline", name: "Try ¥12 off", type: "amount", value: 12, minSpend: 0, validDays: 7 } } },
  { id: "note", kind: "send_notification", name: "Tell them", config: { channel: "in_app", content: { mode: "inline", title: "Hi", body: "Code {{coupon.code}}" } } },
  { id: "wait", kind: "wait_for_response", name: "Redeemed?", config: { event: { type: "coupon.redeemed", sourceNodeId: "coupon" }, window: { amount: 3, unit: "days" } } },
  { id: "thanks", kind: "points", name: "Thanks points", config: { action: "award", amount: 40, reason: "thanks" } },
  { id: "done", kind: "exit", name: "Done", config: {} },
];
const flowEdges = [
  { id: "e0", source: "start", branch: "out", target: "coupon" },
  { id: "e1", source: "coupon", branch: "out", target: "note" },
  { id: "e2", source: "note", branch: "out", target: "wait" },
  { id: "e3", source: "wait", branch: "responded", target: "thanks" },
  { id: "e4", source: "wait", branch: "timeout", target: "done" },
];

test("a draft is tried on one member and forecast over its audience, issuing nothing", async ({ page }) => {
  test.setTimeout(180_000);
  const flowId = await importFlow(page, flowFile(`E2E try ${Date.now()}`, flowNodes, flowEdges));

  await expect(page.getByTestId("issues-count")).toHaveAttribute("data-errors", "0");
  await page.getByTestId("try-button").click();
  const sheet = page.getByTestId("try-sheet");
  await sheet.getByRole("button", { name: "Member", exact: true }).click();
  const option = page.getByRole("option").first();
  await expect(option).toBeVisible();
  await option.click();
  await sheet.getByTestId("try-response-wait").click();
  await page.getByRole("option", { name: "Responds" }).click();
  await sheet.getByTestId("try-run").click();

  const steps = sheet.getByTestId("try-step");
  await expect(steps).toHaveCount(5);
  expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute("data-node-id")))).toEqual(["start", "coupon", "note", "wait", "thanks"]);
  const code = (await steps.nth(1).getByTestId("journey-coupon-code").textContent())!.trim();
  expect(code).toMatch(/^[0-9A-F]{15}$/);
  // The message as the member would read it quotes the very code.
  await expect(steps.nth(2).getByTestId("journey-notification")).toContainText(`Code ${code}`);
  await expect(steps.nth(4).getByTestId("journey-points")).toContainText("40");
  await expect(sheet.getByTestId("try-ended")).toContainText("Completes the flow");

  // Nothing was issued: no member holds a coupon from this flow.
  expect(await runHook<number>("coupons", flowId)).toBe(0);

  await sheet.getByTestId("try-forecast-tab").click();
  await sheet.getByTestId("try-forecast").click();
  const entering = sheet.getByTestId("forecast-entering");
  await expect(entering).toBeVisible({ timeout: 120_000 });
  const count = Number((await entering.textContent())!.replace(/\D/g, ""));
  expect(count).toBeGreaterThan(0);
  // Every member enters, gets the coupon and waits for a response.
  await expect(sheet.getByTestId("forecast-coupons")).toHaveText(await entering.textContent() as string);
  await expect(sheet.getByTestId("forecast-face-value")).toContainText((count * 12).toLocaleString("en-US"));
  await expect(sheet.getByTestId("forecast-node-wait").locator("td").nth(2)).toHaveText(count.toLocaleString("en-US"));
  expect(await runHook<number>("coupons", flowId)).toBe(0);
});
