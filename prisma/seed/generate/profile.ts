// A member's profile: who they are, where, since when, and how they can be contacted.
import { OFFICE_DISTRICTS } from "../data/geography";
import { EMAIL_DOMAINS, FEMALE_CHARS, MALE_CHARS, PHONE_PREFIXES, SURNAMES } from "../data/names";
import { WeightedPicker } from "../random";
import { CST_OFFSET, DAY, HISTORY_DAYS, type SeedContext } from "./context";

export type Gender = "female" | "male" | "unknown";
export type RegistrationChannel = "app" | "mini_program" | "web" | "store";

export type Profile = {
  id: number;
  externalId: string;
  name: string;
  phone: string | null;
  email: string | null;
  gender: Gender;
  age: number;
  birthday: string | null;
  province: string;
  city: string;
  district: string | null;
  cityDistricts: readonly string[];
  officeWorker: boolean;
  registeredAt: number;
  channel: RegistrationChannel;
  consentSms: boolean;
  consentEmail: boolean;
  consentPush: boolean;
  consentInApp: boolean;
};

const surnames = WeightedPicker.of(SURNAMES);
const emailDomains = WeightedPicker.of(EMAIL_DOMAINS);

/**
 * Registrations grow over time: density ∝ e^(g·t) over the history, with the last year
 * bringing about 2.2× the members of the first. `u` ∈ [0,1) maps to days since the start.
 */
const GROWTH_PER_DAY = Math.log(2.2) / (2 * 365);
export function registrationOffsetDays(u: number): number {
  const span = Math.exp(GROWTH_PER_DAY * HISTORY_DAYS) - 1;
  return Math.log(1 + u * span) / GROWTH_PER_DAY;
}

/** Phone numbers: carrier prefix + 8 digits, a bijection of the member id so none repeat. */
function phoneFor(id: number, prefix: string): string {
  const scrambled = (id * 48_271 + 12_345_679) % 100_000_000; // 48271 is coprime to 10^8
  return prefix + String(scrambled).padStart(8, "0");
}

export function generateProfile(ctx: SeedContext, id: number, registrationU: number): Profile {
  const r = ctx.random;
  const registeredAt = Math.floor((ctx.start + registrationOffsetDays(registrationU) * DAY) / 1000) * 1000;
  const progress = (registeredAt - ctx.start) / (HISTORY_DAYS * DAY); // 0 = oldest member, 1 = today

  const g = r.next();
  const gender: Gender = g < 0.56 ? "female" : g < 0.97 ? "male" : "unknown";
  const nameChars = gender === "female" ? FEMALE_CHARS : gender === "male" ? MALE_CHARS : r.chance(0.5) ? FEMALE_CHARS : MALE_CHARS;
  const surname = surnames.pick(r);
  const first = r.pick(nameChars);
  const second = r.chance(0.72) ? r.pick(nameChars) : null;
  const name = surname.name + first[0] + (second ? second[0] : "");

  // Ages 18–65, most members 24–40.
  let age = Math.round(33 + 10 * r.normal());
  if (age < 18 || age > 65) age = r.int(18, 65);
  const anchorDate = new Date(ctx.anchor + CST_OFFSET);
  const birthDate = new Date(Date.UTC(anchorDate.getUTCFullYear() - age, anchorDate.getUTCMonth(), anchorDate.getUTCDate()) - r.int(0, 364) * DAY);
  const birthday = r.chance(0.88) ? birthDate.toISOString().slice(0, 10) : null;

  const place = ctx.cities.pick(r);
  const district = r.chance(0.9) ? r.pick(place.districts) : null;

  // Mini-programs took share from the web and from in-store sign-up over the years.
  const c = r.next();
  const shares = [0.36, 0.18 + 0.22 * progress, 0.16 - 0.08 * progress]; // app, mini_program, web; store = rest
  const channel: RegistrationChannel =
    c < shares[0]! ? "app" : c < shares[0]! + shares[1]! ? "mini_program" : c < shares[0]! + shares[1]! + shares[2]! ? "web" : "store";

  const phone = r.chance(channel === "web" ? 0.85 : 0.97) ? phoneFor(id, r.pick(PHONE_PREFIXES)) : null;
  let email: string | null = null;
  if (r.chance(channel === "web" ? 0.75 : 0.3)) {
    const domain = emailDomains.pick(r).domain;
    email =
      domain === "qq.com" || domain === "foxmail.com"
        ? `${r.int(10_000, 3_999_999_999)}@${domain}` // QQ numbers double as mail addresses
        : `${surname.pinyin}${first[1]}${second ? second[1] : ""}${r.chance(0.6) ? r.int(1, 9999) : ""}@${domain}`;
  }

  return {
    id,
    externalId: `M${String(id).padStart(8, "0")}`,
    name,
    phone,
    email,
    gender,
    age,
    birthday,
    province: place.province,
    city: place.city,
    district,
    cityDistricts: place.districts,
    officeWorker: district !== null && OFFICE_DISTRICTS.has(district) && age >= 24 && age <= 40,
    registeredAt,
    channel,
    // Opt-in rates as Chinese programs see them: SMS is the norm, e-mail rare, push
    // depends on having the app.
    consentSms: phone !== null && r.chance(0.68),
    consentEmail: email !== null && r.chance(0.55),
    consentPush: r.chance(channel === "app" ? 0.62 : channel === "mini_program" ? 0.3 : 0.18),
    consentInApp: r.chance(0.96),
  };
}
