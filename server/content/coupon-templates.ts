// The coupon template library: templates made here or inline in a flow (which then live here
// too), edited without touching coupons already issued (a new revision of the terms once the
// current one has coupons), archived (flows that use one keep issuing it), and shown with their
// live figures and the flows that use them.
import type { PrismaClient } from "@prisma/client";
import { prismaTx, sql, type Tx } from "@/server/db/sql";
import { DomainError } from "@/server/errors";
import { flowsUsingLibrary, refuseFlowOwnEdit } from "./flow-usage";
import { couponTemplateInput, couponTermFields, inlineTemplateId, type CouponTemplateInput } from "./coupon-template-schema";

type Actor = { actor?: string };
type Parsed = ReturnType<typeof couponTemplateInput.parse>;

/** Template columns from the form's fields. */
function columns(input: Parsed) {
  return {
    name: input.name,
    description: input.description,
    type: input.type,
    value: input.value,
    maxDiscount: input.type === "percent" ? input.maxDiscount : null,
    minSpend: input.minSpend,
    validDays: input.validity.kind === "days" ? input.validity.days : null,
    validFrom: input.validity.kind === "range" ? new Date(input.validity.from) : null,
    validTo: input.validity.kind === "range" ? new Date(input.validity.to) : null,
    productIds: [...new Set(input.productIds)],
    categoryIds: [...new Set(input.categoryIds)],
    totalLimit: input.totalLimit,
    perMemberMax: input.perMemberMax,
    codePrefix: input.codePrefix,
  };
}
const terms = (c: Pick<ReturnType<typeof columns>, "name" | "description" | "type" | "value" | "maxDiscount" | "minSpend" | "productIds" | "categoryIds">) => ({
  name: c.name,
  description: c.description,
  type: c.type,
  value: c.value,
  maxDiscount: c.maxDiscount,
  minSpend: c.minSpend,
  productIds: c.productIds,
  categoryIds: c.categoryIds,
});

export async function createCouponTemplate(db: PrismaClient, raw: CouponTemplateInput, { actor = "cli" }: Actor = {}) {
  const input = couponTemplateInput.parse(raw);
  return db.$transaction(async (tx) => {
    // Revision 1 of the terms is written by the database as the row is inserted.
    const template = await tx.couponTemplate.create({ data: columns(input), select: { id: true, name: true, revision: true } });
    await tx.auditLog.create({ data: { actor, action: "coupon_template.create", entityType: "coupon_template", entityId: template.id, details: { name: template.name } } });
    return template;
  });
}

/** A template's terms: what issued coupons carry (coupon_template_revisions). */
export type CouponTerms = ReturnType<typeof terms>;

/**
 * The one revision rule, inside the caller's transaction: changed terms on a template whose
 * current revision has issued coupons become a new revision (those coupons keep theirs);
 * otherwise the current revision is corrected in place. The template row is locked first, so no
 * coupon is issued under the old terms meanwhile. Returns the revision now current.
 */
export async function reviseCouponTerms(tx: Tx, id: string, next: CouponTerms): Promise<{ revision: number; newRevision: boolean; changedTerms: string[] }> {
  const [current] = await tx.query<{ revision: number; name: string; description: string; type: string; value: number; max_discount: number | null; min_spend: number; product_ids: number[]; category_ids: number[] }>(sql`
    SELECT t.revision, r.name, r.description, r.type::text AS type, r.value::float8 AS value, r.max_discount::float8 AS max_discount,
           r.min_spend::float8 AS min_spend, r.product_ids, r.category_ids
    FROM coupon_templates t JOIN coupon_template_revisions r ON r.template_id = t.id AND r.revision = t.revision
    WHERE t.id = ${id} FOR UPDATE OF t`);
  if (!current) throw new DomainError("not_found", `No coupon template ${id}`);
  const before: CouponTerms = {
    name: current.name, description: current.description, type: current.type as CouponTerms["type"], value: current.value, maxDiscount: current.max_discount,
    minSpend: current.min_spend, productIds: current.product_ids, categoryIds: current.category_ids,
  };
  const changedTerms = couponTermFields.filter((field) => !sameTerm(before[field], next[field]));
  if (changedTerms.length === 0) return { revision: current.revision, newRevision: false, changedTerms };
  const [issued] = await tx.query<{ any: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM coupons WHERE template_id = ${id} AND template_revision = ${current.revision}) AS any`);
  const revision = issued!.any ? current.revision + 1 : current.revision;
  const values = sql`${next.name}, ${next.description}, ${next.type}::"CouponType", ${next.value}, ${next.minSpend}, ${next.maxDiscount}, ${next.productIds}::int[], ${next.categoryIds}::int[]`;
  await tx.execute(sql`
    INSERT INTO coupon_template_revisions (template_id, revision, name, description, type, value, min_spend, max_discount, product_ids, category_ids)
    VALUES (${id}, ${revision}, ${values})
    ON CONFLICT (template_id, revision) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, type = EXCLUDED.type, value = EXCLUDED.value,
      min_spend = EXCLUDED.min_spend, max_discount = EXCLUDED.max_discount, product_ids = EXCLUDED.product_ids, category_ids = EXCLUDED.category_ids`);
  await tx.execute(sql`
    UPDATE coupon_templates SET revision = ${revision}, name = ${next.name}, description = ${next.description}, type = ${next.type}::"CouponType", value = ${next.value},
      min_spend = ${next.minSpend}, max_discount = ${next.maxDiscount}, product_ids = ${next.productIds}::int[], category_ids = ${next.categoryIds}::int[], updated_at = now()
    WHERE id = ${id}`);
  return { revision, newRevision: revision !== current.revision, changedTerms };
}

/** Saves an edit from the library: the terms through the revision rule, the rest on the template. */
export async function updateCouponTemplate(db: PrismaClient, id: string, raw: CouponTemplateInput, { actor = "cli" }: Actor = {}) {
  const input = couponTemplateInput.parse(raw);
  const next = columns(input);
  return db.$transaction(async (tx) => {
    const before = await tx.couponTemplate.findUnique({
      where: { id },
      select: { sourceFlowId: true, name: true, type: true, value: true, minSpend: true, validDays: true, validFrom: true, validTo: true },
    });
    if (!before) throw new DomainError("not_found", `No coupon template ${id}`);
    const changed = [
      before.name !== next.name && "name",
      before.type !== next.type && "type",
      Number(before.value) !== next.value && "value",
      Number(before.minSpend) !== next.minSpend && "minSpend",
      (before.validDays !== next.validDays || before.validFrom?.getTime() !== next.validFrom?.getTime() || before.validTo?.getTime() !== next.validTo?.getTime()) && "validity",
    ].filter((f): f is string => f !== false);
    refuseFlowOwnEdit(before.sourceFlowId, changed, ["name", "type", "value", "minSpend", "validity"]);
    const saved = await reviseCouponTerms(prismaTx(tx), id, terms(next));
    await tx.couponTemplate.update({
      where: { id },
      data: { validDays: next.validDays, validFrom: next.validFrom, validTo: next.validTo, totalLimit: next.totalLimit, perMemberMax: next.perMemberMax, codePrefix: next.codePrefix },
    });
    await tx.auditLog.create({
      data: { actor, action: "coupon_template.update", entityType: "coupon_template", entityId: id, details: { revision: saved.revision, changedTerms: saved.changedTerms } },
    });
    return { id, ...saved };
  });
}

function sameTerm(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const [x, y] = [[...a].sort(), [...b].sort()];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return a === b;
}

/** An issue_coupon node's inline coupon (the flow's own template). */
type InlineCoupon = { name: string; type: "amount" | "percent"; value: number; minSpend: number; validDays: number };

/**
 * On publish: every inline coupon of the definition becomes (or updates) its flow's own template
 * in the library, so the terms the canvas shows are the terms members get; changed terms go
 * through the revision rule. What the inline form does not describe (scope, cap, stock, prefix)
 * keeps what the library says.
 */
export async function syncInlineCouponTemplates(tx: Tx, flowId: string, inline: { nodeId: string; coupon: InlineCoupon }[]) {
  for (const { nodeId, coupon } of inline) {
    const id = inlineTemplateId(flowId, nodeId);
    const created = await tx.execute(sql`
      INSERT INTO coupon_templates (id, name, type, value, min_spend, valid_days, source_flow_id)
      VALUES (${id}, ${coupon.name}, ${coupon.type}::"CouponType", ${coupon.value}, ${coupon.minSpend}, ${coupon.validDays}, ${flowId})
      ON CONFLICT (id) DO NOTHING`);
    if (created > 0) continue;
    const [current] = await tx.query<{ description: string; max_discount: number | null; product_ids: number[]; category_ids: number[] }>(sql`
      SELECT r.description, r.max_discount::float8 AS max_discount, r.product_ids, r.category_ids
      FROM coupon_templates t JOIN coupon_template_revisions r ON r.template_id = t.id AND r.revision = t.revision WHERE t.id = ${id}`);
    await reviseCouponTerms(tx, id, {
      name: coupon.name, description: current!.description, type: coupon.type, value: coupon.value,
      maxDiscount: coupon.type === "percent" ? current!.max_discount : null, minSpend: coupon.minSpend, productIds: current!.product_ids, categoryIds: current!.category_ids,
    });
    await tx.execute(sql`UPDATE coupon_templates SET valid_days = ${coupon.validDays}, valid_from = NULL, valid_to = NULL WHERE id = ${id}`);
  }
}

export async function setCouponTemplateArchived(db: PrismaClient, id: string, archived: boolean, { actor = "cli" }: Actor = {}) {
  return db.$transaction(async (tx) => {
    const found = await tx.couponTemplate.findUnique({ where: { id }, select: { id: true } });
    if (!found) throw new DomainError("not_found", `No coupon template ${id}`);
    const template = await tx.couponTemplate.update({ where: { id }, data: { archivedAt: archived ? new Date() : null }, select: { id: true, archivedAt: true } });
    await tx.auditLog.create({ data: { actor, action: archived ? "coupon_template.archive" : "coupon_template.unarchive", entityType: "coupon_template", entityId: id, details: {} } });
    return template;
  });
}

export type CouponFigures = {
  issued: number;
  redeemed: number;
  expired: number;
  active: number;
  /** Face value of the active coupons: amount off, or a percent coupon's largest discount. */
  liability: number;
  /** Active percent coupons without a largest discount: their cost depends on the cart. */
  uncappedActive: number;
  redemptionRate: number | null;
};

/** Issued, redeemed, expired and active coupons and the outstanding liability, per template. */
export async function couponFigures(db: PrismaClient, now = new Date(), templateIds?: string[]): Promise<Map<string, CouponFigures>> {
  const rows = await db.$queryRaw<{ template_id: string; issued: number; redeemed: number; expired: number; active: number; liability: number; uncapped: number }[]>`
    SELECT c.template_id,
           count(*)::int AS issued,
           count(*) FILTER (WHERE c.status = 'redeemed')::int AS redeemed,
           count(*) FILTER (WHERE c.status = 'expired' OR (c.status = 'issued' AND c.valid_to <= ${now}))::int AS expired,
           count(*) FILTER (WHERE c.status = 'issued' AND c.valid_to > ${now})::int AS active,
           coalesce(sum(CASE WHEN r.type = 'amount' THEN r.value ELSE r.max_discount END) FILTER (WHERE c.status = 'issued' AND c.valid_to > ${now}), 0)::float8 AS liability,
           count(*) FILTER (WHERE c.status = 'issued' AND c.valid_to > ${now} AND r.type = 'percent' AND r.max_discount IS NULL)::int AS uncapped
    FROM coupons c JOIN coupon_template_revisions r ON r.template_id = c.template_id AND r.revision = c.template_revision
    WHERE ${templateIds ?? null}::text[] IS NULL OR c.template_id = ANY(${templateIds ?? null}::text[])
    GROUP BY c.template_id`;
  return new Map(
    rows.map((r) => [
      r.template_id,
      { issued: r.issued, redeemed: r.redeemed, expired: r.expired, active: r.active, liability: r.liability, uncappedActive: r.uncapped, redemptionRate: r.issued > 0 ? r.redeemed / r.issued : null },
    ]),
  );
}

const noFigures: CouponFigures = { issued: 0, redeemed: 0, expired: 0, active: 0, liability: 0, uncappedActive: 0, redemptionRate: null };

/** The flows whose draft or live version issues each template (inline coupons included). */
export const flowsUsingTemplates = (db: PrismaClient) =>
  flowsUsingLibrary(db, { kind: "issue_coupon", field: "template", existingMode: "existing", idKey: "id" });

/** The library: every template (archived ones on request) with its figures and flows. */
export async function listCouponTemplates(db: PrismaClient, { archived = false, now = new Date() }: { archived?: boolean; now?: Date } = {}) {
  const [templates, figures, flows] = await Promise.all([
    db.couponTemplate.findMany({ where: archived ? {} : { archivedAt: null }, orderBy: { createdAt: "desc" } }),
    couponFigures(db, now),
    flowsUsingTemplates(db),
  ]);
  return templates.map((t) => ({ ...serialize(t), figures: figures.get(t.id) ?? noFigures, flows: flows.get(t.id) ?? [] }));
}

export async function getCouponTemplate(db: PrismaClient, id: string, now = new Date()) {
  const template = await db.couponTemplate.findUnique({ where: { id }, include: { revisions: { orderBy: { revision: "desc" } } } });
  if (!template) throw new DomainError("not_found", `No coupon template ${id}`);
  const [figures, flows] = await Promise.all([couponFigures(db, now, [id]), flowsUsingTemplates(db)]);
  return {
    ...serialize(template),
    figures: figures.get(id) ?? noFigures,
    flows: flows.get(id) ?? [],
    revisions: template.revisions.map((r) => ({ revision: r.revision, name: r.name, type: r.type, value: Number(r.value), minSpend: Number(r.minSpend), maxDiscount: r.maxDiscount === null ? null : Number(r.maxDiscount), createdAt: r.createdAt })),
  };
}

type TemplateRow = Awaited<ReturnType<PrismaClient["couponTemplate"]["findMany"]>>[number];
function serialize(t: TemplateRow) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    type: t.type,
    value: Number(t.value),
    maxDiscount: t.maxDiscount === null ? null : Number(t.maxDiscount),
    minSpend: Number(t.minSpend),
    validity: t.validDays !== null ? { kind: "days" as const, days: t.validDays } : { kind: "range" as const, from: t.validFrom?.toISOString() ?? null, to: t.validTo?.toISOString() ?? null },
    productIds: t.productIds,
    categoryIds: t.categoryIds,
    totalLimit: t.totalLimit,
    perMemberMax: t.perMemberMax,
    codePrefix: t.codePrefix,
    revision: t.revision,
    sourceFlowId: t.sourceFlowId,
    archivedAt: t.archivedAt,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
