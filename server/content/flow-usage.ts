// Which flows use a library item: what the library shows beside each coupon, price list, banner
// or message, and what archiving one concerns. A node either picks an item (`existingMode`, its
// id at config.<field>.<idKey>) or describes one inline, which is then its own library item
// with the id flow_<flow>_<node> (inlineTemplateId and its twins).
import type { PrismaClient } from "@prisma/client";
import { DomainError } from "@/server/errors";

export type FlowUse = { id: string; name: string; status: string };
export type LibraryPointer = { kind: string; field: string; existingMode: string; idKey: string };

/** Per item id, the flows whose draft or live version use it (only the given ids when `ids` is set). */
export async function flowsUsingLibrary(db: PrismaClient, { kind, field, existingMode, idKey }: LibraryPointer, ids?: string[]): Promise<Map<string, FlowUse[]>> {
  const only = ids ?? null;
  const rows = await db.$queryRaw<{ item_id: string; id: string; name: string; status: string }[]>`
    SELECT DISTINCT x.item_id, f.id, f.name, f.status::text AS status
    FROM flows f
    CROSS JOIN LATERAL (SELECT f.draft AS d UNION ALL SELECT v.definition FROM flow_versions v WHERE v.id = f.current_version_id) defs
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(defs.d->'nodes') = 'array' THEN defs.d->'nodes' ELSE '[]'::jsonb END) n
    CROSS JOIN LATERAL (SELECT CASE WHEN n->'config'->${field}->>'mode' = ${existingMode} THEN n->'config'->${field}->>${idKey}
                                    ELSE 'flow_' || f.id || '_' || (n->>'id') END AS item_id) x
    WHERE n->>'kind' = ${kind} AND x.item_id IS NOT NULL AND (${only}::text[] IS NULL OR x.item_id = ANY(${only}::text[]))
    ORDER BY f.name`;
  const byItem = new Map<string, FlowUse[]>();
  for (const r of rows) byItem.set(r.item_id, [...(byItem.get(r.item_id) ?? []), { id: r.id, name: r.name, status: r.status }]);
  return byItem;
}

/**
 * A flow's own item takes what its node describes from the flow: a library edit of such a field
 * would leave the canvas showing other terms and be overwritten at the next publish, so it is
 * refused, naming the field. What the node does not describe stays editable here.
 */
export function refuseFlowOwnEdit(sourceFlowId: string | null, changed: readonly string[], writtenInFlow: readonly string[]): void {
  const field = changed.find((f) => writtenInFlow.includes(f));
  if (sourceFlowId && field) {
    throw new DomainError("invalid", "This is written in its flow's node: change it there", { field, sourceFlowId });
  }
}
