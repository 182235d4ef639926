import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import { runHook } from "./engine-hook";

// Every app procedure against hostile input, over HTTP against the running app. The procedures
// come from the router itself (e2e/procedures-cli.ts), each with the JSON Schema of its input, so
// a new procedure is fuzzed without anyone adding it here. Two phases:
// 1. refused: every mutation gets input it must refuse (NUL in a text field, the wrong type):
//    every answer a 4xx, and the tables app mutations write hold exactly the rows they held;
// 2. generated: every procedure gets inputs built from its own schema, some with a hostile value
//    spliced in: never a 5xx, every 400 names what is wrong, and no answer carries a database
//    message or a stack.
// TRPC_FUZZ_RUNS sets the number of calls (default 10,000).

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
};
type Procedure = { path: string; type: "query" | "mutation"; schema: JsonSchema | null };

const RUNS = Number(process.env.TRPC_FUZZ_RUNS ?? 10_000);
const LEAK_TEXT = /prisma|postgres|invalid byte sequence|DriverAdapter|node_modules|\bat [\w$.<>]+ \(|\.ts:\d+|duplicate key|violates|relation "/i;
// SQL as the driver prints it (upper case): "Select a band…" is a product message, not a leak.
const LEAK_SQL = /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WITH)\b[^"\n]*\b(FROM|VALUES|SET|WHERE|AS)\b/;
const leaks = (text: string) => LEAK_TEXT.test(text) || LEAK_SQL.test(text);

async function listProcedures(): Promise<Procedure[]> {
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  const { stdout } = await promisify(execFile)("npx", ["tsx", "--conditions=react-server", path.join(process.cwd(), "e2e", "procedures-cli.ts")], {
    cwd: process.cwd(),
    env: { ...env, DATABASE_URL: env.DATABASE_URL ?? `postgresql://postgres:memberflow@127.0.0.1:${env.MEMBERFLOW_PG_PORT ?? 54329}/memberflow` },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Procedure[];
}

/** Values a schema accepts (mostly): JSON Schema → fast-check, depth-bounded, $refs resolved. */
function arbitraryOf(schema: JsonSchema, defs: Record<string, JsonSchema>, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.$ref) {
    const target = defs[schema.$ref.replace(/^#\/\$defs\//, "")];
    return target ? arbitraryOf(target, defs, depth + 1) : fc.constant({});
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((s) => arbitraryOf(s, defs, depth + 1)));
  if (schema.allOf?.length) return arbitraryOf(Object.assign({}, ...schema.allOf), defs, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const props = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      return fc.record(Object.fromEntries(props.map(([k, s]) => [k, arbitraryOf(s, defs, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      });
    }
    case "array":
      if (schema.prefixItems) return fc.tuple(...schema.prefixItems.map((s) => arbitraryOf(s, defs, depth + 1)));
      return fc.array(arbitraryOf(schema.items ?? {}, defs, depth + 1), { minLength: Math.min(schema.minItems ?? 0, 3), maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case "string":
      return fc.string({ minLength: Math.min(schema.minLength ?? 0, 20), maxLength: Math.min(schema.maxLength ?? 24, 24) });
    case "integer":
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e9), max: Math.min(schema.maximum ?? 1000, 1e9) });
    case "number":
      return fc.double({ min: Math.max(schema.minimum ?? -1000, -1e9), max: Math.min(schema.maximum ?? 1000, 1e9), noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const controlText = fc.string({ maxLength: 12 }).map((s) => `${s}\u0000${s}\u0007`);
const deep = fc.integer({ min: 50, max: 300 }).map((n) => {
  let v: unknown = "bottom";
  for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v]; // a chain, not a shared tree (which would be 2^n when serialized)
  return v;
});
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  controlText,
  fc.constantFrom(null, true, -1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e-308, "", " ", "NaN", "<script>", "' OR 1=1 --", "../../etc/passwd"),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.array(fc.integer(), { minLength: 1_000, maxLength: 5_000 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 30 }),
  deep,
);

/** Replaces one value somewhere in `value` (or the whole of it) by `replacement`. */
function splice(value: unknown, replacement: unknown, choice: number): unknown {
  const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown, level: number) => {
    if (level > 8 || v === null || typeof v !== "object") return;
    for (const [k, child] of Object.entries(v as object)) {
      slots.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child, level + 1);
    }
  };
  const copy = structuredClone(value);
  walk(copy, 0);
  if (slots.length === 0 || choice % (slots.length + 1) === slots.length) return replacement;
  const slot = slots[choice % (slots.length + 1)]!;
  (slot.parent as Record<string | number, unknown>)[slot.key] = replacement;
  return copy;
}

/** One call the way the app's tRPC client makes it (superjson envelope, no batching). */
async function call(request: APIRequestContext, procedure: Procedure, input: unknown) {
  const url = `/api/trpc/${procedure.path}`;
  const envelope = JSON.stringify({ json: input });
  const response =
    procedure.type === "query"
      ? await request.get(`${url}?input=${encodeURIComponent(envelope)}`, { failOnStatusCode: false, maxRedirects: 0 })
      : await request.post(url, { data: envelope, headers: { "content-type": "application/json" }, failOnStatusCode: false, maxRedirects: 0 });
  return { status: response.status(), text: await response.text() };
}

type Answer = Awaited<ReturnType<typeof call>>;
function checkAnswer(procedure: Procedure, input: unknown, answer: Answer) {
  const where = `${procedure.path} ${JSON.stringify(input)?.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 400)}`;
  expect(answer.status, where).toBeLessThan(500);
  expect(leaks(answer.text), `leaks an internal message: ${where}`).toBe(false);
  if (answer.status === 400 && answer.text.startsWith("{")) {
    const data = (JSON.parse(answer.text) as { error?: { json?: { data?: { zodError?: { formErrors: string[]; fieldErrors: Record<string, string[]> } | null; domainError?: unknown } } } }).error?.json?.data;
    // A client's mistake says what is wrong: a field (or the input as a whole), or the rule broken.
    const named = !!data?.domainError || (!!data?.zodError && (data.zodError.formErrors.length > 0 || Object.keys(data.zodError.fieldErrors).length > 0));
    expect(named, `a 400 that names nothing: ${where}`).toBe(true);
  }
}

async function inPool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

let procedures: Procedure[];
test.beforeAll(async () => {
  procedures = (await listProcedures()).filter((p) => p.type === "query" || p.type === "mutation");
});

test("the router's procedures are all found, queries and mutations", () => {
  const paths = procedures.map((p) => p.path);
  // A few of each area, so an empty or partial listing cannot pass.
  expect(paths).toEqual(expect.arrayContaining(["members.list", "audiences.list", "flows.saveDraft", "storefront.createKey", "content.createCouponTemplate"]));
  expect(procedures.filter((p) => p.type === "mutation").length).toBeGreaterThan(15);
});

test(`refused input changes nothing: ${Math.round(RUNS * 0.2)} hostile mutation calls, every one a 4xx, no table changed`, async ({ request }) => {
  test.setTimeout(600_000);
  const mutations = procedures.filter((p) => p.type === "mutation" && p.schema);
  const before = await runHook<Record<string, number>>("table-counts");
  const calls = fc.sample(
    fc.record({
      procedure: fc.constantFrom(...mutations),
      seed: fc.nat(),
      choice: fc.nat(),
      text: controlText,
      wrongType: fc.constantFrom(42, "text", [1, 2], true),
      mode: fc.constantFrom("nul", "wrong-type"),
    }),
    Math.round(RUNS * 0.2),
  );
  await inPool(calls, 4, async ({ procedure, seed, choice, text, wrongType, mode }) => {
    const valid = fc.sample(arbitraryOf(procedure.schema!, procedure.schema!.$defs ?? {}), { numRuns: 1, seed })[0];
    // NUL in some text (or the whole input) is refused before any schema; an object where a
    // number, string, array or boolean is expected is refused by the schema.
    const input = mode === "nul" ? splice(valid, text, choice) : procedure.schema!.type === "object" ? wrongType : { ...(valid as object), "\u0000": text };
    const answer = await call(request, procedure, input);
    checkAnswer(procedure, input, answer);
    expect(answer.status, `${procedure.path} accepted ${JSON.stringify(input).slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  });
  expect(await runHook<Record<string, number>>("table-counts")).toEqual(before);
});

test(`generated input: ${Math.round(RUNS * 0.8)} calls across every procedure, no 5xx, every 400 names the field, nothing internal leaks`, async ({ request }) => {
  test.setTimeout(900_000);
  const calls = fc.sample(
    fc.record({ procedure: fc.constantFrom(...procedures), seed: fc.nat(), choice: fc.nat(), bad: fc.option(hostile, { freq: 2 }) }),
    Math.round(RUNS * 0.8),
  );
  await inPool(calls, 4, async ({ procedure, seed, choice, bad }) => {
    const generated = procedure.schema ? fc.sample(arbitraryOf(procedure.schema, procedure.schema.$defs ?? {}), { numRuns: 1, seed })[0] : undefined;
    const input = bad === null ? generated : splice(generated, bad, choice);
    checkAnswer(procedure, input, await call(request, procedure, input));
  });
});
