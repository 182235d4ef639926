// The tRPC error boundary over real HTTP handling (the fetch adapter the app serves): what a
// client sees when a procedure fails in an unforeseen way, or is sent text PostgreSQL cannot
// store. No database here: the formatter and the text guard are under test, not a service.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

vi.mock("server-only", () => ({}));
vi.mock("@/server/db", () => ({ db: {} }));
vi.mock("@/server/auth/session", () => ({ getSession: async () => null }));

const { createTRPCRouter, publicProcedure } = await import("./trpc");

const router = createTRPCRouter({
  boom: publicProcedure.query(() => {
    throw new Error('duplicate key value violates unique constraint "members_pkey"');
  }),
  echo: publicProcedure.input(z.object({ search: z.string(), tags: z.array(z.string()).default([]) })).query(({ input }) => input),
});

async function call(path: string, input: unknown) {
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://app.test/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`),
    router,
    createContext: () => ({ db: {} as never, session: null, headers: new Headers() }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { json: { message: string; data: Record<string, unknown> } }; result?: unknown } };
}

afterEach(() => vi.restoreAllMocks());

describe("the tRPC error boundary", () => {
  it("answers an unforeseen failure with a reference, and logs the whole error under it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const { status, body } = await call("boom", null);
    expect(status).toBe(500);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/duplicate key|members_pkey|stack|\.ts:\d+/);
    const reference = body.error!.json.data.reference as string;
    expect(reference).toMatch(/^[0-9a-f]{8}$/);
    expect(body.error!.json.message).toBe(`Something went wrong on our side. Reference: ${reference}`);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(reference), expect.objectContaining({ message: expect.stringContaining("duplicate key") }));
  });

  it("refuses NUL and other control characters anywhere in the input with 400, naming each field", async () => {
    const { status, body } = await call("echo", { search: "a\u0000b", tags: ["ok", "bad\u0007"] });
    expect(status).toBe(400);
    expect(body.error!.json.data.zodError).toEqual({
      formErrors: [],
      fieldErrors: { search: ["Must not contain control characters (such as NUL)"], tags: ["Must not contain control characters (such as NUL)"] },
    });
    expect((await call("echo", { search: "tab\tand\nnewline are fine" })).status).toBe(200);
  });
});
