// COPY … FROM STDIN (text format): rows are encoded straight into a byte buffer per table
// (no per-row strings: at tens of millions of rows, string building and the garbage it
// leaves dominate the run time), then streamed one chunk at a time. One long COPY per
// table; the next chunk is generated while PostgreSQL ingests the previous one.
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const TAB = 9;
const NEWLINE = 10;
const DAY = 86_400_000;

/** "YYYY-MM-DD " per UTC day number, encoded on first use (the last one at hand: rows of a member come in runs of days). */
const dayPrefixes = new Map<number, Uint8Array>();
let lastDay = NaN;
let lastPrefix: Uint8Array = new Uint8Array(11);
function dayPrefix(day: number): Uint8Array {
  if (day === lastDay) return lastPrefix;
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = Buffer.from(new Date(day * DAY).toISOString().slice(0, 10) + " ", "latin1");
    dayPrefixes.set(day, prefix);
  }
  lastDay = day;
  lastPrefix = prefix;
  return prefix;
}

/** Decimal digits of a non-negative integer. */
function digitCount(n: number): number {
  if (n < 1e5) return n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : 5;
  if (n < 1e10) return n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  let digits = 10;
  for (let x = Math.floor(n / 1e10); x >= 1; x = Math.floor(x / 10)) digits++;
  return digits;
}

/** UTF-8 bytes of the small set of repeated values (enums, places, reasons), encoded once. */
const encoded = new Map<string, Uint8Array>();
function encode(s: string): Uint8Array {
  let bytes = encoded.get(s);
  if (bytes === undefined) {
    bytes = Buffer.from(s, "utf8");
    encoded.set(s, bytes);
  }
  return bytes;
}

/** Escapes free text for COPY text format (backslash, tab, newline, carriage return). */
function escapeText(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c) : value;
}

/**
 * A growable buffer of COPY text rows. Each value method appends the value and a tab;
 * `end()` turns the last tab into a newline and counts the row.
 */
export class RowBuffer {
  private buf: Buffer;
  private pos = 0;
  rows = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** An integer (negative too). */
  int(n: number): this {
    this.ensure(24);
    if (n < 0) {
      this.buf[this.pos++] = 45; // "-"
      n = -n;
    }
    let p = (this.pos += digitCount(n));
    do {
      const q = Math.floor(n / 10);
      this.buf[--p] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
    this.buf[this.pos++] = TAB;
    return this;
  }

  /** A value from a small fixed set (enum values, places, reasons): its bytes are cached. */
  word(s: string): this {
    const bytes = encode(s);
    this.ensure(bytes.length + 1);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes.length; i++) b[p++] = bytes[i]!;
    b[p++] = TAB;
    this.pos = p;
    return this;
  }

  /** wordOrNull: word(), or NULL for null. */
  optWord(s: string | null): this {
    return s === null ? this.nul() : this.word(s);
  }

  /** A code like "O0000001234": an ASCII prefix and a zero-padded non-negative integer. */
  code(prefix: string, n: number, width: number): this {
    this.ensure(prefix.length + width + 20);
    const b = this.buf;
    for (let i = 0; i < prefix.length; i++) b[this.pos++] = prefix.charCodeAt(i);
    for (let i = digitCount(n); i < width; i++) b[this.pos++] = 48;
    return this.int(n);
  }

  /** Text known to need no escaping (ids, codes, names from our data files). */
  raw(s: string): this {
    this.ensure(s.length * 3 + 1);
    this.pos += this.buf.write(s, this.pos, "utf8");
    this.buf[this.pos++] = TAB;
    return this;
  }

  text(s: string | null): this {
    return s === null ? this.nul() : this.raw(escapeText(s));
  }

  /** raw(), or NULL for null. */
  opt(s: string | null): this {
    return s === null ? this.nul() : this.raw(s);
  }

  nul(): this {
    this.ensure(3);
    this.buf[this.pos++] = 92; // "\"
    this.buf[this.pos++] = 78; // "N"
    this.buf[this.pos++] = TAB;
    return this;
  }

  bool(b: boolean): this {
    this.ensure(2);
    this.buf[this.pos++] = b ? 116 : 102; // "t" / "f"
    this.buf[this.pos++] = TAB;
    return this;
  }

  /** Cents as a decimal with two places. */
  money(cents: number): this {
    const negative = cents < 0;
    if (negative) cents = -cents;
    const yuan = Math.floor(cents / 100);
    if (negative) {
      this.ensure(1);
      this.buf[this.pos++] = 45;
    }
    this.int(yuan);
    this.buf[this.pos - 1] = 46; // "." replaces the tab int() wrote
    const fraction = cents - yuan * 100;
    this.ensure(3);
    this.buf[this.pos++] = 48 + Math.floor(fraction / 10);
    this.buf[this.pos++] = 48 + (fraction % 10);
    this.buf[this.pos++] = TAB;
    return this;
  }

  /** An instant as "YYYY-MM-DD HH:MM:SS+00" (whole seconds). */
  ts(ms: number): this {
    this.ensure(24);
    const day = Math.floor(ms / DAY);
    let seconds = Math.floor((ms - day * DAY) / 1000);
    const h = Math.floor(seconds / 3600);
    seconds -= h * 3600;
    const m = Math.floor(seconds / 60);
    seconds -= m * 60;
    const b = this.buf;
    const prefix = dayPrefix(day);
    let p = this.pos;
    for (let i = 0; i < 11; i++) b[p++] = prefix[i]!;
    b[p++] = 48 + Math.floor(h / 10);
    b[p++] = 48 + (h % 10);
    b[p++] = 58; // ":"
    b[p++] = 48 + Math.floor(m / 10);
    b[p++] = 48 + (m % 10);
    b[p++] = 58;
    b[p++] = 48 + Math.floor(seconds / 10);
    b[p++] = 48 + (seconds % 10);
    b[p++] = 43; // "+"
    b[p++] = 48;
    b[p++] = 48;
    b[p++] = TAB;
    this.pos = p;
    return this;
  }

  tsOpt(ms: number | null): this {
    return ms === null ? this.nul() : this.ts(ms);
  }

  end(): void {
    this.buf[this.pos - 1] = NEWLINE;
    this.rows++;
  }

  /** The rows so far as a standalone Buffer; the buffer is reset for the next chunk. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}

export class TableCopy {
  private stream: Writable | null = null;
  private pendingDrain: Promise<void> | null = null;
  rows = 0;

  constructor(
    private readonly client: pg.ClientBase,
    readonly table: string,
    readonly columns: readonly string[],
  ) {}

  start(): void {
    this.stream = this.client.query(copyFrom(`COPY ${this.table} (${this.columns.join(", ")}) FROM STDIN`));
    // Errors surface on the next write/drain/end; keep Node from treating them as unhandled.
    this.stream.on("error", () => undefined);
  }

  /** Queues one chunk of rows. Waits only until the previous chunk has been handed to the socket. */
  async write(data: Buffer, rowCount: number): Promise<void> {
    const stream = this.stream;
    if (!stream) throw new Error(`COPY ${this.table} not started`);
    if (this.pendingDrain) await this.pendingDrain;
    this.pendingDrain = null;
    if (data.length === 0) return;
    this.rows += rowCount;
    if (!stream.write(data)) {
      this.pendingDrain = new Promise<void>((resolve, reject) => {
        const onDrain = () => (stream.off("error", onError), resolve());
        const onError = (error: Error) => (stream.off("drain", onDrain), reject(error));
        stream.once("drain", onDrain);
        stream.once("error", onError);
      });
    }
  }

  async end(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    if (this.pendingDrain) await this.pendingDrain;
    stream.end();
    await finished(stream);
  }
}
