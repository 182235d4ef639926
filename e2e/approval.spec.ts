import { expect, test } from "@playwright/test";
import { flowFile, importFlow } from "./flow-file";

// Publishing needs approval, as people use it: the admin switches it on, an invited marketer's
// Publish becomes a request ("Waiting for approval"), the admin reviews the changes, the audience
// and the forecast, rejects with a comment the marketer then reads, and approves the next request,
// which publishes v1. The audit log has each step.
test("a marketer's publish waits for an admin, who rejects with a comment, then approves", async ({ page, browser, baseURL }) => {
  test.setTimeout(240_000);
  await page.goto("/settings?tab=publishing");
  const toggle = page.getByTestId("publish-needs-approval");
  // Enabled once the saved setting has loaded (and again once a change is saved).
  await expect(toggle).toBeEnabled();
  if ((await toggle.getAttribute("aria-checked")) !== "true") await toggle.click();
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute("aria-checked", "true");

  const email = `marketer-${Date.now()}@example.com`;
  await page.goto("/settings/users");
  await page.getByTestId("invite-email").fill(email);
  await page.getByTestId("invite-role").selectOption("marketer");
  await page.getByTestId("invite-submit").click();
  const link = (await page.getByTestId("invitation-link-value").textContent())!.trim();

  const marketer = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const m = await marketer.newPage();
  await m.goto(link);
  await m.getByLabel(/your name/i).fill("Mara Marketer");
  await m.getByLabel(/password/i).fill("marketer password 1");
  await m.getByRole("button", { name: /set password/i }).click();
  await m.waitForURL(/\/flows/);

  // A flow for every member: a ¥15 coupon.
  const nodes = [
    { id: "start", kind: "schedule_trigger", name: "Tomorrow", config: { schedule: { mode: "once", at: new Date(Date.now() + 86_400_000).toISOString() }, timezone: "Asia/Shanghai", entry: { mode: "all" } } },
    { id: "coupon", kind: "issue_coupon", name: "Spring coupon", config: { template: { mode: "inline", name: "¥15 off", type: "amount", value: 15, minSpend: 0, validDays: 7 } } },
    { id: "done", kind: "exit", name: "Done", config: {} },
  ];
  const edges = [
    { id: "e0", source: "start", branch: "out", target: "coupon" },
    { id: "e1", source: "coupon", branch: "out", target: "done" },
  ];
  const flowName = `E2E approval ${Date.now()}`;
  const flowId = await importFlow(m, flowFile(flowName, nodes, edges));

  // The marketer may not publish directly: the server says so too.
  const refused = await m.request.post("/api/trpc/flows.publish", { data: { json: { id: flowId } }, failOnStatusCode: false });
  expect(refused.status()).toBe(403);
  await expect(m.getByTestId("publish-button")).toHaveText(/Request approval/);
  await m.getByTestId("publish-button").click();
  await m.getByTestId("publish-note").fill("Spring push");
  await m.getByTestId("publish-confirm").click();
  await expect(m.getByTestId("approval-pending")).toContainText("Waiting for approval");
  await expect(m.getByTestId("version-label")).toHaveText("Never published");

  // The admin sees it waiting, reviews it, and a rejection needs a comment.
  await page.goto("/flows");
  await expect(page.getByTestId("approval-queue")).toBeVisible();
  await page.getByTestId("flow-row").filter({ hasText: flowName }).getByTestId("flow-waiting-approval").click();
  await page.waitForURL(new RegExp(`/flows/${flowId}/review$`));
  await expect(page.getByTestId("publish-review")).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("version-diff")).toContainText("Spring coupon");
  await expect(page.getByTestId("review-audience")).toHaveText(/\d/, { timeout: 60_000 });
  await expect(page.getByTestId("review-coupons")).toHaveText(/\d/);
  await page.getByTestId("review-reject").click();
  await expect(page.getByTestId("review-error")).toContainText(/Say why/);
  await page.getByTestId("review-comment-input").fill("Wait for the spring catalogue");
  await page.getByTestId("review-reject").click();
  await expect(page.getByTestId("publish-review")).toHaveAttribute("data-status", "rejected");

  // The marketer reads the decision and its comment, and asks again.
  await m.reload();
  await expect(m.getByTestId("approval-decision")).toContainText("Wait for the spring catalogue");
  await m.getByTestId("publish-button").click();
  await m.getByTestId("publish-confirm").click();
  await expect(m.getByTestId("approval-pending")).toBeVisible();

  // Approval publishes the requested version.
  await page.goto(`/flows/${flowId}/review`);
  await page.getByTestId("review-comment-input").fill("Go");
  await page.getByTestId("review-approve").click();
  await expect(page.getByTestId("publish-review")).toHaveAttribute("data-status", "approved");
  await m.reload();
  await expect(m.getByTestId("version-label")).toHaveText("Live: v1");
  await expect(m.getByTestId("approval-decision")).toHaveAttribute("data-status", "approved");
  await marketer.close();

  await page.goto("/settings/audit");
  await page.getByTestId("audit-search").fill(flowId);
  await page.getByRole("button", { name: "Search" }).click();
  for (const action of ["flow.publish_request", "flow.publish_reject", "flow.publish_approve"]) {
    await expect(page.getByTestId("audit-row").filter({ hasText: action }).first()).toBeVisible();
  }

  // Back off for the other browser tests.
  await page.goto("/settings?tab=publishing");
  await expect(toggle).toBeEnabled();
  await toggle.click();
  await expect(toggle).toBeEnabled();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
});
