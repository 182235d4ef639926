import { expect, test } from "@playwright/test";

// Tags & badges in the browser: a manual tag is made, added to a saved audience by a bulk change
// whose progress the page follows to the end, and the tag's member count is then the audience's.

test("make a tag and add it to an audience, following the progress", async ({ page }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();

  // An audience of everyone (the empty condition).
  const audience = `Everyone ${stamp}`;
  await page.goto("/audiences/new");
  await page.getByTestId("audience-name").fill(audience);
  await page.getByTestId("audience-save").click();
  await expect(page).toHaveURL(/\/audiences\/(?!new)[^/]+$/, { timeout: 60_000 });
  const size = Number(await page.getByTestId("audience-size").getAttribute("data-size"));
  expect(size).toBeGreaterThan(0);

  await page.goto("/audiences");
  await page.getByTestId("open-tags").click();
  await expect(page.getByRole("heading", { name: "Tags & badges" })).toBeVisible();

  const tag = `E2E ${stamp}`;
  await page.getByTestId("new-tag").click();
  await page.getByLabel("Name").fill(tag);
  await page.getByRole("button", { name: "Create" }).click();
  const row = page.locator(`[data-testid="tag-row"][data-name="${tag}"]`);
  await expect(row.getByTestId("members")).toHaveText("0");

  await row.getByTestId("bulk").click();
  await page.getByTestId("job-audience").click();
  await page.getByRole("option", { name: audience }).click();
  await page.getByTestId("job-start").click();
  const job = page.getByTestId("tag-job").first();
  await expect(job).toContainText(tag);
  await expect(job).toHaveAttribute("data-status", "done", { timeout: 180_000 });
  await expect(row.getByTestId("members")).toHaveText(new Intl.NumberFormat("en-US").format(size), { timeout: 15_000 });
  await page.screenshot({ path: "test-results/tags.png", fullPage: true });
});
