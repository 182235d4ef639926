// Money and percentages as the numeric(…, 2) columns keep them. A number is accepted only on the
// 0.01 grid, and every bound is written on that grid (the smallest amount "above 0" is 0.01), so a
// value like 5e-323 can never pass as positive and then be stored as 0.00. Pure (zod only).
import { z } from "zod";
import { msg } from "@/lib/i18n/schema-messages";

/** True when `value` is the double nearest some k/100, as parsing "19.90" or "0.07" gives. */
export const hasTwoDecimals = (value: number): boolean => Number.isFinite(value) && Math.round(value * 100) / 100 === value;

/** A number with at most two decimals; the caller adds its bounds with `.min()` / `.max()` on the 0.01 grid. */
export const twoDecimalNumber = (required: string) =>
  z.number({ error: required }).refine(hasTwoDecimals, { error: msg("Use at most two decimals", "最多两位小数") });
