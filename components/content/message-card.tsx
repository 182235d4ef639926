"use client";

import { useLocale, useTranslations } from "use-intl";

import { channelLabels, type Channel } from "@/server/content/message-template-schema";
import { cn } from "@/lib/utils";

/** A message drawn roughly as its channel shows it: an SMS bubble, an email with its subject, a push card, a JSON payload. */
export function MessageCard({ channel, title, body, testId, className }: { channel: Channel; title: string; body: string; testId?: string; className?: string }) {
  const t = useTranslations("contentMessages.card");
  const locale = useLocale();
  const label = channelLabels[channel]?.[locale] ?? channel;
  if (channel === "sms") {
    return (
      <div className={cn("rounded-xl border bg-muted/40 p-3", className)} data-testid={testId}>
        <div className="text-muted-foreground mb-1 text-[10px] font-medium tracking-wide uppercase">{label}</div>
        <div className="bg-background w-fit max-w-full rounded-2xl rounded-bl-sm px-3 py-2 text-sm whitespace-pre-wrap break-words shadow-sm" data-testid={testId && `${testId}-body`}>
          {body || <span className="text-muted-foreground">{t("empty")}</span>}
        </div>
      </div>
    );
  }
  if (channel === "webhook") {
    return (
      <div className={cn("rounded-xl border bg-muted/40 p-3", className)} data-testid={testId}>
        <div className="text-muted-foreground mb-1 text-[10px] font-medium tracking-wide uppercase">{label}</div>
        <pre className="bg-background overflow-x-auto rounded-md p-2 font-mono text-xs whitespace-pre-wrap break-all" data-testid={testId && `${testId}-body`}>
          {pretty(body) || t("empty")}
        </pre>
      </div>
    );
  }
  return (
    <div className={cn("rounded-xl border bg-muted/40 p-3", className)} data-testid={testId}>
      <div className="text-muted-foreground mb-1 text-[10px] font-medium tracking-wide uppercase">{label}</div>
      <div className="bg-background rounded-lg p-3 shadow-sm">
        {channel === "email" && <div className="text-muted-foreground text-[11px]">{t("subject")}</div>}
        <div className="text-sm font-semibold break-words" data-testid={testId && `${testId}-title`}>
          {title || <span className="text-muted-foreground font-normal">{t("noTitle")}</span>}
        </div>
        <div className={cn("text-foreground/90 mt-1 text-sm whitespace-pre-wrap break-words", channel === "email" && "border-t pt-2")} data-testid={testId && `${testId}-body`}>
          {body || <span className="text-muted-foreground">{t("empty")}</span>}
        </div>
      </div>
    </div>
  );
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
