// `npm run bench:storefront` — the wallet endpoint under load over loopback (autocannon), against a
// running production app (`npm run build && npm start`, or BASE_URL), beside a trivial JSON route
// of the same server (/api/ping: no key, no database) as the ceiling. Members are drawn at random
// from those holding something (coupons, banners or prices) and from the rest, so the cache of
// one member's page never flatters the figure. Prints key=value, the last line carrying the
// figures: wallet_rps wallet_p50_ms wallet_p99_ms ceiling_rps ceiling_p99_ms ratio.
//   BASE_URL (default http://localhost:3000)   DATABASE_URL (default: the dev embedded db)
//   --seconds N (default 15)   --connections N (default 32)
import autocannon from "autocannon";
import pg from "pg";
import { createPrismaClient } from "@/server/prisma-client";
import { createStorefrontKey, revokeStorefrontKey } from "@/server/storefront/keys";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg("seconds", 15);
const connections = arg("connections", 32);
const baseUrl = process.env.BASE_URL ?? "http://localhost:3000";
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres:memberflow@127.0.0.1:54329/memberflow";

const db = createPrismaClient(databaseUrl, 1);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
const { rows: counts } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM members");
const { rows: holders } = await pool.query<{ external_id: string }>(`
  SELECT m.external_id FROM members m
  WHERE m.id IN (SELECT member_id FROM coupons WHERE status = 'issued' UNION SELECT member_id FROM banners UNION SELECT member_id FROM member_prices)
  LIMIT 5000`);
const { rows: others } = await pool.query<{ external_id: string }>(`SELECT external_id FROM members TABLESAMPLE SYSTEM (1) LIMIT 5000`);
const members = [...holders, ...others].map((r) => r.external_id);
await pool.end();
if (members.length === 0) throw new Error("No members: seed first (npm run seed -- --members 1000000 --reset)");

const key = await createStorefrontKey(db, { name: "bench:storefront", scopes: ["wallet:read"], rateLimit: 10_000 }, { actor: "bench" });

type Result = autocannon.Result;
function run(title: string, setup: { path: string; headers?: Record<string, string> }, randomPath?: () => string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        title,
        requests: [
          {
            method: "GET",
            path: setup.path,
            headers: setup.headers,
            ...(randomPath ? { setupRequest: (request: autocannon.Request) => ({ ...request, path: randomPath() }) } : {}),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    void instance;
  });
}

const walletPath = () => `/api/storefront/v1/members/${encodeURIComponent(members[Math.floor(Math.random() * members.length)]!)}/wallet`;
const headers = { authorization: `Bearer ${key.key}` };
// Warm both routes (the first requests compile nothing in production, but fill the pools).
await run("warm-up", { path: walletPath(), headers }, walletPath).catch(() => undefined);
const wallet = await run("wallet", { path: walletPath(), headers }, walletPath);
const ceiling = await run("ceiling", { path: "/api/ping" });
await revokeStorefrontKey(db, key.id, { actor: "bench" });
await db.$disconnect();

const bad = wallet.non2xx + wallet.errors + wallet.timeouts;
const figures = {
  members: Number(counts[0]!.n),
  sampled_members: members.length,
  connections,
  seconds,
  wallet_requests: wallet.requests.total,
  wallet_failed: bad,
  wallet_rps: Math.round(wallet.requests.average),
  wallet_p50_ms: wallet.latency.p50,
  wallet_p99_ms: wallet.latency.p99,
  ceiling_rps: Math.round(ceiling.requests.average),
  ceiling_p99_ms: ceiling.latency.p99,
  ratio: Number((wallet.requests.average / ceiling.requests.average).toFixed(3)),
};
for (const [k, v] of Object.entries(figures).slice(0, 6)) console.log(`${k}=${v}`);
console.log(Object.entries(figures).slice(6).map(([k, v]) => `${k}=${v}`).join(" "));
