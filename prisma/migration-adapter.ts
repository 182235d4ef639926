// Prisma's migration engine runs offline here through the driver-adapter route (the native
// schema engine cannot be downloaded). @prisma/adapter-pg 6.19 needs four small repairs to
// serve migrations; each is marked below. See README "Database".
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

const PG_CHAR_OID = 18;
const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

type PgResult = { fields: { dataTypeID: number }[] };
type Patchable = {
  performIO: (query: unknown) => Promise<PgResult>;
  startTransaction?: (isolationLevel?: string) => Promise<unknown>;
  executeScript?: (script: string) => Promise<void>;
  underlyingDriver: () => pg.Pool | pg.PoolClient;
  onError: (error: unknown) => never;
};

// Repair 1: introspection returns `char`/`name` columns, which the adapter cannot map
// (prisma/orm#27403). They are plain text to Prisma.
function reportNamesAsText(queryable: Patchable): void {
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) {
      if (field.dataTypeID === PG_CHAR_OID || field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
}

function patchAdapter<T extends object>(adapter: T): T {
  const queryable = adapter as unknown as Patchable;
  reportNamesAsText(queryable);
  // Repair 2: the stock executeScript splits on ";", which breaks `$$` bodies and comments.
  // The simple query protocol runs a whole multi-statement script in one round trip.
  queryable.executeScript = async (script: string) => {
    try {
      await (queryable.underlyingDriver() as pg.Pool).query(script);
    } catch (error) {
      queryable.onError(error);
    }
  };
  const startTransaction = queryable.startTransaction?.bind(queryable);
  if (startTransaction) {
    queryable.startTransaction = async (isolationLevel?: string) => {
      const tx = (await startTransaction(isolationLevel)) as Patchable;
      reportNamesAsText(tx);
      return tx;
    };
  }
  return adapter;
}

export function connectionFields(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, "")),
  };
}

export class MigrationAdapterFactory extends PrismaPg {
  private readonly fields: pg.PoolConfig;

  constructor(url: string) {
    const fields = connectionFields(url);
    // Fields, not a URL: the shadow database config is built as {...config, database}.
    // allowExitOnIdle: the CLI never closes the pool, whose idle clients would otherwise keep
    // the process alive for pg's 10 s idle timeout after the work is done.
    super({ ...fields, allowExitOnIdle: true });
    this.fields = fields;
  }

  override async connect() {
    return patchAdapter(await super.connect());
  }

  // Repair 3: the stock shadow database is dropped while its pool is still connected.
  override async connectToShadowDb() {
    const database = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
    const admin = new pg.Client(this.fields);
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const shadow = new PrismaPg({ ...this.fields, database, allowExitOnIdle: true });
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const dropper = new pg.Client(this.fields);
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await dropper.end();
    };
    return patchAdapter(adapter);
  }
}

// Repair 4: the WASM schema engine leaves long timers behind and the CLI lingers for up to
// a minute after it has finished. Long timers must not keep the process alive.
export function unrefLongTimers(thresholdMs = 1000): void {
  const originalSetTimeout = globalThis.setTimeout;
  const originalSetInterval = globalThis.setInterval;
  globalThis.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const timer = originalSetTimeout(handler as () => void, ms, ...args);
    if ((ms ?? 0) >= thresholdMs) (timer as unknown as NodeJS.Timeout).unref?.();
    return timer;
  }) as typeof setTimeout;
  globalThis.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const timer = originalSetInterval(handler as () => void, ms, ...args);
    if ((ms ?? 0) >= thresholdMs) (timer as unknown as NodeJS.Timeout).unref?.();
    return timer;
  }) as typeof setInterval;
}
