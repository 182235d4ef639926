// Publish approval. With "Publishing needs approval" on (Settings, admins), a marketer's publish
// becomes a request holding the draft exactly as asked for; an approver reviews it (the diff against
// the live version, the entry audience and the forecast) and approves it — which publishes that
// snapshot in the same transaction as the request's status — or rejects it with a comment.
// Approvers (roles.ts `approveFlows`) publish directly. Every step is in the audit log.
import "server-only";

import { Prisma, type PrismaClient } from "@prisma/client";
import { DomainError } from "@/server/errors";
import { can, actorOf, type Session } from "@/server/auth/roles";
import { audit } from "@/server/audit/service";
import { emptyFlowDefinition, flowDraftSchema, type FlowDraft } from "@/server/flows/definition";
import { upgradeDefinition } from "@/server/flows/upgrade";
import { validateFlow } from "@/server/flows/validate";
import {
  compareDefinitions,
  FlowError,
  importFlow,
  publishableDefinition,
  publishFlow,
  referenceContext,
  sameDefinition,
  writeVersion,
  type PublishInput,
} from "@/server/flows/service";
import { forecastSnapshot } from "@/server/engine/previews";
import type { Pool } from "@/server/db/sql";
import {
  approvalSettingInput,
  approveInput,
  publishRequestInput,
  rejectInput,
  type ApprovalSetting,
} from "./schemas";
import type { z } from "zod";

type Db = PrismaClient;

// ── the setting ──

export async function approvalSetting(db: Db): Promise<ApprovalSetting & { updatedAt: Date | null }> {
  const row = await db.appSettings.findUnique({ where: { id: 1 } });
  return { publishNeedsApproval: row?.publishNeedsApproval ?? false, updatedAt: row?.updatedAt ?? null };
}

export async function saveApprovalSetting(db: Db, session: Session, raw: ApprovalSetting) {
  const input = approvalSettingInput.parse(raw);
  return db.$transaction(async (tx) => {
    const before = await tx.appSettings.findUnique({ where: { id: 1 } });
    const row = await tx.appSettings.upsert({
      where: { id: 1 },
      create: { id: 1, publishNeedsApproval: input.publishNeedsApproval },
      update: { publishNeedsApproval: input.publishNeedsApproval },
    });
    if ((before?.publishNeedsApproval ?? false) !== input.publishNeedsApproval) {
      await audit(tx, session, {
        action: "settings.publish_approval",
        entityType: "settings",
        entityId: "publish_approval",
        details: { from: before?.publishNeedsApproval ?? false, to: input.publishNeedsApproval },
      });
    }
    return { publishNeedsApproval: row.publishNeedsApproval, updatedAt: row.updatedAt };
  });
}

/** Whether this user's publish must wait for an approver (approvers themselves publish directly). */
export async function mustRequestApproval(db: Db, session: Session): Promise<boolean> {
  if (can(session.user, "approveFlows")) return false;
  return (await approvalSetting(db)).publishNeedsApproval;
}

const needsApproval = () =>
  new DomainError("forbidden", "Publishing needs approval: send the flow for approval instead of publishing it");

/** Publish, unless the setting says this user must ask for approval. */
export async function publishDirectly(db: Db, session: Session, input: PublishInput) {
  if (await mustRequestApproval(db, session)) throw needsApproval();
  return publishFlow(db, input, actorOf(session));
}

/** An import asked to publish goes through the same rule. */
export async function importAndPublish(db: Db, session: Session, file: unknown, options: { publish: boolean }) {
  if (options.publish && (await mustRequestApproval(db, session))) throw needsApproval();
  return importFlow(db, file, options, actorOf(session));
}

// ── requests ──

const person = { select: { id: true, name: true, email: true } } as const;

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string }; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return e.code === "P2002" || e.code === "23505" || e.cause?.code === "23505" || e.meta?.driverAdapterError?.cause?.originalCode === "23505";
}

async function pendingConflict(db: Prisma.TransactionClient, flowId: string) {
  const pending = await db.flowPublishRequest.findFirst({ where: { flowId, status: "pending" }, include: { requestedBy: person } });
  if (!pending) return null;
  return new DomainError(
    "conflict",
    `A publish request for this flow is already waiting for approval (sent by ${pending.requestedBy.name}); withdraw it before sending another`,
    { requestId: pending.id },
  );
}

/**
 * A marketer's publish while approval is on: checked as a publish is (no errors, something changed),
 * and kept as a snapshot of the draft now. One pending request per flow.
 */
export async function requestPublish(db: Db, session: Session, raw: z.input<typeof publishRequestInput>) {
  const input = publishRequestInput.parse(raw);
  if (!(await approvalSetting(db)).publishNeedsApproval) {
    throw new DomainError("conflict", "Publishing does not need approval now: publish the flow directly");
  }
  const flow = await db.flow.findUnique({ where: { id: input.flowId } });
  if (!flow) throw new FlowError("not_found", `Flow ${input.flowId} does not exist`);
  if (flow.status === "archived") throw new FlowError("archived", "An archived flow cannot be published");
  const conflict = await pendingConflict(db, flow.id);
  if (conflict) throw conflict;
  const draft = flowDraftSchema.parse(flow.draft);
  await publishableDefinition(db, flow.id, draft, input.migrate);
  try {
    return await db.$transaction(async (tx) => {
      const request = await tx.flowPublishRequest.create({
        data: {
          flowId: flow.id,
          definition: draft as unknown as Prisma.InputJsonValue,
          layout: flow.draftLayout as Prisma.InputJsonValue,
          note: input.note ?? "",
          migrate: input.migrate ?? Prisma.DbNull,
          requestedById: session.user.id,
        },
      });
      await audit(tx, session, {
        action: "flow.publish_request",
        entityType: "flow",
        entityId: flow.id,
        details: { requestId: request.id, ...(input.note ? { note: input.note } : {}) },
      });
      return request;
    });
  } catch (error) {
    // Two requests at once: the partial unique index lets one through.
    if (isUniqueViolation(error)) throw (await pendingConflict(db, flow.id)) ?? error;
    throw error;
  }
}

/** Locks a request for a decision and checks it is still pending. */
async function pendingForDecision(tx: Prisma.TransactionClient, requestId: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM flow_publish_requests WHERE id = ${requestId} FOR UPDATE`;
  if (locked.length === 0) throw new DomainError("not_found", `Publish request ${requestId} does not exist`);
  const request = await tx.flowPublishRequest.findUniqueOrThrow({ where: { id: requestId }, include: { flow: true } });
  if (request.status !== "pending") throw new DomainError("conflict", `This request was already ${request.status}`);
  return request;
}

function refuseOwnRequest(session: Session, requestedById: string) {
  if (requestedById === session.user.id) {
    throw new DomainError("forbidden", "You cannot approve or reject your own publish request: another approver decides");
  }
}

/** The requester takes a pending request back (to change the draft and send it again). */
export async function withdrawPublishRequest(db: Db, session: Session, requestId: string) {
  return db.$transaction(async (tx) => {
    const request = await pendingForDecision(tx, requestId);
    if (request.requestedById !== session.user.id) throw new DomainError("forbidden", "Only the person who sent a request can withdraw it");
    const updated = await tx.flowPublishRequest.update({ where: { id: request.id }, data: { status: "withdrawn" } });
    await audit(tx, session, { action: "flow.publish_withdraw", entityType: "flow", entityId: request.flowId, details: { requestId } });
    return updated;
  });
}

/** Publishes exactly the requested snapshot, with the request's status, in one transaction. */
export async function approvePublishRequest(db: Db, session: Session, raw: z.input<typeof approveInput>) {
  const input = approveInput.parse(raw);
  return db.$transaction(
    async (tx) => {
      const request = await pendingForDecision(tx, input.requestId);
      refuseOwnRequest(session, request.requestedById);
      if (request.flow.status === "archived") throw new FlowError("archived", "The flow was archived: this request cannot be published");
      const snapshot = flowDraftSchema.parse(request.definition);
      const migrate = (request.migrate ?? undefined) as PublishInput["migrate"];
      // Checked again now: a template it uses may have been archived since, or the same version published.
      const { definition } = await publishableDefinition(tx, request.flowId, snapshot, migrate);
      const published = await writeVersion(
        tx,
        request.flow,
        { definition, layout: request.layout, note: request.note, migrate },
        actorOf(session),
        { requestId: request.id },
      );
      const comment = input.comment || null;
      await tx.flowPublishRequest.update({
        where: { id: request.id },
        data: { status: "approved", decidedById: session.user.id, decidedAt: new Date(), comment, publishedVersionId: published.versionId },
      });
      await audit(tx, session, {
        action: "flow.publish_approve",
        entityType: "flow",
        entityId: request.flowId,
        details: { requestId: request.id, version: published.version, ...(comment ? { comment } : {}) },
      });
      return published;
    },
    { timeout: 30_000 },
  );
}

/** Keeps the live version as it is; the comment tells the requester why. */
export async function rejectPublishRequest(db: Db, session: Session, raw: z.input<typeof rejectInput>) {
  const input = rejectInput.parse(raw);
  return db.$transaction(async (tx) => {
    const request = await pendingForDecision(tx, input.requestId);
    refuseOwnRequest(session, request.requestedById);
    const updated = await tx.flowPublishRequest.update({
      where: { id: request.id },
      data: { status: "rejected", decidedById: session.user.id, decidedAt: new Date(), comment: input.comment },
    });
    await audit(tx, session, {
      action: "flow.publish_reject",
      entityType: "flow",
      entityId: request.flowId,
      details: { requestId: request.id, comment: input.comment },
    });
    return updated;
  });
}

// ── reading ──

const requestView = {
  requestedBy: person,
  decidedBy: person,
  publishedVersion: { select: { version: true } },
} as const;

type RequestRow = Prisma.FlowPublishRequestGetPayload<{ include: typeof requestView }>;

function describe(row: RequestRow) {
  return {
    id: row.id,
    flowId: row.flowId,
    status: row.status,
    note: row.note,
    migrate: row.migrate !== null,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    comment: row.comment,
    publishedVersion: row.publishedVersion?.version ?? null,
  };
}
export type PublishRequestView = ReturnType<typeof describe>;

/** For the builder: the request waiting now, and the latest decision (the requester reads its comment). */
export async function publishRequestsOfFlow(db: Db, flowId: string) {
  const [pending, decided] = await Promise.all([
    db.flowPublishRequest.findFirst({ where: { flowId, status: "pending" }, include: requestView }),
    db.flowPublishRequest.findFirst({ where: { flowId, status: { in: ["approved", "rejected"] } }, orderBy: { decidedAt: "desc" }, include: requestView }),
  ]);
  return { pending: pending ? describe(pending) : null, lastDecision: decided ? describe(decided) : null };
}

/** Requests waiting for a decision, oldest first (the approver's queue). */
export async function pendingPublishRequests(db: Db) {
  const rows = await db.flowPublishRequest.findMany({
    where: { status: "pending" },
    orderBy: { requestedAt: "asc" },
    include: { ...requestView, flow: { select: { name: true } } },
    take: 200,
  });
  return rows.map((row) => ({ ...describe(row), flowName: row.flow.name }));
}

async function loadRequest(db: Db, requestId: string) {
  const request = await db.flowPublishRequest.findUnique({
    where: { id: requestId },
    include: { ...requestView, flow: { select: { id: true, name: true, status: true, draft: true, currentVersion: true } } },
  });
  if (!request) throw new DomainError("not_found", `Publish request ${requestId} does not exist`);
  return request;
}

/**
 * What the approver reads: the requested snapshot against the live version (the versions view's
 * compare), its validation now, and whether the draft has moved on since (the snapshot is what counts).
 */
export async function reviewPublishRequest(db: Db, requestId: string) {
  const request = await loadRequest(db, requestId);
  const snapshot = flowDraftSchema.parse(request.definition);
  const live = request.flow.currentVersion;
  const liveDefinition: FlowDraft = live ? flowDraftSchema.parse(upgradeDefinition(live.definition, live.definitionSchema)) : emptyFlowDefinition();
  const draftNow = flowDraftSchema.parse(request.flow.draft);
  return {
    request: describe(request),
    flow: { id: request.flow.id, name: request.flow.name, status: request.flow.status },
    liveVersion: live ? { id: live.id, version: live.version, publishedAt: live.publishedAt } : null,
    diff: compareDefinitions(liveDefinition, snapshot),
    issues: validateFlow(snapshot, await referenceContext(db, snapshot)),
    draftChangedSince: !sameDefinition(snapshot, draftNow),
  };
}

/** The engine's forecast of the requested snapshot: entry audience, coupons, face value, messages. */
export async function forecastPublishRequest(db: Db, pool: Pool, requestId: string) {
  const request = await loadRequest(db, requestId);
  return forecastSnapshot(db, pool, { flowId: request.flowId, draft: flowDraftSchema.parse(request.definition) });
}
