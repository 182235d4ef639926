import { z } from "zod";
import { defineNodeKind, noReferences } from "../spec";
import { requiredId } from "../shared";

const configSchema = z.object({ audienceId: requiredId({ en: "audience", "zh-CN": "人群" }) });
export type AudienceTriggerConfig = z.infer<typeof configSchema>;

export const audienceTrigger = defineNodeKind({
  kind: "audience_trigger",
  category: "trigger",
  label: { en: "Enters an audience", "zh-CN": "进入人群" },
  description: {
    en: "A member enters the flow when they start matching a saved audience.",
    "zh-CN": "会员开始符合某个已保存人群时进入流程。",
  },
  icon: "UsersRound",
  configSchema,
  defaults: (): AudienceTriggerConfig => ({ audienceId: "" }),
  summary: (c, locale, names) => {
    const name = names?.audience(c.audienceId);
    if (name) return locale === "zh-CN" ? `进入“${name}”时` : `On entering “${name}”`;
    return locale === "zh-CN" ? "进入已保存人群时" : "When a member enters the audience";
  },
  references: (c) => ({ ...noReferences(), audienceIds: [c.audienceId] }),
});
