// Upserts the reference data (tiers, districts, catalog, tags, badges, templates, demo user)
// by natural key and returns the database ids the generator needs. In an empty database
// the ids come out 1…n in the order of the data files, which keeps reseeds identical.
import type pg from "pg";
import { CATEGORIES } from "./data/catalog";
import { CITIES } from "./data/geography";
import { BADGES, COUPON_TEMPLATES, NOTIFICATION_TEMPLATES, TAGS, TIERS, type BadgeKey, type TagKey } from "./data/reference";
import type { CouponTemplateRef, MessageChannel, MessageTemplateRef, ReferenceIds } from "./generate/context";

/**
 * `since`: when the demo history starts. Library items made here are dated then, so the coupons
 * and messages of the generated history are never older than the templates they came from.
 */
export async function upsertReferenceData(client: pg.ClientBase, { since = new Date() }: { since?: Date } = {}): Promise<ReferenceIds> {
  for (const t of TIERS) {
    await client.query(
      `INSERT INTO tiers (id, name, name_en, rank, growth_threshold, benefits) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, rank = EXCLUDED.rank,
         growth_threshold = EXCLUDED.growth_threshold, benefits = EXCLUDED.benefits`,
      [t.id, t.name, t.nameEn, t.rank, t.growthThreshold,
        JSON.stringify({ discountPercent: t.discountPercent, pointsMultiplier: t.pointsMultiplier, monthlyCoupons: null, birthdayGift: null, notes: t.benefits })],
    );
  }

  const districts = CITIES.flatMap((c) => c.districts.map((d) => [c.province, c.city, d] as const));
  await client.query(
    `INSERT INTO business_districts (province, city, name)
     SELECT p, c, n FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS d(p, c, n, ord) ORDER BY ord
     ON CONFLICT (province, city, name) DO NOTHING`,
    [districts.map((d) => d[0]), districts.map((d) => d[1]), districts.map((d) => d[2])],
  );

  const categories: ReferenceIds["categories"] = [];
  for (const c of CATEGORIES) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO product_categories (name, name_en) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET name_en = EXCLUDED.name_en RETURNING id`,
      [c.name, c.nameEn],
    );
    const categoryId = rows[0]!.id;
    const skus = c.products.map((_, i) => `${c.skuPrefix}-${String(i + 1).padStart(3, "0")}`);
    const inserted = await client.query<{ id: number; sku: string; price_cents: number }>(
      `INSERT INTO products (sku, name, category_id, price)
       SELECT s, n, $4, p FROM unnest($1::text[], $2::text[], $3::numeric[]) WITH ORDINALITY AS x(s, n, p, ord) ORDER BY ord
       ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category_id = EXCLUDED.category_id, price = EXCLUDED.price
       RETURNING id, sku, (price * 100)::int AS price_cents`,
      [skus, c.products.map((p) => p[0]), c.products.map((p) => p[1]), categoryId],
    );
    const bySku = new Map(inserted.rows.map((r) => [r.sku, r]));
    categories.push({
      id: categoryId,
      key: c.key,
      products: skus.map((sku) => ({ id: bySku.get(sku)!.id, priceCents: bySku.get(sku)!.price_cents, sku })),
    });
  }

  const tags = {} as Record<TagKey, number>;
  for (const t of TAGS) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO tags (name, color, category, created_at) VALUES ($1, $2, $3, '2023-01-01T00:00:00Z')
       ON CONFLICT (name) DO UPDATE SET color = EXCLUDED.color, category = EXCLUDED.category RETURNING id`,
      [t.name, t.color, t.category],
    );
    tags[t.key] = rows[0]!.id;
  }

  const badges = {} as Record<BadgeKey, number>;
  for (const b of BADGES) {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO badges (name, description, icon) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, icon = EXCLUDED.icon RETURNING id`,
      [b.name, b.description, b.icon],
    );
    badges[b.key] = rows[0]!.id;
  }

  // Templates and the user are left alone if they exist: people may have edited them. The
  // history is generated from the terms they have now (read back below).
  for (const t of COUPON_TEMPLATES) {
    const created = await client.query(
      `INSERT INTO coupon_templates (id, name, description, type, value, min_spend, max_discount, valid_days, per_member_max, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (id) DO NOTHING`,
      [t.id, t.name, t.description, t.type, t.value, t.minSpend, t.maxDiscount, t.validDays, t.perMemberMax, since],
    );
    // Revision 1 is written by a trigger as the template is inserted, dated now: date it with the template.
    if (created.rowCount) await client.query(`UPDATE coupon_template_revisions SET created_at = $2 WHERE template_id = $1 AND revision = 1`, [t.id, since]);
  }
  for (const t of NOTIFICATION_TEMPLATES) {
    await client.query(
      `INSERT INTO notification_templates (id, name, channel, title, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING`,
      [t.id, t.name, t.channel, t.title, t.body, since],
    );
  }

  const tierRows = await client.query<{ id: string; name: string }>(`SELECT id, name FROM tiers`);
  const tierNames = Object.fromEntries(tierRows.rows.map((r) => [r.id, r.name])) as ReferenceIds["tierNames"];

  const couponRows = await client.query<{
    id: string; revision: number; name: string; type: "amount" | "percent"; value: string; min_spend_cents: number; max_discount_cents: number | null;
    valid_days: number | null; valid_from: Date | null; valid_to: Date | null; product_ids: number[]; category_ids: number[]; per_member_max: number; code_prefix: string;
  }>(
    `SELECT t.id, t.revision, r.name, r.type::text AS type, r.value::text AS value, round(r.min_spend * 100)::int AS min_spend_cents,
            round(r.max_discount * 100)::int AS max_discount_cents, t.valid_days, t.valid_from, t.valid_to, r.product_ids, r.category_ids,
            t.per_member_max, t.code_prefix
       FROM coupon_templates t JOIN coupon_template_revisions r ON r.template_id = t.id AND r.revision = t.revision
      WHERE t.id = ANY($1) ORDER BY t.id`,
    [COUPON_TEMPLATES.map((t) => t.id)],
  );
  const couponTemplates = new Map<string, CouponTemplateRef>(
    couponRows.rows.map((r) => [
      r.id,
      {
        id: r.id, revision: r.revision, name: r.name, type: r.type, value: Number(r.value),
        // As the engine renders {{coupon.value}}: the numeric's text, with "%" for percent coupons.
        valueLabel: r.type === "percent" ? `${r.value}%` : r.value,
        minSpendCents: r.min_spend_cents, maxDiscountCents: r.max_discount_cents, validDays: r.valid_days,
        validFrom: r.valid_from?.getTime() ?? null, validTo: r.valid_to?.getTime() ?? null,
        productIds: r.product_ids, categoryIds: r.category_ids, perMemberMax: r.per_member_max, codePrefix: r.code_prefix,
      },
    ]),
  );
  const messageRows = await client.query<{ id: string; channel: MessageChannel; title: string; body: string }>(
    `SELECT id, channel::text AS channel, title, body FROM notification_templates WHERE id = ANY($1) ORDER BY id`,
    [NOTIFICATION_TEMPLATES.map((t) => t.id)],
  );
  const messageTemplates = new Map<string, MessageTemplateRef>(messageRows.rows.map((r) => [r.id, r]));

  return { categories, tags, badges, tierNames, couponTemplates, messageTemplates };
}
