"use client";

// A member's tags (with where each came from), badges, and the history of tag changes: by flows,
// bulk changes on an audience and rule evaluations.
import { useQuery } from "@tanstack/react-query";
import { AwardIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

type SourceKey = "manual" | "import" | "rule" | "flow";
const sourceKey = (source: string): SourceKey => (source.startsWith("flow:") ? "flow" : (["manual", "import", "rule"] as const).find((s) => s === source) ?? "manual");

export function MemberTags({ memberId }: { memberId: number }) {
  const t = useTranslations("tags.member");
  const format = useFormatter();
  const trpc = useTRPC();
  const data = useQuery(trpc.tags.member.queryOptions({ memberId }));
  const when = (d: Date | string) => format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short" });
  return (
    <Card data-testid="member-tag-history">
      <CardHeader>
        <CardTitle>{t("title")}</CardTitle>
      </CardHeader>
      <CardContent className="grid gap-6 lg:grid-cols-2">
        {!data.data ? (
          <Skeleton className="h-24 w-full" />
        ) : (
          <>
            <div className="flex flex-col gap-3">
              <div className="flex flex-wrap gap-1.5">
                {data.data.tags.map((tag) => (
                  <Badge key={tag.id} variant={tag.kind === "rule" ? "info" : "outline"} title={`${t("source")}: ${tag.source}`}>
                    {tag.name} <span className="text-muted-foreground">· {t(`sourceLabel.${sourceKey(tag.source)}`)}</span>
                  </Badge>
                ))}
                {data.data.tags.length === 0 ? <span className="text-sm">—</span> : null}
              </div>
              <div className="flex flex-wrap gap-1.5">
                {data.data.badges.map((b) => (
                  <Badge key={b.id} variant="warning" title={when(b.awardedAt)}>
                    <AwardIcon /> {b.name} <span className="opacity-70">· {t(`sourceLabel.${sourceKey(b.source)}`)}</span>
                  </Badge>
                ))}
              </div>
            </div>
            <div>
              <div className="mb-2 text-sm text-muted-foreground">{t("history")}</div>
              {data.data.history.length === 0 ? <p className="text-sm text-muted-foreground">{t("noHistory")}</p> : null}
              <ol className="flex flex-col gap-1 text-sm">
                {data.data.history.map((h) => (
                  <li key={h.id} className="flex flex-wrap gap-x-2">
                    <span className="text-muted-foreground tabular-nums">{when(h.at)}</span>
                    <span className={h.action === "add" ? "text-foreground" : "text-muted-foreground line-through"}>{h.tags.join(", ")}</span>
                    <span className="text-muted-foreground">
                      {h.action === "add" ? t("added") : t("removed")} {h.cause === "flow" ? t("byFlow") : h.cause === "job" ? t("byJob") : t("byRule")}
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
