import { expect, test } from "@playwright/test";
import { runHook } from "./engine-hook";

// Settings → Tiers as an admin uses it: a bad threshold is refused field by field, a candidate
// program is previewed over the whole base before it is saved, and the member page shows the
// member's growth value, level, its benefits and history.

test("the tier program is checked, previewed over the base, and saved", async ({ page }) => {
  // Settings opens on its first section; the tier program is a tab of its own, with its own address.
  await page.goto("/settings");
  await expect(page.getByTestId("tab-points")).toHaveAttribute("aria-current", "page");
  await page.getByTestId("tab-tiers").click();
  await expect(page).toHaveURL(/\/settings\?tab=tiers$/);
  const section = page.getByTestId("tier-program");
  await expect(section.getByTestId("tier-levels")).toBeVisible();

  // The second level's threshold below the first's: refused in the browser, naming the field.
  const threshold = section.getByTestId("tier-level-1").getByLabel("From growth value");
  const original = await threshold.inputValue();
  await threshold.fill("0");
  await section.getByTestId("tier-preview-run").click();
  await expect(section.getByText("Must be above the level before")).toBeVisible();

  // Put it back and preview: every member lands somewhere, and the counts add up.
  await threshold.fill(original);
  await section.getByTestId("tier-preview-run").click();
  const preview = section.getByTestId("tier-preview");
  await expect(preview).toBeVisible({ timeout: 30_000 });
  await expect(preview).toContainText(/Where [\d,]+ members would land/);
  await expect(section.getByTestId("tier-preview-moves")).toContainText("go up");

  await section.getByTestId("tier-save").click();
  // Exact: the toast's live region briefly repeats the text after "Notification".
  await expect(page.getByText("Tier program saved", { exact: true })).toBeVisible();
});

test("a member's page shows growth value, progress to the next level, the level's benefits and level history", async ({ page }) => {
  const member = (await runHook<string>("member", "1"))!;
  await page.goto("/members/1");
  await expect(page.getByText(member).first()).toBeVisible();
  const growth = page.getByTestId("member-growth");
  await expect(growth).toBeVisible();
  await expect(growth).toContainText("growth value");
  await expect(growth.getByTestId("member-growth-next")).toContainText(/more to reach|Top level/);
  // The level's benefits (the demo levels each have some).
  await expect(growth.getByText("Benefits")).toBeVisible();
  await expect(growth.getByTestId("member-tier-benefits").getByRole("listitem").first()).toBeVisible();
});
