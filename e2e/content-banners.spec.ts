import { deflateSync } from "node:zlib";
import { expect, test, type Locator, type Page } from "@playwright/test";

// The banner library as a marketer uses it: a placement added to the managed list, a creative
// made from an uploaded image (a renamed text file refused on the field), a bad link said on its
// field, the preview drawn in the placement's frame, and the image served to storefronts.

/** A real PNG (a gradient) of the given size. */
function png(width: number, height: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    Buffer.concat([Buffer.from(type, "ascii"), data]).copy(out, 4);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set([Math.round((255 * x) / width), 90, Math.round((255 * y) / height)], y * row + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/**
 * Opens a sheet by clicking what opens it; retried while the page is still hydrating, and when a
 * click just after the previous sheet closed did not open the next (seen rarely, under load).
 */
async function open(page: Page, trigger: string | Locator, form: string) {
  await expect(async () => {
    if (!(await page.getByTestId(form).isVisible())) await (typeof trigger === "string" ? page.getByTestId(trigger) : trigger).click({ timeout: 5_000 });
    await expect(page.getByTestId(form)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  return page.getByTestId(form);
}

test("a creative made from an uploaded image is previewed in its placement's frame", async ({ page, request }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const placementId = `e2e_${stamp}`;
  const name = `E2E spring sale ${stamp}`;
  await page.goto("/content?tab=banners");
  await expect(page.getByTestId("placement-app_home_top")).toContainText("750×300");

  // A placement of the managed list: id, names, size, surface.
  const placementForm = await open(page, "new-placement", "placement-form");
  await placementForm.getByTestId("pl-id").fill(placementId);
  await placementForm.getByTestId("pl-name").fill("E2E 首页横幅");
  await placementForm.getByTestId("pl-name-en").fill("E2E home strip");
  await placementForm.getByTestId("pl-width").fill("8");
  await placementForm.getByTestId("pl-save").click();
  await expect(placementForm.getByTestId("placement-error-width")).toHaveText("At least 16 px");
  await placementForm.getByTestId("pl-width").fill("600");
  await placementForm.getByTestId("pl-height").fill("300");
  await placementForm.getByTestId("pl-save").click();
  await expect(placementForm).toBeHidden();
  await expect(page.getByTestId(`placement-${placementId}`)).toContainText("600×300");

  const form = await open(page, "new-creative", "creative-form");
  // A text file named like a PNG is refused on the image field; nothing is stored.
  await form.getByTestId("cr-file").setInputFiles({ name: "banner.png", mimeType: "image/png", buffer: Buffer.from("just some text, not an image\n") });
  await expect(form.getByTestId("error-image")).toHaveText("That file is not a PNG, JPEG, WebP or GIF image");

  await form.getByTestId("cr-file").setInputFiles({ name: "spring-sale.png", mimeType: "image/png", buffer: png(1200, 600) });
  await expect(form.getByTestId("cr-upload-info")).toContainText("1200×600 · PNG");
  await expect(form.getByTestId("error-image")).toBeHidden();
  await form.getByTestId("cr-placement").click();
  await page.getByTestId(`cr-placement-${placementId}`).click();
  await form.getByTestId("cr-name").fill(name);
  await form.getByTestId("cr-title").fill("Spring sale: 20% off");
  await form.getByTestId("cr-link").fill("javascript:alert(1)");
  await form.getByTestId("cr-save").click();
  await expect(form.getByTestId("error-link")).toHaveText("Use an https:// address or an app path starting with /");

  // The preview: the image inside a frame of the placement's shape, the title on it, the link under it.
  const preview = form.getByTestId("banner-preview");
  await expect(preview.getByTestId("banner-frame")).toHaveAttribute("data-ratio", "2.000");
  await expect(preview).toContainText("E2E home strip");
  await expect(preview.getByTestId("banner-preview-size")).toHaveText("600×300");
  await expect(preview.getByTestId("banner-preview-title")).toHaveText("Spring sale: 20% off");
  await expect.poll(() => preview.getByTestId("banner-preview-image").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
  const box = (await preview.getByTestId("banner-frame").boundingBox())!;
  expect(box.width / box.height).toBeCloseTo(2, 1);
  await expect(form.getByTestId("cr-fit-cropped")).toBeHidden();

  await form.getByTestId("cr-link").fill("/coupons?from=banner");
  await expect(preview.getByTestId("banner-preview-link")).toHaveText("Opens /coupons?from=banner");
  await form.getByTestId("cr-save").click();
  await expect(form).toBeHidden();

  // In the list: previewed in its frame, no figures yet.
  const card = page.getByTestId(`creative-${name}`);
  await expect(card).toContainText("E2E home strip · 600×300 · 7 days from showing");
  await expect(card.getByTestId("creative-figure-shown")).toHaveText("0");
  await expect(card.getByTestId("creative-figure-clickRate")).toHaveText("—");
  const src = (await card.getByTestId("banner-preview-image").getAttribute("src"))!;
  expect(src).toMatch(/^\/api\/content\/images\/img_[a-f0-9]{24}$/);
  await expect(page.getByTestId(`placement-${placementId}`).locator("td").nth(4)).toHaveText("1");

  // Storefronts load the bytes as an image, cached for good.
  const served = await request.get(src);
  expect(served.status()).toBe(200);
  expect(served.headers()["content-type"]).toBe("image/png");
  expect(served.headers()["x-content-type-options"]).toBe("nosniff");
  expect(served.headers()["cache-control"]).toContain("immutable");
  expect((await served.body()).subarray(1, 4).toString()).toBe("PNG");
  expect((await request.get("/api/content/images/img_000000000000000000000000")).status()).toBe(404);

  // Moved to a tall pop-up, the preview takes that frame and says the image will be cropped.
  const edit = await open(page, card, "creative-form");
  await expect(edit.getByTestId("cr-name")).toHaveValue(name);
  await edit.getByTestId("cr-placement").click();
  await page.getByTestId("cr-placement-app_home_popup").click();
  await expect(edit.getByTestId("banner-frame")).toHaveAttribute("data-ratio", "0.750");
  await expect(edit.getByTestId("cr-fit-cropped")).toContainText("1200×600");

  // Archived (unsaved move discarded): the creative and its placement leave the default lists.
  await edit.getByTestId("cr-archive").click();
  await expect(edit).toBeHidden();
  await expect(card).toBeHidden();
  await page.getByTestId("creatives-show-archived").click();
  await expect(card).toContainText("Archived");
  await page.getByTestId(`placement-${placementId}`).click();
  await page.getByTestId("pl-archive").click();
  await expect(page.getByTestId("placement-form")).toBeHidden();
  await expect(page.getByTestId(`placement-${placementId}`)).toBeHidden();
});
