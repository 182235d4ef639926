import { describe, expect, it } from "vitest";
import { variablesIn } from "@/server/flows/kinds/send_notification/spec";
import { renderTemplate, smsSegments } from "./render";

describe("renderTemplate", () => {
  const variables = { "member.name": "张三", "coupon.code": "AB12", "member.points": 1200, "coupon.validTo": null };

  it("fills variables, tolerating whitespace inside the braces", () => {
    expect(renderTemplate("Hi {{member.name}}, code {{ coupon.code }}", variables)).toBe("Hi 张三, code AB12");
    expect(renderTemplate("{{  member.points\t}} 积分", variables)).toBe("1200 积分");
  });

  it("renders missing and null variables as empty text", () => {
    expect(renderTemplate("until {{coupon.validTo}}|{{coupon.name}}|", variables)).toBe("until ||");
  });

  it("does not read inherited properties", () => {
    expect(renderTemplate("[{{constructor}}][{{toString}}][{{__proto__}}]", variables)).toBe("[][][]");
  });

  it("leaves text without variables alone, including lone braces", () => {
    expect(renderTemplate("{ not } {{ a variable", variables)).toBe("{ not } {{ a variable");
  });

  it("escapes values when asked, not the template", () => {
    const json = renderTemplate('{"name":"{{member.name}}"}', { "member.name": 'A "quoted" \\ name' }, (v) => JSON.stringify(v).slice(1, -1));
    expect(JSON.parse(json)).toEqual({ name: 'A "quoted" \\ name' });
  });

  it("replaces exactly the variables the editor's variablesIn finds", () => {
    const texts = ["{{a}}{{ b }}", "x {{ member.name}} y {{coupon.code }} z", "{{}} {{ }} {{a b}}", "{{a}}}", "{{{a}}"];
    for (const text of texts) {
      const names = variablesIn(text);
      const marked = Object.fromEntries(names.map((name) => [name, "§"]));
      expect(renderTemplate(text, marked).split("§").length - 1, text).toBe(names.length);
    }
  });
});

describe("smsSegments", () => {
  const chinese = (n: number) => "会".repeat(n);

  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])("%i Chinese characters are %i segment(s) in UCS-2", (length, segments) => {
    expect(smsSegments(chinese(length))).toEqual({ segments, encoding: "ucs2", characters: length });
  });

  it.each([
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])("%i GSM-7 characters are %i segment(s)", (length, segments) => {
    expect(smsSegments("a".repeat(length))).toEqual({ segments, encoding: "gsm7", characters: length });
  });

  it("counts GSM-7 extension characters as 2", () => {
    expect(smsSegments("€".repeat(80))).toEqual({ segments: 1, encoding: "gsm7", characters: 160 });
    expect(smsSegments("a".repeat(159) + "{")).toEqual({ segments: 2, encoding: "gsm7", characters: 161 });
    expect(smsSegments("Price: 5€ [VIP]")).toMatchObject({ encoding: "gsm7", characters: 18 });
  });

  it("never splits an extension character across parts", () => {
    // 152 + 2 + 152 = 306 septets would fit two parts of 153, but the € cannot straddle them.
    expect(smsSegments(`${"a".repeat(152)}€${"a".repeat(152)}`)).toEqual({ segments: 3, encoding: "gsm7", characters: 306 });
  });

  it("switches to UCS-2 for one character outside GSM-7", () => {
    expect(smsSegments(`${"a".repeat(100)}会`)).toEqual({ segments: 2, encoding: "ucs2", characters: 101 });
    expect(smsSegments("Hello ✓")).toMatchObject({ encoding: "ucs2", characters: 7 });
  });

  it("counts a surrogate pair as 2 UTF-16 units and keeps it in one part", () => {
    expect(smsSegments("😀")).toEqual({ segments: 1, encoding: "ucs2", characters: 2 });
    expect(smsSegments(`${chinese(68)}😀`)).toEqual({ segments: 1, encoding: "ucs2", characters: 70 });
    expect(smsSegments(`${chinese(69)}😀`)).toEqual({ segments: 2, encoding: "ucs2", characters: 71 });
    // 66 + 2 + 66 = 134 units: two parts of 67 by arithmetic, three because the emoji moves.
    expect(smsSegments(`${chinese(66)}😀${chinese(66)}`)).toEqual({ segments: 3, encoding: "ucs2", characters: 134 });
  });

  it("reports an empty text as 0 segments", () => {
    expect(smsSegments("")).toEqual({ segments: 0, encoding: "gsm7", characters: 0 });
  });
});
