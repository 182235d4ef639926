import { expect, test } from "@playwright/test";

// Settings → Lifecycle as an admin uses it: thresholds out of order are refused field by field,
// the preview shows how many members each stage would hold, saving says every member is being
// re-evaluated; the member page shows the stage, the RFM scores and the stage history.

test("lifecycle thresholds: refused out of order, previewed, saved; the member page shows stage, scores and history", async ({ page }) => {
  await page.goto("/settings?tab=lifecycle");
  const section = page.getByTestId("lifecycle-settings");
  await expect(section.getByTestId("lifecycle-save")).toBeVisible();

  await section.getByLabel("Silent: within (days)").fill("60"); // not more than the 90 active days
  await expect(async () => {
    await section.getByTestId("lifecycle-preview-button").click();
    await expect(section.getByText("Must be more than the active days")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  await section.getByLabel("Silent: within (days)").fill("150");
  await section.getByTestId("lifecycle-preview-button").click();
  const preview = section.getByTestId("lifecycle-preview");
  await expect(preview).toBeVisible();
  for (const stage of ["new", "active", "silent", "churn_risk", "churned"]) await expect(preview.getByTestId(`lifecycle-preview-${stage}`)).toHaveText(/\d/);

  await section.getByTestId("lifecycle-save").click();
  // Exact: the toast's live region briefly repeats the text after "Notification".
  await expect(page.getByText("Lifecycle settings saved: every member is being re-evaluated", { exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("lifecycle-settings").getByLabel("Silent: within (days)")).toHaveValue("150");

  await page.goto("/members/1");
  const card = page.getByTestId("member-lifecycle");
  await expect(card).toBeVisible();
  await expect(card.getByTestId("member-rfm-recency")).toContainText(/[1-5]/);
  await expect(card.getByText("No stage change yet.").or(card.getByTestId("member-lifecycle-change").first())).toBeVisible();
});
