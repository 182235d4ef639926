// The coupon template library: templates made here or inline in a flow (which then live here
// too), edited without touching coupons already issued (a new revision of the terms once the
// current one has coupons), archived (flows that use one keep issuing it), and shown with their
// live figures and the flows that use them.
import { Prisma, type PrismaClient } from "@prisma/client";
import { DomainError } from "@/server/errors";
import { couponTemplateInput, couponTermFields, type CouponTemplateInput } from "./coupon-template-schema";

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
const terms = (c: ReturnType<typeof columns>) => ({
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

/**
 * Saves an edit. Changed terms on a template whose current revision has issued coupons make a
 * new revision (those coupons keep theirs); otherwise the current revision is corrected in place.
 * The template row is locked first, so no coupon is issued under the old terms meanwhile.
 */
export async function updateCouponTemplate(db: PrismaClient, id: string, raw: CouponTemplateInput, { actor = "cli" }: Actor = {}) {
  const input = couponTemplateInput.parse(raw);
  const next = columns(input);
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ revision: number }[]>`SELECT revision FROM coupon_templates WHERE id = ${id} FOR UPDATE`;
    if (!locked) throw new DomainError("not_found", `No coupon template ${id}`);
    const current = await tx.couponTemplateRevision.findUniqueOrThrow({ where: { templateId_revision: { templateId: id, revision: locked.revision } } });
    const changed = couponTermFields.filter((field) => !sameTerm(current[field], next[field]));
    let revision = locked.revision;
    if (changed.length > 0) {
      const issued = await tx.coupon.count({ where: { templateId: id, templateRevision: locked.revision } });
      if (issued > 0) {
        revision = locked.revision + 1;
        await tx.couponTemplateRevision.create({ data: { templateId: id, revision, ...terms(next) } });
      } else {
        await tx.couponTemplateRevision.update({ where: { templateId_revision: { templateId: id, revision } }, data: terms(next) });
      }
    }
    await tx.couponTemplate.update({ where: { id }, data: { ...next, revision, updatedAt: new Date() } });
    await tx.auditLog.create({
      data: { actor, action: "coupon_template.update", entityType: "coupon_template", entityId: id, details: { revision, changedTerms: changed } },
    });
    return { id, revision, newRevision: revision !== locked.revision, changedTerms: changed };
  });
}

function sameTerm(a: unknown, b: unknown): boolean {
  if (a instanceof Prisma.Decimal || b instanceof Prisma.Decimal) return a !== null && b !== null && new Prisma.Decimal(a as number).equals(new Prisma.Decimal(b as number));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  return a === b;
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
export async function flowsUsingTemplates(db: PrismaClient): Promise<Map<string, { id: string; name: string; status: string }[]>> {
  const rows = await db.$queryRaw<{ template_id: string; id: string; name: string; status: string }[]>`
    SELECT DISTINCT x.template_id, f.id, f.name, f.status::text AS status
    FROM flows f
    CROSS JOIN LATERAL (SELECT f.draft AS d UNION ALL SELECT v.definition FROM flow_versions v WHERE v.id = f.current_version_id) defs
    CROSS JOIN LATERAL jsonb_array_elements(defs.d->'nodes') n
    CROSS JOIN LATERAL (SELECT CASE WHEN n->'config'->'template'->>'mode' = 'existing' THEN n->'config'->'template'->>'id'
                                    ELSE 'flow_' || f.id || '_' || (n->>'id') END AS template_id) x
    WHERE n->>'kind' = 'issue_coupon'
    ORDER BY f.name`;
  const byTemplate = new Map<string, { id: string; name: string; status: string }[]>();
  for (const r of rows) byTemplate.set(r.template_id, [...(byTemplate.get(r.template_id) ?? []), { id: r.id, name: r.name, status: r.status }]);
  return byTemplate;
}

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
