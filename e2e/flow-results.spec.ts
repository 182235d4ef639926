import { expect, test } from "@playwright/test";
import { runHook } from "./engine-hook";
import { flowFile, importFlow } from "./flow-file";

// A flow's results: a holdout split run for 40 members; the Results sheet splits them into the
// treated and the holdout, and only the treated got the flow's coupon.

const flowNodes = [
  { id: "start", kind: "manual_trigger", name: "Run by hand", config: {} },
  { id: "split", kind: "random_split", name: "Hold out half", config: { buckets: [{ id: "treated", name: "Treated", percent: 50 }], holdout: { percent: 50 } } },
  { id: "coupon", kind: "issue_coupon", name: "E2E results coupon", config: { template: { mode: "inline", name: "E2E ¥5 off", type: "amount", value: 5, minSpend: 0, validDays: 7 } } },
  { id: "out", kind: "exit", name: "Leave", config: {} },
];
const flowEdges = [
  { id: "e0", source: "start", branch: "out", target: "split" },
  { id: "e1", source: "split", branch: "treated", target: "coupon" },
  { id: "e2", source: "split", branch: "control", target: "coupon" },
  { id: "e3", source: "coupon", branch: "out", target: "out" },
];

test("the results sheet splits a run into treated and holdout, and counts the coupons only the treated got", async ({ page }) => {
  test.setTimeout(120_000);
  const flowId = await importFlow(page, flowFile(`E2E results ${Date.now()}`, flowNodes, flowEdges));
  // Never published: nothing to show results of.
  await expect(page.getByTestId("results-button")).toHaveCount(0);
  await page.getByTestId("publish-button").click();
  await page.getByTestId("publish-confirm").click();
  await expect(page.getByTestId("version-label")).toHaveText("Live: v1");

  const members = await runHook<number[]>("pick", flowId, "40");
  await runHook("run", flowId, members.join(","));
  const coupons = await runHook<number>("coupons", flowId);
  expect(coupons).toBeGreaterThan(0);
  expect(coupons).toBeLessThan(40);

  await page.getByTestId("results-button").click();
  const sheet = page.getByTestId("results-sheet");
  const treated = sheet.getByTestId("results-arm-treatment").locator("td").nth(1);
  const holdout = sheet.getByTestId("results-arm-control").locator("td").nth(1);
  await expect(treated).toHaveText(String(coupons));
  await expect(holdout).toHaveText(String(40 - coupons));
  await expect(sheet.getByTestId("results-totals")).toContainText("40");
  await expect(sheet.getByTestId("results-coupons")).toContainText(`Issued${coupons}`);
  await expect(sheet.getByTestId("results-ends")).toContainText("At an exit40");
  // The attribution window is the flow's conversion window until another is chosen.
  await expect(sheet.getByTestId("results-window")).toContainText("days after entry");
});
