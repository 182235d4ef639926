import { expect, type Page } from "@playwright/test";

// A flow file as the UI's import reads it (the format of `npm run flows -- export`), for browser
// tests that start from a known flow.
type Node = { id: string; kind: string; name: string; config: unknown };
type Edge = { id: string; source: string; branch: string; target: string };

export const flowFile = (name: string, nodes: Node[], edges: Edge[]) => ({
  format: "memberflow.flow",
  formatVersion: 1,
  name,
  description: "",
  definition: {
    nodes,
    edges,
    settings: { timezone: "Asia/Shanghai", reEntry: { mode: "once" }, frequencyCaps: {}, quietHours: null, sendRateLimits: {}, goal: null, conversionWindowDays: 7 },
  },
  layout: {},
});

/** The file as the import input takes it. */
export const flowUpload = (file: ReturnType<typeof flowFile>) => ({ name: "flow.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });

/**
 * Opens /flows and imports the file, landing on the new flow's page. A file chosen before the
 * list has hydrated is not seen by it, so it is chosen again until the import navigates.
 */
export async function importFlow(page: Page, file: ReturnType<typeof flowFile>): Promise<string> {
  await page.goto("/flows");
  const upload = flowUpload(file);
  await expect(async () => {
    await page.getByTestId("import-input").setInputFiles(upload);
    await page.waitForURL(/\/flows\/[^/]+$/, { timeout: 10_000 });
  }).toPass({ timeout: 60_000 });
  return new URL(page.url()).pathname.split("/").pop()!;
}
