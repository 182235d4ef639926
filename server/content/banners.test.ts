// The banner library on a real PostgreSQL and a real disk: uploads are checked on their bytes,
// measured and stored; placements and creatives keep their references sound; archived items keep
// working for flows; the figures agree with independent SQL.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, runnerFor, type Pool } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { flowDraft, publishDraft } from "@/server/flows/build";
import { publishFlow, saveDraft } from "@/server/flows/service";
import { creativeInput, maxImageBytes, placementInput, type CreativeInput } from "./banner-schema";
import {
  createCreative,
  createPlacement,
  creativeFigures,
  creativeImagePath,
  creativesForIssue,
  flowsUsingCreatives,
  getCreative,
  listCreatives,
  listPlacements,
  setCreativeArchived,
  setPlacementArchived,
  updateCreative,
  updatePlacement,
} from "./banners";
import { checkImage, readImage, saveImage } from "./images";
import { LocalDiskStore, assertSafeKey } from "./storage";

let t: TestDatabase;
let pool: Pool;
let dir: string;
let store: LocalDiskStore;

/** A real PNG of the given size (one grey RGB row per line), built the way the format says. */
function png(width: number, height: number, pad = 0): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 3 + 1) * height, 0x80);
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw))];
  if (pad > 0) parts.push(chunk("tEXt", Buffer.alloc(pad, 0x41)));
  parts.push(chunk("IEND", Buffer.alloc(0)));
  return new Uint8Array(Buffer.concat(parts));
}
/** A GIF's header and logical screen: what a reader measures. */
const gif = (width: number, height: number) => {
  const b = Buffer.alloc(13 + 3 * 2 + 11 + 1);
  b.write("GIF89a", 0, "ascii");
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return new Uint8Array(b);
};

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof DomainError ? (error.details as { field: string; reason: string }) : error;
  }
  return null;
};
async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: (error.details as { field?: string } | undefined)?.field };
    throw error;
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  dir = await mkdtemp(path.join(tmpdir(), "memberflow-uploads-"));
  store = new LocalDiskStore(dir);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('silver', '银卡', 'Silver', 1, 0)`);
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) SELECT 'M-' || i, '会员' || i, now(), 'app', 'silver' FROM generate_series(1, 30) i`);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

const count = async (text: string, values: unknown[] = []) => Number((await t.pool.query(text, values)).rows[0].n);

describe("uploads", () => {
  it("refuse a text file renamed to .png, an empty file, an oversize file and a damaged image, on the field `file`", () => {
    expect(reason(() => checkImage(new TextEncoder().encode("hello, not an image\n")))).toEqual({ field: "file", reason: "unsupported_type" });
    expect(reason(() => checkImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')))).toEqual({ field: "file", reason: "unsupported_type" });
    expect(reason(() => checkImage(new Uint8Array()))).toEqual({ field: "file", reason: "missing" });
    const big = png(10, 10, maxImageBytes);
    expect(big.length).toBeGreaterThan(maxImageBytes);
    expect(reason(() => checkImage(big))).toEqual({ field: "file", reason: "too_large" });
    // A PNG signature in front of nothing that reads as a PNG.
    expect(reason(() => checkImage(png(10, 10).slice(0, 12)))).toEqual({ field: "file", reason: "unreadable" });
    expect(reason(() => checkImage(gif(9000, 10)))).toEqual({ field: "file", reason: "too_many_pixels" });
  });

  it("records type, dimensions, size and hash, stores the bytes, and answers the same image for the same bytes", async () => {
    const bytes = png(750, 300);
    const saved = await saveImage(t.db, bytes, { originalName: "hero\u0000.png", actor: "marketer@example.com", store });
    expect(saved).toMatchObject({ contentType: "image/png", width: 750, height: 300, bytes: bytes.length, originalName: "hero.png", url: `/api/content/images/${saved.id}` });
    const [row] = (await t.pool.query(`SELECT content_type, width, height, bytes, sha256, storage_key, created_by FROM content_images WHERE id = $1`, [saved.id])).rows;
    expect(row).toMatchObject({ content_type: "image/png", width: 750, height: 300, bytes: bytes.length, created_by: "marketer@example.com" });
    expect(row.sha256).toBe((await import("node:crypto")).createHash("sha256").update(bytes).digest("hex"));
    expect(await count(`SELECT count(*) AS n FROM audit_logs WHERE action = 'content_image.upload' AND entity_id = $1`, [saved.id])).toBe(1);

    const read = await readImage(t.db, saved.id, store);
    expect(read?.contentType).toBe("image/png");
    expect(Buffer.from(read!.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect((await saveImage(t.db, bytes, { store })).id).toBe(saved.id);
    expect(await count(`SELECT count(*) AS n FROM content_images WHERE sha256 = $1`, [row.sha256])).toBe(1);

    const other = await saveImage(t.db, gif(600, 800), { store });
    expect(other).toMatchObject({ contentType: "image/gif", width: 600, height: 800 });
    expect(await readImage(t.db, "img_000000000000000000000000", store)).toBeNull();
    expect(await readImage(t.db, "../../etc/passwd", store)).toBeNull();
  });

  it("keeps blob keys inside the store's root", async () => {
    for (const key of ["../outside.png", "images/../../x", "/etc/passwd", "images\\x.png", "images/.hidden/..", "", "images//x"]) {
      expect(() => assertSafeKey(key), key).toThrow(/Unsafe blob key/);
      await expect(store.put(key, new Uint8Array([1]), "image/png"), key).rejects.toThrow(/Unsafe blob key/);
    }
    expect(await readdir(path.dirname(dir))).not.toContain("outside.png");
  });
});

describe("placements", () => {
  it("lists the seeded placements with their sizes", async () => {
    const placements = await listPlacements(t.db);
    expect(placements.map((p) => [p.id, p.width, p.height]).sort()).toEqual([
      ["app_home_popup", 600, 800],
      ["app_home_top", 750, 300],
      ["member_center", 690, 240],
      ["miniprogram_home_top", 750, 320],
      ["web_home_top", 1200, 400],
    ]);
    expect(placements).toHaveLength(5);
  });

  it("creates, refuses a taken id on its field, edits all but the id, and audits each change", async () => {
    const input = { id: "web_cart_side", name: "购物车侧栏", nameEn: "Cart sidebar", width: 300, height: 600, surface: "web" as const };
    const created = await createPlacement(t.db, input, { actor: "m@example.com" });
    expect(created).toMatchObject({ ...input, description: "", archivedAt: null });
    expect(await refusal(createPlacement(t.db, input))).toEqual({ code: "conflict", field: "id" });
    await updatePlacement(t.db, "web_cart_side", { ...input, width: 320, description: "Right of the cart" });
    expect((await listPlacements(t.db)).find((p) => p.id === "web_cart_side")).toMatchObject({ width: 320, description: "Right of the cart" });
    expect(await refusal(updatePlacement(t.db, "nope_missing", input))).toEqual({ code: "not_found", field: undefined });
    const actions = (await t.pool.query(`SELECT action, details FROM audit_logs WHERE entity_type = 'banner_placement' AND entity_id = 'web_cart_side' ORDER BY id`)).rows;
    expect(actions.map((a) => a.action)).toEqual(["banner_placement.create", "banner_placement.update"]);
    expect(actions[1].details.changed.sort()).toEqual(["description", "width"]);
  });

  it("report the form's mistakes on their fields", () => {
    const issues = (raw: unknown) => placementInput.safeParse(raw).error?.issues.map((i) => i.path.join(".")) ?? [];
    const ok = { id: "app_splash", name: "启动页", nameEn: "Splash", width: 750, height: 1334, surface: "app" };
    expect(issues(ok)).toEqual([]);
    expect(issues({ ...ok, id: "App-Splash" })).toEqual(["id"]);
    expect(issues({ ...ok, width: 8 })).toEqual(["width"]);
    expect(issues({ ...ok, height: 10_000.5 })).toEqual(["height"]);
    expect(issues({ ...ok, name: " " })).toEqual(["name"]);
    expect(issues({ ...ok, surface: "tv" })).toEqual(["surface"]);
  });
});

describe("creatives", () => {
  let imageId: string;
  const creative = (over: Partial<CreativeInput> = {}): CreativeInput => ({
    name: "Double points week",
    placementId: "app_home_top",
    image: { kind: "upload", imageId },
    title: "Double points all week",
    link: "/points",
    validity: { kind: "days", days: 7 },
    ...over,
  });

  beforeAll(async () => {
    imageId = (await saveImage(t.db, png(1500, 600), { store })).id;
  });

  it("report form mistakes on their fields", () => {
    const issues = (raw: unknown) => creativeInput.safeParse(raw).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(issues(creative())).toEqual([]);
    expect(issues(creative({ link: "javascript:alert(1)" }))).toEqual(["link"]);
    expect(issues(creative({ link: "http://shop.example.com" }))).toEqual(["link"]);
    expect(issues(creative({ link: "https://shop.example.com/sale" }))).toEqual([]);
    expect(issues(creative({ image: { kind: "url", url: "http://cdn.example.com/a.png" } }))).toEqual(["image.url"]);
    expect(issues(creative({ title: "" }))).toEqual(["title"]);
    expect(issues(creative({ validity: { kind: "range", from: "2026-12-10T00:00:00Z", to: "2026-12-01T00:00:00Z" } }))).toEqual(["validity.to"]);
    expect(issues(creative({ validity: { kind: "range", from: "0000-01-01T00:00:00Z", to: "2026-12-01T00:00:00Z" } }))).toEqual(["validity.from"]);
    expect(issues(creative({ validity: { kind: "days", days: 0 } }))).toEqual(["validity.days"]);
  });

  it("refuses an unknown placement or image on its field, and a new creative for an archived placement", async () => {
    expect(await refusal(createCreative(t.db, creative({ placementId: "no_such_place" })))).toEqual({ code: "invalid", field: "placementId" });
    expect(await refusal(createCreative(t.db, creative({ image: { kind: "upload", imageId: "img_ffffffffffffffffffffffff" } })))).toEqual({ code: "invalid", field: "image" });
    await createPlacement(t.db, { id: "old_corner", name: "旧角标", nameEn: "Old corner", width: 200, height: 200, surface: "app" });
    await setPlacementArchived(t.db, "old_corner", true);
    expect(await refusal(createCreative(t.db, creative({ placementId: "old_corner" })))).toEqual({ code: "archived", field: "placementId" });
    await setPlacementArchived(t.db, "old_corner", false);
  });

  it("stores an upload or an https image with its validity, and says which path an issued banner stores", async () => {
    const { id } = await createCreative(t.db, creative(), { actor: "m@example.com" });
    const listed = await getCreative(t.db, id);
    expect(listed).toMatchObject({ placementId: "app_home_top", imageId, imageUrl: null, imageSrc: `/api/content/images/${imageId}`, validity: { kind: "days", days: 7 }, status: "running" });
    expect(listed.image).toMatchObject({ width: 1500, height: 600 });
    expect(listed.placement).toMatchObject({ width: 750, height: 300 });

    const external = await createCreative(t.db, creative({ name: "Sale", image: { kind: "url", url: "https://cdn.example.com/sale.jpg" }, validity: { kind: "range", from: "2099-01-01T00:00:00+08:00", to: "2099-01-08T00:00:00+08:00" } }));
    const row = await getCreative(t.db, external.id);
    expect(row).toMatchObject({ imageId: null, imageSrc: "https://cdn.example.com/sale.jpg", status: "scheduled", validity: { kind: "range", from: "2098-12-31T16:00:00.000Z", to: "2099-01-07T16:00:00.000Z" } });
    expect(creativeImagePath(row)).toBe("https://cdn.example.com/sale.jpg");

    const { changed } = await updateCreative(t.db, external.id, creative({ name: "Sale", image: { kind: "upload", imageId }, validity: { kind: "days", days: 3 } }));
    expect(changed.sort()).toEqual(["imageId", "imageUrl", "validDays", "validFrom", "validTo"]);
    expect(await getCreative(t.db, external.id)).toMatchObject({ imageSrc: `/api/content/images/${imageId}`, validity: { kind: "days", days: 3 } });
    expect(await count(`SELECT count(*) AS n FROM audit_logs WHERE entity_type = 'banner_creative' AND entity_id = $1`, [external.id])).toBe(2);
  });

  it("archived (creative or placement), it leaves the lists but stays editable and issuable where flows use it", async () => {
    await createPlacement(t.db, { id: "app_side_card", name: "侧卡", nameEn: "Side card", width: 400, height: 200, surface: "app" });
    const { id } = await createCreative(t.db, creative({ name: "Side", placementId: "app_side_card" }));
    await setPlacementArchived(t.db, "app_side_card", true);
    await setCreativeArchived(t.db, id, true);
    expect((await listPlacements(t.db)).some((p) => p.id === "app_side_card")).toBe(false);
    expect((await listPlacements(t.db, { archived: true })).find((p) => p.id === "app_side_card")?.archivedAt).not.toBeNull();
    expect((await listCreatives(t.db)).some((c) => c.id === id)).toBe(false);
    expect((await listCreatives(t.db, { archived: true })).find((c) => c.id === id)?.archivedAt).not.toBeNull();
    // Its own placement, though archived, is still allowed on an edit.
    await updateCreative(t.db, id, creative({ name: "Side", placementId: "app_side_card", title: "Renamed" }));
    const issue = (await creativesForIssue(runnerFor(pool), [id])).get(id);
    expect(issue).toMatchObject({ placement: "app_side_card", imageUrl: `/api/content/images/${imageId}`, title: "Renamed", link: "/points", validDays: 7 });
    await setCreativeArchived(t.db, id, false);
    expect((await listCreatives(t.db, { placementId: "app_side_card" })).map((c) => c.id)).toEqual([id]);
  });

  it("lists the flows whose draft or live version shows it, inline banners under their flow's own creative", async () => {
    const { id } = await createCreative(t.db, creative({ name: "In a flow" }));
    const node = (config: object) => ({ nodes: [{ id: "start", kind: "manual_trigger", config: {} }, { id: "b", kind: "show_banner", config }], edges: [] });
    await t.db.flow.create({ data: { name: "Alpha picks it", draft: node({ banner: { mode: "existing", id } }) } });
    await t.db.flow.create({ data: { name: "Beta picks it too", draft: node({ banner: { mode: "existing", id } }) } });
    const inline = await t.db.flow.create({ data: { name: "Gamma has its own", draft: node({ banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://x.example/a.png", title: "t", link: "/", validDays: 7 } }) } });
    await t.db.flow.create({ data: { name: "Broken draft", draft: { nodes: "oops" } } });
    const flows = await flowsUsingCreatives(t.db);
    expect(flows.get(id)?.map((f) => f.name)).toEqual(["Alpha picks it", "Beta picks it too"]);
    expect(flows.get(`flow_${inline.id}_b`)?.map((f) => f.name)).toEqual(["Gamma has its own"]);
    expect((await getCreative(t.db, id)).flows.map((f) => f.name)).toEqual(["Alpha picks it", "Beta picks it too"]);
  });

  it("an inline banner is its flow's own creative from publish, follows the node on republish, and is edited in the flow only", async () => {
    const draft = (title: string) =>
      flowDraft(
        [
          { id: "start", kind: "manual_trigger", config: {} },
          { id: "b", kind: "show_banner", config: { banner: { mode: "inline", placement: "app_home_top", imageUrl: "https://cdn.example.com/a.png", title, link: "/sale", validDays: 3 } } },
        ],
        ["start>b"],
      );
    const { flowId } = await publishDraft(t.db, "Inline banner flow", draft("Winter sale"));
    const id = `flow_${flowId}_b`;
    expect(await getCreative(t.db, id)).toMatchObject({ title: "Winter sale", sourceFlowId: flowId, placementId: "app_home_top" });
    await saveDraft(t.db, { id: flowId, draft: draft("Winter sale, last days"), layout: {} });
    await publishFlow(t.db, { id: flowId });
    const synced = await getCreative(t.db, id);
    expect(synced).toMatchObject({ title: "Winter sale, last days" });
    const asForm = creative({ name: synced.name, image: { kind: "url", url: "https://cdn.example.com/a.png" }, title: synced.title, link: "/sale", validity: { kind: "days", days: 3 } });
    await expect(updateCreative(t.db, id, { ...asForm, title: "Changed here" })).rejects.toMatchObject({ code: "invalid", details: { field: "title", sourceFlowId: flowId } });
    await updateCreative(t.db, id, { ...asForm, name: "Winter sale banner" });
    expect(await getCreative(t.db, id)).toMatchObject({ name: "Winter sale banner", title: "Winter sale, last days" });
  });

  it("figures agree with independent SQL: issued, shown, clicked, active now, click rate", async () => {
    const a = (await createCreative(t.db, creative({ name: "Figures A" }))).id;
    const b = (await createCreative(t.db, creative({ name: "Figures B" }))).id;
    // 20 banners of A: 12 shown, 3 clicked, 5 already ended; 4 of B, none shown; 2 without a creative.
    await t.pool.query(
      `INSERT INTO banners (member_id, placement, image_url, title, link, valid_from, valid_to, shown_at, clicked_at, creative_id)
       SELECT i, 'app_home_top', '/x', 't', '/', now() - interval '2 days',
              CASE WHEN i > 15 THEN now() - interval '1 hour' ELSE now() + interval '5 days' END,
              CASE WHEN i <= 12 THEN now() END, CASE WHEN i <= 3 THEN now() END, $1
       FROM generate_series(1, 20) i`,
      [a],
    );
    await t.pool.query(`INSERT INTO banners (member_id, placement, image_url, title, valid_from, valid_to, creative_id) SELECT i, 'app_home_top', '/x', 't', now() + interval '1 day', now() + interval '2 days', $1 FROM generate_series(1, 4) i`, [b]);
    await t.pool.query(`INSERT INTO banners (member_id, placement, image_url, title, valid_from, valid_to, shown_at) SELECT i, 'app_home_top', '/x', 't', now(), now() + interval '1 day', now() FROM generate_series(1, 2) i`);

    const figures = await creativeFigures(t.db);
    for (const id of [a, b]) {
      const independent = (
        await t.pool.query(
          `SELECT count(*)::int AS issued, sum((shown_at IS NOT NULL)::int)::int AS shown, sum((clicked_at IS NOT NULL)::int)::int AS clicked,
                  sum((now() BETWEEN valid_from AND valid_to AND valid_to <> now())::int)::int AS "activeNow"
           FROM banners WHERE creative_id = $1`,
          [id],
        )
      ).rows[0];
      expect(figures.get(id)).toMatchObject(independent);
    }
    expect(figures.get(a)).toEqual({ issued: 20, shown: 12, clicked: 3, activeNow: 15, clickRate: 0.25 });
    expect(figures.get(b)).toEqual({ issued: 4, shown: 0, clicked: 0, activeNow: 0, clickRate: null });
    expect((await listCreatives(t.db)).find((c) => c.id === a)?.figures.clickRate).toBe(0.25);
    // The placement counts the banners live in it now, whichever creative (or none) they came from.
    const live = await count(`SELECT count(*) AS n FROM banners WHERE placement = 'app_home_top' AND valid_from <= now() AND valid_to > now()`);
    expect((await listPlacements(t.db)).find((p) => p.id === "app_home_top")?.liveBanners).toBe(live);
  });
});
