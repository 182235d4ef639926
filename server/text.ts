// Text as PostgreSQL can store it: no NUL and no other control character but tab and line breaks
// (PostgreSQL refuses NUL outright; the rest is never what a person meant). Every text input that
// reaches SQL goes through this, so the database never sees what it would refuse. Pure (zod only).
import { z } from "zod";

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A string of at most `max` characters without control characters; trimmed unless `trim: false`. */
export function text({ max, min = 0, trim = true }: { max: number; min?: number; trim?: boolean }) {
  const base = trim ? z.string().trim() : z.string();
  return base
    .max(max, { error: `At most ${max} characters` })
    .min(min, { error: min === 1 ? "Must not be empty" : `At least ${min} characters` })
    .refine((value) => !CONTROL.test(value), { error: "Must not contain control characters (such as NUL)" });
}

/** True when `value` holds a character PostgreSQL cannot store or no person meant (see above). */
export const hasControlCharacters = (value: string): boolean => CONTROL.test(value);

/**
 * Where in an input (any JSON-like value) a string or an object key holds such a character: the
 * guard every app procedure runs before its own schema, so no text field anywhere reaches SQL
 * with one. Paths as zod reports them.
 */
export function controlCharacterPaths(value: unknown, path: (string | number)[] = [], found: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (found.length >= 20 || depth > 64) return found;
  if (typeof value === "string") {
    if (CONTROL.test(value)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => controlCharacterPaths(item, [...path, i], found, depth + 1));
  } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL.test(key)) found.push([...path, key]);
      controlCharacterPaths(item, [...path, key], found, depth + 1);
    }
  }
  return found;
}

/** An id of an integer (int4) column: PostgreSQL refuses larger numbers, so they are refused here. */
export const rowIdSchema = z
  .number()
  .int({ error: "Must be a whole number" })
  .positive({ error: "Must be positive" })
  .max(2_147_483_647, { error: "No such id" });
