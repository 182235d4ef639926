import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";

// The members list as a CRM tool: sort by a column (in SQL, in the URL), filter by a tag, export
// exactly the filtered list to CSV, and page through a member's orders and whole timeline.

const totalOf = async (page: Page) => Number((await page.getByTestId("members-total").textContent())!.replace(/\D/g, ""));
const money = (text: string) => Number(text.replace(/[^\d.]/g, ""));

test("sort by spend, filter by a tag, export the filtered list", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/members");
  await expect(page.getByTestId("member-row").first()).toBeVisible({ timeout: 60_000 });
  const everyone = await totalOf(page);

  // Sort: the first click puts the biggest spenders first, the second the smallest.
  await page.getByTestId("sort-spend").click();
  await expect(page).toHaveURL(/sort=spend&dir=desc/);
  await expect(page.getByRole("columnheader", { name: /Spend/ })).toHaveAttribute("aria-sort", "descending");
  const spendColumn = page.getByTestId("member-row").locator("td:nth-child(6)");
  await expect.poll(async () => {
    const spend = (await spendColumn.allTextContents()).map(money);
    return spend.length > 1 && spend.every((v, i) => i === 0 || spend[i - 1]! >= v);
  }).toBe(true);
  await page.getByTestId("sort-spend").click();
  await expect(page).toHaveURL(/sort=spend&dir=asc/);
  await expect.poll(async () => {
    const spend = (await spendColumn.allTextContents()).map(money);
    return spend.every((v, i) => i === 0 || spend[i - 1]! <= v);
  }).toBe(true);

  // Filter by one tag: fewer members, the sort kept; the view survives a reload.
  await page.getByRole("button", { name: "Tags" }).click();
  await page.getByRole("dialog").getByRole("option").first().click();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/tag=\d+/);
  await expect(page).toHaveURL(/sort=spend&dir=asc/);
  await expect.poll(() => totalOf(page)).toBeLessThan(everyone);
  const filtered = await totalOf(page);
  expect(filtered).toBeGreaterThan(0);
  await page.reload();
  await expect.poll(() => totalOf(page)).toBe(filtered);

  // Export: the file has one line per member of the filtered list, after the header.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const file = await (await download).path();
  await expect(page.getByTestId("members-export-done")).toHaveText(`Exported ${filtered.toLocaleString("en-US")} members`);
  const csv = await readFile(file!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).split("\r\n").filter(Boolean);
  expect(lines[0]).toMatch(/^Member ID,Name,Phone/);
  expect(lines.length - 1).toBe(filtered);
  const firstRowId = await page.getByTestId("member-row").first().locator(".font-mono").textContent();
  expect(lines[1]!.split(",")[0]).toBe(firstRowId);
});

test("page through all of a member's orders and the whole timeline", async ({ page }) => {
  test.setTimeout(180_000);
  // The member with the most orders is first when sorting by orders.
  await page.goto("/members?sort=orders&dir=desc");
  await page.getByTestId("member-row").first().getByRole("link").click();
  await expect(page).toHaveURL(/\/members\/\d+$/);
  const orders = page.getByTestId("member-orders");
  const total = Number((await orders.getByTestId("member-orders-total").textContent())!.replace(/\D/g, ""));
  expect(total).toBeGreaterThan(10);
  const lastPage = Math.ceil(total / 10);
  await orders.getByRole("button", { name: `Page ${lastPage}` }).click();
  await expect(orders.getByTestId("member-order")).toHaveCount(total - (lastPage - 1) * 10);
  await expect(orders.getByText(`${(lastPage - 1) * 10 + 1}–${total} of ${total}`)).toBeVisible();

  const timeline = page.getByTestId("member-timeline");
  await expect(timeline.locator("li")).toHaveCount(30);
  await page.getByRole("button", { name: "Show older" }).click();
  await expect(timeline.locator("li")).toHaveCount(60);
  await expect(page.getByTestId("member-timeline-count")).toHaveText(/^60 of [\d,]+$/);
  // Nothing raw: points entries and tier changes read as words.
  await expect(timeline.locator("li[data-kind=points]").first()).toContainText(/Points · (Earned|Redeemed|Expired|Adjusted)/);
  await expect(timeline).not.toContainText("order:O");
});
