import { expect, test } from "@playwright/test";

// Insights on the demo base. Overview: a segment (a lifecycle stage) → its members → a static
// audience → a new flow. Compare groups: two tiers on the radar, their sizes as the overview counts
// them. Frequency movement: the Sankey renders, a movement (A band → B band) is picked from the
// table beside the chart, its members are listed, saved as a static audience, and "Target in a new
// flow" opens the builder with that audience in the schedule trigger.

test("overview: a lifecycle stage → members → audience → new flow", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/results");
  await expect(page.getByRole("heading", { name: "Insights" })).toBeVisible();
  await expect(page.getByTestId("overview-kpi-orders")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("overview-chart-orders").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("overview-stage-chart").locator("canvas")).toBeVisible();
  const total = Number(await page.getByTestId("overview-summary").getAttribute("data-total"));
  expect(total).toBeGreaterThan(0);

  const silent = page.getByTestId("overview-segment-stage-silent");
  const count = Number(await silent.getAttribute("data-count"));
  expect(count).toBeGreaterThan(0);
  await silent.click();
  await expect(page.getByTestId("overview-selection-title")).toContainText(`Lifecycle stage: Silent · ${count.toLocaleString("en-US")} members`);
  await expect(page.getByTestId("overview-member-row").first()).toBeVisible();
  expect(await page.getByTestId("overview-member-row").count()).toBe(Math.min(20, count));

  const name = `Silent members ${Date.now()}`;
  await page.getByTestId("overview-save").click();
  await page.getByTestId("overview-audience-name").fill(name);
  await page.getByTestId("overview-save-submit").click();
  await expect(page.getByText(`Saved “${name}” with ${count.toLocaleString("en-US")} members`, { exact: true })).toBeVisible();

  await page.getByTestId("overview-target").click();
  await page.waitForURL(/\/flows\/[^/]+$/, { timeout: 60_000 });
  await expect(page.getByTestId("flow-node-start")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("flow-node-start")).toContainText(name);
});

test("compare groups: two tiers on the radar with their sizes", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/results");
  // The overview counts members by tier; the radar must find the same groups.
  await expect(page.getByTestId("overview-segment-tier-bronze")).toBeVisible({ timeout: 60_000 });
  const bronze = Number(await page.getByTestId("overview-segment-tier-bronze").getAttribute("data-count"));
  const gold = Number(await page.getByTestId("overview-segment-tier-gold").getAttribute("data-count"));

  await page.getByTestId("insights-tab-radar").click();
  await page.getByTestId("radar-group-value-0").selectOption("bronze");
  await page.getByTestId("radar-group-value-1").selectOption("gold");
  await page.getByTestId("radar-compare").click();
  await expect(page.getByTestId("radar-chart").locator("canvas")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("radar-group-0")).toContainText("Tier: Bronze");
  await expect(page.getByTestId("radar-group-1")).toContainText("Tier: Gold");
  await expect(page.getByTestId("radar-size-0")).toHaveAttribute("data-size", String(bronze));
  await expect(page.getByTestId("radar-size-1")).toHaveAttribute("data-size", String(gold));
  await expect(page.getByTestId("radar-size-1")).toHaveText(gold.toLocaleString("en-US"));
  await expect(page.getByTestId("radar-table")).toContainText("Coupon redemption rate");

  // A group's members, as a chart selection.
  await page.getByTestId("radar-group-1").click();
  await expect(page.getByTestId("radar-selection-title")).toContainText(`Tier: Gold · ${gold.toLocaleString("en-US")} members`);
  await expect(page.getByTestId("radar-member-row").first()).toContainText("Gold");
});

test("frequency Sankey: link → members → audience → new flow", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/results");
  await expect(page.getByRole("heading", { name: "Insights" })).toBeVisible();
  await page.getByTestId("insights-tab-frequency").click();
  await expect(page.getByTestId("frequency-sankey").locator("canvas")).toBeVisible({ timeout: 60_000 });
  const summary = page.getByTestId("frequency-summary");
  const total = Number(await summary.getAttribute("data-total"));
  expect(total).toBeGreaterThan(0);
  await expect(page.getByTestId("frequency-readings").locator("li").first()).toContainText(/members who ordered .* (fell|rose) to/);

  // The biggest movement between two different bands that has members: the table's links.
  const links = page.locator("[data-testid^=movement-link-]");
  await expect(links.first()).toBeVisible();
  const ids = await links.evaluateAll((els) => els.map((e) => ({ id: e.getAttribute("data-testid")!, count: Number(e.getAttribute("data-count")) })));
  const moved = ids.filter(({ id }) => {
    const [, , a, b] = id.split("-");
    return a !== b;
  });
  expect(moved.length).toBeGreaterThan(0);
  const pick = moved.sort((x, y) => y.count - x.count)[0]!;
  await page.getByTestId(pick.id).click();

  const selection = page.getByTestId("frequency-selection");
  await expect(selection).toBeVisible();
  await expect(page.getByTestId("frequency-selection-title")).toContainText(`${pick.count.toLocaleString("en-US")} members`);
  await expect(page.getByTestId("frequency-member-row").first()).toBeVisible();
  expect(await page.getByTestId("frequency-member-row").count()).toBe(Math.min(20, pick.count));

  // Save as a static audience.
  const name = `Sankey movers ${Date.now()}`;
  await page.getByTestId("frequency-save").click();
  await page.getByTestId("frequency-audience-name").fill(name);
  await page.getByTestId("frequency-save-submit").click();
  await expect(page.getByText(`Saved “${name}” with ${pick.count.toLocaleString("en-US")} members`, { exact: true })).toBeVisible();

  // Target it in a new flow: the builder opens with the audience in the trigger.
  await page.getByTestId("frequency-target").click();
  await page.waitForURL(/\/flows\/[^/]+$/, { timeout: 60_000 });
  await expect(page.getByTestId("flow-node-start")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("flow-node-start")).toContainText(name);
});

test("frequency Sankey: a band in period B and custom bands", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/results");
  await page.getByTestId("insights-tab-frequency").click();
  await expect(page.getByTestId("frequency-sankey").locator("canvas")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("frequency-bands").fill("0, 3");
  await page.getByTestId("frequency-apply").click();
  await expect(page.getByTestId("band-b-1")).toContainText("B · 3+");
  await page.getByTestId("band-b-1").click();
  await expect(page.getByTestId("frequency-selection-title")).toContainText("B · 3+");
  const first = page.getByTestId("frequency-member-row").first();
  await expect(first).toBeVisible();
  expect(Number(await first.locator("td").nth(5).innerText())).toBeGreaterThanOrEqual(3);
  // Invalid bands cannot be applied.
  await page.getByTestId("frequency-bands").fill("1, 0");
  await expect(page.getByTestId("frequency-apply")).toBeDisabled();
});
