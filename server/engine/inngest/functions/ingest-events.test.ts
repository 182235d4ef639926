import { InngestTestEngine } from "@inngest/test";
import type { EventPayload } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { ingestEventPayloads } from "./events";
import { ingestEventsBatch } from "./ingest-events";
import { createMembers } from "@/server/testing/runtime-fixtures";

let t: TestDatabase;
let memberIds: number[];
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  memberIds = await createMembers(t.pool, 2);
});
afterAll(() => t.drop());

const at = "2026-03-10T02:00:00.000Z";

describe("ingest-events (Inngest function, batched)", () => {
  it("records a batch of events once per (source, id), per source, and drops malformed ones", async () => {
    const [a, b] = memberIds as [number, number];
    const storefront = ingestEventPayloads(
      [
        { id: "e-1", memberId: a, name: "visit", occurredAt: at, properties: { page: "/" } },
        { id: "e-2", memberId: b, name: "visit", occurredAt: at },
        { id: "e-1", memberId: a, name: "visit", occurredAt: at }, // a replay within the batch
      ],
      "storefront-1",
    );
    const app = ingestEventPayloads([{ id: "e-1", memberId: b, name: "sign_in", occurredAt: at }], "app");
    const malformed = { name: "memberflow/events.ingest", data: { source: "app", event: { id: "", memberId: -1 } } };
    const events: [EventPayload, ...EventPayload[]] = [storefront[0]!, ...storefront.slice(1), ...app, malformed];

    const { result } = await new InngestTestEngine({ function: ingestEventsBatch, events }).execute();
    expect(result).toEqual({ accepted: 3, duplicates: 1, unknownMembers: 0, invalid: 1 });

    const rows = (
      await t.pool.query<{ source: string; event_id: string; member_id: number; name: string }>(
        "SELECT source, event_id, member_id, name FROM member_events ORDER BY source, event_id",
      )
    ).rows;
    expect(rows).toEqual([
      { source: "app", event_id: "e-1", member_id: b, name: "sign_in" },
      { source: "storefront-1", event_id: "e-1", member_id: a, name: "visit" },
      { source: "storefront-1", event_id: "e-2", member_id: b, name: "visit" },
    ]);

    // The same batch again (an Inngest retry, a replay after 24 hours): nothing new.
    const again = await new InngestTestEngine({ function: ingestEventsBatch, events }).execute();
    expect(again.result).toEqual({ accepted: 0, duplicates: 4, unknownMembers: 0, invalid: 1 });
    expect((await t.pool.query("SELECT 1 FROM member_events")).rowCount).toBe(3);
  });

  it("gives each event an Inngest id from its source and id, so Inngest drops replays too", () => {
    expect(ingestEventPayloads([{ id: "o-9", memberId: 1, name: "order_placed", occurredAt: at }], "pos")).toEqual([
      { id: "pos:o-9", name: "memberflow/events.ingest", data: { source: "pos", event: { id: "o-9", memberId: 1, name: "order_placed", occurredAt: at } } },
    ]);
  });
});
