// Which flows use a library item: what the library shows beside each coupon, price list, banner
// or message, and what archiving one concerns. A node either picks an item (`existingMode`, its
// id at config.<field>.<idKey>) or describes one inline, which is then its own library item
// with the id flow_<flow>_<node> (inlineTemplateId and its twins).
import type { PrismaClient } from "@prisma/client";

export type FlowUse = { id: string; name: string; status: string };
export type LibraryPointer = { kind: string; field: string; existingMode: string; idKey: string };

export async function flowsUsingLibrary(db: PrismaClient, { kind, field, existingMode, idKey }: LibraryPointer): Promise<Map<string, FlowUse[]>> {
  const rows = await db.$queryRaw<{ item_id: string; id: string; name: string; status: string }[]>`
    SELECT DISTINCT x.item_id, f.id, f.name, f.status::text AS status
    FROM flows f
    CROSS JOIN LATERAL (SELECT f.draft AS d UNION ALL SELECT v.definition FROM flow_versions v WHERE v.id = f.current_version_id) defs
    CROSS JOIN LATERAL jsonb_array_elements(defs.d->'nodes') n
    CROSS JOIN LATERAL (SELECT CASE WHEN n->'config'->${field}->>'mode' = ${existingMode} THEN n->'config'->${field}->>${idKey}
                                    ELSE 'flow_' || f.id || '_' || (n->>'id') END AS item_id) x
    WHERE n->>'kind' = ${kind} AND x.item_id IS NOT NULL
    ORDER BY f.name`;
  const byItem = new Map<string, FlowUse[]>();
  for (const r of rows) byItem.set(r.item_id, [...(byItem.get(r.item_id) ?? []), { id: r.id, name: r.name, status: r.status }]);
  return byItem;
}
