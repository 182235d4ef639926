import { z } from "zod";
import { defineNodeKind } from "../spec";
import { httpsUrlSchema, msg } from "../shared";

const headerSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: msg("Use a header name like X-Source", "请使用请求头名称，例如 X-Source") }),
  value: z.string().max(1000, { error: msg("At most 1000 characters", "最多 1000 个字符") }),
});

const configSchema = z
  .object({
    // https only: member data leaves the system here.
    url: httpsUrlSchema,
    method: z.enum(["POST", "PUT", "PATCH", "GET"], { error: msg("Pick a method", "请选择请求方法") }),
    headers: z.array(headerSchema).max(20, { error: msg("At most 20 headers", "最多 20 个请求头") }),
    // Variables like {{member.id}} are filled per member.
    bodyTemplate: z.string().max(10_000, { error: msg("At most 10,000 characters", "最多 10,000 个字符") }),
  })
  .superRefine((c, ctx) => {
    if (c.method === "GET" && c.bodyTemplate.trim().length > 0) {
      ctx.addIssue({ code: "custom", path: ["bodyTemplate"], message: msg("A GET request has no body", "GET 请求不能带请求体") });
    }
  });
export type WebhookConfig = z.infer<typeof configSchema>;

export const webhook = defineNodeKind({
  kind: "webhook",
  category: "action",
  label: { en: "Call webhook", "zh-CN": "调用 Webhook" },
  description: { en: "Calls an https endpoint for each member.", "zh-CN": "为每位会员调用一个 https 接口。" },
  icon: "Webhook",
  configSchema,
  defaults: (): WebhookConfig => ({ url: "", method: "POST", headers: [], bodyTemplate: '{"memberId":"{{member.id}}"}' }),
  summary: (c) => {
    let host = c.url;
    try {
      host = new URL(c.url).host;
    } catch {
      // keep the raw text
    }
    return `${c.method} ${host}`;
  },
});
