// Flows as the product stores them: a draft that autosaves, immutable numbered versions,
// a lifecycle (draft → active ⇄ paused → archived), and a portable JSON export.
// Server-only: it takes a Prisma client. The graph rules themselves live in validate.ts.
import { Prisma, type FlowStatus, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { flowDefinitionSchema, flowDraftSchema, emptyFlowDefinition, type FlowDraft } from "./definition";
import { findNodeKindSpec, nodeKindSpec } from "./kinds";
import { validateFlow, hasErrors, type FlowIssue, type ValidationContext } from "./validate";
import { diffFlows } from "./diff";
import type { FlowLayout } from "./canvas";
import { autoLayout, completeLayout } from "./layout";
import { DomainError, type DomainErrorCode } from "@/server/errors";
import { prismaTx } from "@/server/db/sql";
import { announceFlowStopped, archiveFlowEngine, armTriggers, migrateJourneys } from "@/server/engine/lifecycle";
import { CURRENT_DEFINITION_SCHEMA, upgradeDefinition } from "./upgrade";
import { syncInlineCouponTemplates } from "@/server/content/coupon-templates";
import { syncInlinePriceLists } from "@/server/content/price-lists";
import { syncInlineMessageTemplates } from "@/server/content/message-templates";
import { syncInlineBannerCreatives } from "@/server/content/banners";
import { inlinePriceListId } from "@/server/content/price-list-schema";
import type { IssueCouponConfig } from "./kinds/issue_coupon/spec";
import type { MemberPriceConfig } from "./kinds/member_price/spec";
import type { SendNotificationConfig } from "./kinds/send_notification/spec";
import type { ShowBannerConfig } from "./kinds/show_banner/spec";
import type { FlowDefinition } from "./definition";
import { findFlowTemplate, templateDefinition } from "./templates";
import type { Locale } from "./kinds/spec";

type Db = PrismaClient;

const layoutSchema = z.record(z.string(), z.object({ x: z.number().finite(), y: z.number().finite() }));

/** Flow errors carry the per-node validation issues, so the canvas can point at each node. */
export class FlowError extends DomainError<{ issues: FlowIssue[] }> {
  constructor(code: DomainErrorCode, message: string, issues: FlowIssue[] = []) {
    super(code, message, { issues });
  }
  get issues(): FlowIssue[] {
    return this.details?.issues ?? [];
  }
}

// ── the portable file format: what the UI exports and `npm run flows -- import` reads ──
export const FLOW_FILE_FORMAT = "memberflow.flow" as const;
export const flowFileSchema = z.object({
  format: z.literal(FLOW_FILE_FORMAT, { error: `not a memberflow flow file (format must be "${FLOW_FILE_FORMAT}")` }),
  // The definition format it was written in (CURRENT_DEFINITION_SCHEMA); older ones are upgraded on import.
  formatVersion: z
    .number()
    .int()
    .min(1)
    .max(CURRENT_DEFINITION_SCHEMA, { error: `written by a newer memberflow (this one reads flow files up to format ${CURRENT_DEFINITION_SCHEMA})` }),
  name: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(""),
  definition: flowDraftSchema,
  layout: layoutSchema.default({}),
});
export type FlowFile = z.infer<typeof flowFileSchema>;

export const flowNameSchema = z.string().trim().min(1, "Give the flow a name").max(120);

/** The templates and audiences a draft's (valid) nodes point at. */
export function draftReferences(draft: FlowDraft) {
  const wanted = {
    couponTemplates: new Set<string>(),
    audiences: new Set<string>(),
    notificationTemplates: new Set<string>(),
    priceLists: new Set<string>(),
    bannerCreatives: new Set<string>(),
  };
  for (const node of draft.nodes) {
    const spec = findNodeKindSpec(node.kind);
    const parsed = spec?.configSchema.safeParse(node.config);
    if (!spec || !parsed?.success) continue;
    const refs = spec.references(parsed.data);
    refs.couponTemplateIds.forEach((id) => wanted.couponTemplates.add(id));
    refs.audienceIds.forEach((id) => wanted.audiences.add(id));
    refs.notificationTemplateIds.forEach((id) => wanted.notificationTemplates.add(id));
    refs.priceListIds.forEach((id) => wanted.priceLists.add(id));
    refs.bannerCreativeIds.forEach((id) => wanted.bannerCreatives.add(id));
  }
  return wanted;
}

/**
 * Which referenced templates and audiences exist, for the validator's reference check. Archived
 * ones still exist: flows that use them keep working (the validator only warns).
 */
export async function referenceContext(db: Prisma.TransactionClient, draft: FlowDraft): Promise<ValidationContext> {
  const wanted = draftReferences(draft);
  const [coupons, audiences, notifications, priceLists, creatives] = await Promise.all([
    db.couponTemplate.findMany({ where: { id: { in: [...wanted.couponTemplates] } }, select: { id: true, archivedAt: true } }),
    db.audience.findMany({ where: { id: { in: [...wanted.audiences] } }, select: { id: true, archivedAt: true } }),
    db.notificationTemplate.findMany({ where: { id: { in: [...wanted.notificationTemplates] } }, select: { id: true, archivedAt: true } }),
    db.priceList.findMany({ where: { id: { in: [...wanted.priceLists] } }, select: { id: true, archivedAt: true } }),
    db.bannerCreative.findMany({ where: { id: { in: [...wanted.bannerCreatives] } }, select: { id: true, archivedAt: true } }),
  ]);
  const archived = (rows: { id: string; archivedAt: Date | null }[]) => new Set(rows.filter((r) => r.archivedAt).map((r) => r.id));
  return {
    existingIds: {
      couponTemplates: new Set(coupons.map((c) => c.id)),
      audiences: new Set(audiences.map((a) => a.id)),
      notificationTemplates: new Set(notifications.map((n) => n.id)),
      priceLists: new Set(priceLists.map((p) => p.id)),
      bannerCreatives: new Set(creatives.map((c) => c.id)),
    },
    archivedIds: {
      couponTemplates: archived(coupons),
      audiences: archived(audiences),
      notificationTemplates: archived(notifications),
      priceLists: archived(priceLists),
      bannerCreatives: archived(creatives),
    },
  };
}

/**
 * Flows (not archived) whose draft or live version uses an audience: what archiving it concerns.
 * The text search only narrows the rows; the node kinds' own references decide.
 */
export async function flowsUsingAudience(db: Db, audienceId: string) {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT f.id FROM flows f LEFT JOIN flow_versions v ON v.id = f.current_version_id
    WHERE f.status <> 'archived' AND (strpos(f.draft::text, ${audienceId}) > 0 OR strpos(coalesce(v.definition::text, ''), ${audienceId}) > 0)`;
  if (rows.length === 0) return [];
  const flows = await db.flow.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    select: { id: true, name: true, status: true, draft: true, currentVersion: { select: { definition: true } } },
    orderBy: { name: "asc" },
  });
  const uses = (definition: unknown) => {
    const parsed = flowDraftSchema.safeParse(definition);
    return parsed.success && draftReferences(parsed.data).audiences.has(audienceId);
  };
  return flows.filter((f) => uses(f.draft) || (f.currentVersion !== null && uses(f.currentVersion.definition))).map(({ id, name, status }) => ({ id, name, status }));
}

export async function listFlows(db: Db, options: { includeArchived?: boolean } = {}) {
  const flows = await db.flow.findMany({
    where: options.includeArchived ? {} : { status: { not: "archived" } },
    orderBy: { updatedAt: "desc" },
    select: {
      id: true,
      name: true,
      description: true,
      status: true,
      updatedAt: true,
      draftUpdatedAt: true,
      currentVersion: { select: { version: true, publishedAt: true } },
      // "Waiting for approval" beside the status (server/approvals).
      publishRequests: { where: { status: "pending" }, select: { id: true, requestedAt: true } },
      _count: { select: { versions: true, journeys: true } },
    },
  });
  return flows;
}

/**
 * A new flow from a ready-made template, in the marketer's language, its dates ahead of now, and
 * only categories this catalogue has (a node left without one is flagged by the validator).
 */
export async function createFlowFromTemplate(
  db: PrismaClient,
  input: { name: string; description?: string; templateId: string; locale?: Locale },
  actor = "system",
) {
  const template = findFlowTemplate(input.templateId);
  if (!template) throw new DomainError("not_found", `No template ${input.templateId}`, { field: "templateId" });
  const locale = input.locale ?? "zh-CN";
  const definition = templateDefinition(template, { locale });
  const known = new Set((await db.productCategory.findMany({ select: { id: true } })).map((c) => c.id));
  for (const node of definition.nodes) {
    if (node.kind !== "member_price") continue;
    const list = (node.config as MemberPriceConfig).list;
    if (list.mode === "inline" && list.target.type === "categories") list.target.categoryIds = list.target.categoryIds.filter((id) => known.has(id));
  }
  return createFlow(db, { name: input.name, description: input.description ?? template.description[locale], definition, layout: template.layout, templateId: template.id }, actor);
}

export async function createFlow(
  db: Db,
  input: { name: string; description?: string; definition?: FlowDraft; layout?: FlowLayout; templateId?: string },
  actor = "system",
) {
  const name = flowNameSchema.parse(input.name);
  const definition = input.definition ? flowDraftSchema.parse(input.definition) : emptyFlowDefinition();
  const layout = input.layout && Object.keys(input.layout).length > 0 ? input.layout : autoLayout(definition);
  return db.$transaction(async (tx) => {
    const flow = await tx.flow.create({
      data: {
        name,
        description: input.description ?? "",
        draft: definition as unknown as Prisma.InputJsonValue,
        draftLayout: layout as Prisma.InputJsonValue,
        templateId: input.templateId ?? null,
      },
    });
    await tx.auditLog.create({ data: { actor, action: "flow.create", entityType: "flow", entityId: flow.id, details: { name } } });
    return flow;
  });
}

export async function getFlow(db: Db, id: string) {
  const flow = await db.flow.findUnique({
    where: { id },
    include: {
      currentVersion: { select: { id: true, version: true, publishedAt: true } },
      versions: { orderBy: { version: "desc" }, select: { id: true, version: true, publishedAt: true, note: true } },
    },
  });
  if (!flow) throw new FlowError("not_found", `Flow ${id} does not exist`);
  const draft = flowDraftSchema.parse(flow.draft);
  // Complete here, so the editor opens with every node placed and without loading dagre.
  const layout = completeLayout(draft, layoutSchema.parse(flow.draftLayout));
  const issues = validateFlow(draft, await referenceContext(db, draft));
  // A draft with edits since the last publish shows a "changes not published" state.
  const latest = flow.versions[0] ? await db.flowVersion.findUniqueOrThrow({ where: { id: flow.versions[0].id } }) : null;
  const unpublishedChanges = latest ? !sameDefinition(draft, flowDraftSchema.parse(upgradeDefinition(latest.definition, latest.definitionSchema))) : draft.nodes.length > 0;
  return { ...flow, draft, layout, issues, unpublishedChanges };
}

/** Whether two definitions have no difference the versions view would show. */
export function sameDefinition(a: FlowDraft, b: FlowDraft): boolean {
  const diff = diffFlows(a, b);
  return (
    diff.added.length + diff.removed.length + diff.changed.length + diff.edgesAdded.length + diff.edgesRemoved.length + diff.settingsChanged.length ===
    0
  );
}

/**
 * Autosave. Drafts may be half-finished (only their shape is enforced). `baseUpdatedAt` is the
 * draft time the editor last loaded: a save on top of someone else's newer save is refused
 * instead of silently overwriting it.
 */
export async function saveDraft(
  db: Db,
  input: { id: string; draft: FlowDraft; layout: FlowLayout; baseUpdatedAt?: Date; name?: string; description?: string },
  audit?: { actor: string },
) {
  const draft = flowDraftSchema.parse(input.draft);
  const layout = layoutSchema.parse(input.layout);
  const now = new Date();
  const result = await db.$transaction(async (tx) => {
    const saved = await tx.flow.updateMany({
      where: {
        id: input.id,
        status: { not: "archived" },
        ...(input.baseUpdatedAt ? { draftUpdatedAt: input.baseUpdatedAt } : {}),
      },
      data: {
        draft: draft as unknown as Prisma.InputJsonValue,
        draftLayout: layout as Prisma.InputJsonValue,
        draftUpdatedAt: now,
        ...(input.name !== undefined ? { name: flowNameSchema.parse(input.name) } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
    });
    // Autosave runs every few seconds while someone edits: the audit log gets one "flow.edit" per
    // person and flow per 10 minutes of editing, not one per save.
    if (saved.count > 0 && audit) {
      const recent = await tx.auditLog.findFirst({
        where: { actor: audit.actor, action: "flow.edit", entityType: "flow", entityId: input.id, createdAt: { gt: new Date(now.getTime() - 10 * 60_000) } },
        select: { id: true },
      });
      if (!recent) await tx.auditLog.create({ data: { actor: audit.actor, action: "flow.edit", entityType: "flow", entityId: input.id } });
    }
    return saved;
  });
  if (result.count === 0) {
    const flow = await db.flow.findUnique({ where: { id: input.id }, select: { status: true } });
    if (!flow) throw new FlowError("not_found", `Flow ${input.id} does not exist`);
    if (flow.status === "archived") throw new FlowError("archived", "An archived flow cannot be edited; duplicate it instead");
    throw new FlowError("conflict", "This draft was changed elsewhere since you opened it; reload to see the latest version");
  }
  const issues = validateFlow(draft, await referenceContext(db, draft));
  return { draftUpdatedAt: now, issues };
}

/** Publishing refuses while any error remains; the server checks again whatever the UI said. */
export type PublishInput = {
  id: string;
  note?: string;
  /** Move members in flight onto the new version; members at removed nodes go to the node named here, else leave. */
  migrate?: { removedNodeTargets: Record<string, string> };
};

export async function publishFlow(db: Db, input: PublishInput, actor = "system") {
  const flow = await db.flow.findUnique({ where: { id: input.id } });
  if (!flow) throw new FlowError("not_found", `Flow ${input.id} does not exist`);
  if (flow.status === "archived") throw new FlowError("archived", "An archived flow cannot be published");
  const draft = flowDraftSchema.parse(flow.draft);
  const { definition, issues } = await publishableDefinition(db, flow.id, draft, input.migrate);
  return db.$transaction(async (tx) => {
    const version = await writeVersion(tx, flow, { definition, layout: flow.draftLayout, note: input.note, migrate: input.migrate }, actor);
    return { ...version, issues };
  });
}

/**
 * What a publish checks before it writes (the draft now, or a snapshot waiting for approval): no
 * errors, members moved only to steps of the new version, and something changed since the latest version.
 */
export async function publishableDefinition(db: Prisma.TransactionClient, flowId: string, draft: FlowDraft, migrate?: PublishInput["migrate"]) {
  const issues = validateFlow(draft, await referenceContext(db, draft));
  if (hasErrors(issues)) {
    const count = issues.filter((i) => i.severity === "error").length;
    throw new FlowError("invalid", `The flow has ${count} error${count === 1 ? "" : "s"} to fix before it can be published`, issues);
  }
  const definition = flowDefinitionSchema.parse(draft) as FlowDefinition;
  for (const [from, to] of Object.entries(migrate?.removedNodeTargets ?? {})) {
    const target = definition.nodes.find((n) => n.id === to);
    if (!target || findNodeKindSpec(target.kind)?.category === "trigger") {
      throw new DomainError("invalid", `Members at "${from}" cannot be moved to "${to}": it is not a step of the new version`, {
        field: `migrate.removedNodeTargets.${from}`,
      });
    }
  }
  const latest = await db.flowVersion.findFirst({ where: { flowId }, orderBy: { version: "desc" } });
  if (latest && sameDefinition(draft, flowDraftSchema.parse(upgradeDefinition(latest.definition, latest.definitionSchema)))) {
    throw new FlowError("conflict", `Nothing changed since v${latest.version}: the draft is the same as that version`);
  }
  return { definition, issues };
}

/**
 * Writes a checked definition as the flow's next version and makes it live, inside the caller's
 * transaction (a publish, or an approval together with its request's status).
 */
export async function writeVersion(
  tx: Prisma.TransactionClient,
  flow: { id: string; name: string; status: FlowStatus },
  input: { definition: FlowDefinition; layout: Prisma.JsonValue; note?: string; migrate?: PublishInput["migrate"] },
  actor: string,
  auditDetails: Record<string, string> = {},
) {
  // Two publishes at once: the second waits here, then numbers its version after the first.
  await tx.$queryRaw`SELECT id FROM flows WHERE id = ${flow.id} FOR UPDATE`;
  const { definition } = input;
  const last = await tx.flowVersion.aggregate({ where: { flowId: flow.id }, _max: { version: true } });
  const version = await tx.flowVersion.create({
    data: {
      flowId: flow.id,
      version: (last._max.version ?? 0) + 1,
      definition: definition as unknown as Prisma.InputJsonValue,
      definitionSchema: CURRENT_DEFINITION_SCHEMA,
      layout: (input.layout ?? {}) as Prisma.InputJsonValue,
      note: input.note ?? "",
    },
  });
  await tx.flow.update({
    where: { id: flow.id },
    data: { currentVersionId: version.id, status: flow.status === "paused" ? "paused" : "active", lastError: null },
  });
  const now = new Date();
  // Inline coupons live in the library as the flow's own templates, with the terms published.
  await syncInlineCouponTemplates(prismaTx(tx), flow.id, inlineCoupons(definition));
  await syncInlinePriceLists(prismaTx(tx), flow.id, inlinePrices(flow.id, flow.name, definition));
  await syncInlineMessageTemplates(prismaTx(tx), flow.id, inlineMessages(definition));
  await syncInlineBannerCreatives(prismaTx(tx), flow.id, inlineBanners(definition));
  await armTriggers(prismaTx(tx), flow.id, version.id, definition, now);
  if (input.migrate) await migrateJourneys(prismaTx(tx), flow.id, version.id, definition, input.migrate.removedNodeTargets, now);
  await tx.auditLog.create({
    data: { actor, action: "flow.publish", entityType: "flow", entityId: flow.id, details: { version: version.version, ...auditDetails } },
  });
  return { version: version.version, versionId: version.id };
}

function inlineCoupons(definition: FlowDefinition) {
  return definition.nodes.flatMap((node) => {
    if (node.kind !== "issue_coupon") return [];
    const template = (node.config as IssueCouponConfig).template;
    return template.mode === "inline" ? [{ nodeId: node.id, coupon: template }] : [];
  });
}

function inlinePrices(flowId: string, flowName: string, definition: FlowDefinition) {
  return definition.nodes.flatMap((node) => {
    if (node.kind !== "member_price") return [];
    const list = (node.config as MemberPriceConfig).list;
    if (list.mode !== "inline") return [];
    const name = `${flowName} · ${node.name ?? nodeKindSpec("member_price").summary(node.config as MemberPriceConfig, "zh-CN")}`.slice(0, 80);
    return [{ id: inlinePriceListId(flowId, node.id), nodeId: node.id, name, ...list }];
  });
}

function inlineMessages(definition: FlowDefinition) {
  return definition.nodes.flatMap((node) => {
    if (node.kind !== "send_notification") return [];
    const { channel, content } = node.config as SendNotificationConfig;
    return content.mode === "inline" ? [{ nodeId: node.id, channel, title: content.title, body: content.body }] : [];
  });
}

function inlineBanners(definition: FlowDefinition) {
  return definition.nodes.flatMap((node) => {
    if (node.kind !== "show_banner") return [];
    const { banner } = node.config as ShowBannerConfig;
    return banner.mode === "inline" ? [{ nodeId: node.id, ...banner }] : [];
  });
}

const allowedTransitions: Record<FlowStatus, FlowStatus[]> = {
  draft: ["archived"],
  active: ["paused", "archived"],
  paused: ["active", "archived"],
  archived: [],
};

export async function setFlowStatus(db: Db, input: { id: string; status: "active" | "paused" | "archived" }, actor = "system") {
  const flow = await db.flow.findUnique({ where: { id: input.id }, select: { status: true, currentVersionId: true } });
  if (!flow) throw new FlowError("not_found", `Flow ${input.id} does not exist`);
  if (!allowedTransitions[flow.status].includes(input.status)) {
    throw new FlowError("conflict", `A ${flow.status} flow cannot become ${input.status}`);
  }
  // Pausing only stops new entries and new work (the engine runs active flows only); resuming picks
  // up what fell due meanwhile; archiving ends the journeys. One transaction with the status.
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.flow.update({ where: { id: input.id }, data: { status: input.status } });
    if (input.status === "archived") await archiveFlowEngine(prismaTx(tx), input.id, new Date());
    await tx.auditLog.create({
      data: { actor, action: `flow.${input.status === "active" ? "resume" : input.status === "paused" ? "pause" : "archive"}`, entityType: "flow", entityId: input.id },
    });
    return row;
  });
  if (input.status !== "active") await announceFlowStopped(input.id);
  return updated;
}

export async function loadVersionDefinition(db: Db, flowId: string, versionId: string | "draft") {
  if (versionId === "draft") {
    const flow = await db.flow.findUnique({ where: { id: flowId }, select: { draft: true } });
    if (!flow) throw new FlowError("not_found", `Flow ${flowId} does not exist`);
    return flowDraftSchema.parse(flow.draft);
  }
  const version = await db.flowVersion.findFirst({ where: { id: versionId, flowId } });
  if (!version) throw new FlowError("not_found", `Version ${versionId} does not belong to flow ${flowId}`);
  // Compared in today's format, so an upgrade alone is not reported as a change.
  return flowDraftSchema.parse(upgradeDefinition(version.definition, version.definitionSchema));
}

/**
 * What changed between two versions (or a version and the draft), node by node, with the name
 * and kind of every node involved (a removed node exists only in the older definition).
 */
export async function compareVersions(db: Db, input: { flowId: string; from: string | "draft"; to: string | "draft" }) {
  const [from, to] = await Promise.all([loadVersionDefinition(db, input.flowId, input.from), loadVersionDefinition(db, input.flowId, input.to)]);
  return compareDefinitions(from, to);
}

/** The diff of two definitions with the nodes it mentions, as the versions view shows it. */
export function compareDefinitions(from: FlowDraft, to: FlowDraft) {
  const diff = diffFlows(from, to);
  // Every node the diff mentions, as it is in the newer side (removed ones from the older), so the
  // view can name nodes and branches; changed nodes on both sides, to show what they became.
  const involved = new Set([
    ...diff.added,
    ...diff.removed,
    ...diff.changed.map((c) => c.nodeId),
    ...[...diff.edgesAdded, ...diff.edgesRemoved].flatMap((e) => [e.source, e.target]),
  ]);
  const nodes: Record<string, FlowDraft["nodes"][number]> = {};
  for (const node of [...from.nodes, ...to.nodes]) if (involved.has(node.id)) nodes[node.id] = node;
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const changes: Record<string, { before: FlowDraft["nodes"][number]; after: FlowDraft["nodes"][number] }> = {};
  for (const c of diff.changed) changes[c.nodeId] = { before: before.get(c.nodeId)!, after: nodes[c.nodeId]! };
  return { ...diff, nodes, changes };
}

export async function revertDraft(db: Db, input: { flowId: string; versionId: string }, actor = "system") {
  const version = await db.flowVersion.findFirst({ where: { id: input.versionId, flowId: input.flowId } });
  if (!version) throw new FlowError("not_found", `Version ${input.versionId} does not belong to flow ${input.flowId}`);
  const flow = await db.flow.update({
    where: { id: input.flowId },
    // Drafts are always today's format: an older version is upgraded on its way back.
    data: { draft: upgradeDefinition(version.definition, version.definitionSchema) as Prisma.InputJsonValue, draftLayout: version.layout as Prisma.InputJsonValue, draftUpdatedAt: new Date() },
  });
  await db.auditLog.create({
    data: { actor, action: "flow.revert", entityType: "flow", entityId: input.flowId, details: { version: version.version } },
  });
  return flow;
}

export async function duplicateFlow(db: Db, id: string, actor = "system") {
  const flow = await db.flow.findUnique({ where: { id } });
  if (!flow) throw new FlowError("not_found", `Flow ${id} does not exist`);
  return createFlow(
    db,
    {
      name: `${flow.name} (copy)`.slice(0, 120),
      description: flow.description,
      definition: flowDraftSchema.parse(flow.draft),
      layout: layoutSchema.parse(flow.draftLayout),
    },
    actor,
  );
}

export async function exportFlow(db: Db, id: string): Promise<FlowFile> {
  const flow = await db.flow.findUnique({ where: { id } });
  if (!flow) throw new FlowError("not_found", `Flow ${id} does not exist`);
  return {
    format: FLOW_FILE_FORMAT,
    formatVersion: CURRENT_DEFINITION_SCHEMA,
    name: flow.name,
    description: flow.description,
    definition: flowDraftSchema.parse(flow.draft),
    layout: layoutSchema.parse(flow.draftLayout),
  };
}

/** Imports create a new flow (never overwrite); with `publish`, it is published at once. */
export async function importFlow(db: Db, file: unknown, options: { publish?: boolean } = {}, actor = "system") {
  const parsed = flowFileSchema.safeParse(file);
  if (!parsed.success) {
    throw new FlowError(
      "invalid",
      `Not a valid flow file: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ")}`,
    );
  }
  const definition = flowDraftSchema.parse(upgradeDefinition(parsed.data.definition, parsed.data.formatVersion));
  const flow = await createFlow(db, { ...parsed.data, definition }, actor);
  if (!options.publish) return { flow, published: null };
  try {
    return { flow, published: await publishFlow(db, { id: flow.id, note: "imported" }, actor) };
  } catch (error) {
    // Nothing half-applied: an import that was asked to publish and cannot is not kept.
    await db.flow.delete({ where: { id: flow.id } });
    throw error;
  }
}
