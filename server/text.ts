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
