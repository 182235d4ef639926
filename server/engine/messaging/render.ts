// Message rendering and SMS length counting. Pure: the builder's preview imports it, so no
// Node built-ins, pg or Prisma here (enforced by the allow-list in eslint.config.mjs).

export type TemplateValue = string | number | null | undefined;
export type TemplateVariables = Record<string, TemplateValue>;

// The same pattern as `variablesIn` (server/flows/kinds/send_notification/spec.ts): what the
// editor accepts as a variable is exactly what gets filled in. render.test.ts checks they agree.
const variablePattern = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * Fills `{{ name }}` with the member's values. A variable that is missing or null renders as an
 * empty string: a member without a coupon gets "code " rather than a literal "{{coupon.code}}".
 * `escape` lets a caller fit values into a syntax, e.g. JSON strings in a webhook body.
 */
export function renderTemplate(text: string, variables: TemplateVariables, escape?: (value: string) => string): string {
  return text.replace(variablePattern, (_match, name: string) => {
    // Own keys only: "constructor" or "__proto__" must not reach Object.prototype.
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === null || value === undefined) return "";
    const shown = String(value);
    return escape ? escape(shown) : shown;
  });
}

// GSM 03.38: the default alphabet (one septet each) and its extension table (escape + one septet).
const gsmBasic = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const gsmExtension = new Set("\f^{}\\[~]|€");

const limits = {
  gsm7: { single: 160, concatenated: 153 },
  ucs2: { single: 70, concatenated: 67 },
} as const;

export type SmsSegments = { segments: number; encoding: "gsm7" | "ucs2"; characters: number };

/**
 * How many SMS segments a text takes and in which encoding. `characters` is what the carrier
 * counts: septets for GSM-7 (extension characters such as € count 2), UTF-16 code units for
 * UCS-2 (an emoji outside the BMP counts 2). An empty text is 0 segments.
 */
export function smsSegments(text: string): SmsSegments {
  const symbols = [...text]; // code points: a surrogate pair stays together
  const encoding = symbols.every((s) => gsmBasic.has(s) || gsmExtension.has(s)) ? "gsm7" : "ucs2";
  const sizes = symbols.map((s) => (encoding === "gsm7" ? (gsmExtension.has(s) ? 2 : 1) : s.length));
  const characters = sizes.reduce((sum, size) => sum + size, 0);
  const limit = limits[encoding];
  if (characters === 0) return { segments: 0, encoding, characters };
  if (characters <= limit.single) return { segments: 1, encoding, characters };
  // Concatenated parts never split an escape sequence or a surrogate pair, so a character
  // that does not fit the rest of a part starts the next one.
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limit.concatenated) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { segments, encoding, characters };
}
