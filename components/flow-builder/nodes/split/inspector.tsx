"use client";

import { useFieldArray, useWatch } from "react-hook-form";
import { useQuery } from "@tanstack/react-query";
import { ArrowDownIcon, ArrowUpIcon, PlusIcon, Trash2Icon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { conditionTreeSchema, emptyConditionTree, type ConditionTree } from "@/server/audiences/condition";
import { entryAudienceSchema, type EntryAudience } from "@/server/flows/kinds/entry";
import type { FlowDraftNode } from "@/server/flows/definition";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useTRPC } from "@/trpc/react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { ConditionTreeField, FieldError, TextField, useKindForm, type InspectorProps } from "../fields";

type Group = { id: string; name: string };

/**
 * Who enters the flow, for the split's counts: the one trigger's entry audience; null when anyone
 * may enter (an event or a manual trigger, or several triggers); undefined while it is invalid.
 */
function entryOf(nodes: readonly FlowDraftNode[]): EntryAudience | null | undefined {
  const triggers = nodes.filter((n) => n.kind.endsWith("_trigger"));
  if (triggers.length !== 1) return null;
  const [trigger] = triggers as [FlowDraftNode];
  const config = trigger.config as { entry?: unknown; audienceId?: unknown };
  if (trigger.kind === "schedule_trigger") {
    const parsed = entryAudienceSchema.safeParse(config.entry);
    return parsed.success ? parsed.data : undefined;
  }
  if (trigger.kind === "audience_trigger") return typeof config.audienceId === "string" && config.audienceId ? { mode: "audience", audienceId: config.audienceId } : undefined;
  return null;
}

/** First match wins: each group's count is the entering members it takes before any later group. */
function useSplitCounts(nodes: readonly FlowDraftNode[], groups: readonly { id: string; conditions: ConditionTree }[] | undefined) {
  const trpc = useTRPC();
  const entry = entryOf(nodes);
  const valid = entry !== undefined && !!groups && groups.length > 0 && groups.every((g) => conditionTreeSchema.safeParse(g.conditions).success && g.conditions.children.length > 0);
  const input = useDebouncedValue(valid ? { entry: entry ?? null, groups: groups!.map((g) => ({ id: g.id, conditions: g.conditions })) } : null, 400);
  const query = useQuery({ ...trpc.engine.splitCounts.queryOptions(input ?? { entry: null, groups: [] }), enabled: input !== null, placeholderData: (previous) => previous });
  return { counts: valid ? query.data : undefined, loading: query.isFetching, anyone: entry === null };
}

function nextGroupId(groups: readonly Group[]): string {
  const taken = new Set(groups.map((g) => g.id));
  for (let i = groups.length + 1; ; i++) if (!taken.has(`group-${i}`)) return `group-${i}`;
}

export function SplitInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.split");
  const form = useKindForm(props);
  const groups = useFieldArray({ control: form.control, name: "groups", keyName: "key" });
  const fields = groups.fields as unknown as (Group & { key: string })[];
  const format = useFormatter();
  const watched = useWatch({ control: form.control, name: "groups" }) as { id: string; conditions: ConditionTree }[] | undefined;
  const { counts, loading, anyone } = useSplitCounts(props.nodes, watched);
  const countOf = (value: number | undefined, testId: string) => (
    <p className="text-xs text-muted-foreground" data-testid={testId} data-count={value} aria-busy={loading}>
      {value === undefined ? t("countPending") : t("countNow", { count: format.number(value), share: counts && counts.entering > 0 ? format.number(value / counts.entering, { style: "percent", maximumFractionDigits: 1 }) : "–" })}
    </p>
  );
  return (
    <div className="flex flex-col gap-4">
      <p className="text-xs leading-relaxed text-muted-foreground">{t("about")}</p>
      <FieldError form={form} path="groups" />
      <ol className="flex flex-col gap-3">
        {fields.map((g, i) => (
          <li key={g.key} className="flex flex-col gap-3 rounded-lg border bg-card p-3" data-testid={`split-group-${i}`}>
            <div className="flex items-center gap-1.5">
              <span className="flex size-5 shrink-0 items-center justify-center rounded-full bg-primary/10 text-[11px] font-semibold text-primary">
                {i + 1}
              </span>
              <Input
                aria-label={t("groupName")}
                className="h-8 flex-1"
                data-testid={`split-group-name-${i}`}
                {...form.register(`groups.${i}.name`)}
              />
              <Button variant="ghost" size="icon-sm" aria-label={t("moveUp")} disabled={i === 0} onClick={() => groups.move(i, i - 1)}>
                <ArrowUpIcon />
              </Button>
              <Button variant="ghost" size="icon-sm" aria-label={t("moveDown")} disabled={i === fields.length - 1} onClick={() => groups.move(i, i + 1)}>
                <ArrowDownIcon />
              </Button>
              <Button variant="ghost" size="icon-sm" aria-label={t("remove")} disabled={fields.length <= 1} onClick={() => groups.remove(i)}>
                <Trash2Icon />
              </Button>
            </div>
            <FieldError form={form} path={`groups.${i}.name`} />
            <p className="font-mono text-[10px] text-muted-foreground">{t("branchId", { id: g.id })}</p>
            <ConditionTreeField form={form} path={`groups.${i}.conditions`} label={t("conditions")} emptyHint={t("conditionsRequired")} showCount={false} />
            {countOf(counts?.groups[g.id], `split-count-${i}`)}
          </li>
        ))}
      </ol>
      <Button
        variant="outline"
        size="sm"
        className="self-start"
        data-testid="split-add-group"
        disabled={fields.length >= 20}
        onClick={() =>
          groups.append({ id: nextGroupId(fields), name: t("newGroupName", { n: fields.length + 1 }), conditions: emptyConditionTree() })
        }
      >
        <PlusIcon /> {t("addGroup")}
      </Button>
      <div className="rounded-lg border border-dashed p-3">
        <TextField form={form} path="elseName" label={t("elseName")} hint={t("elseHint")} testId="split-else-name" />
        {countOf(counts?.else, "split-count-else")}
      </div>
      {counts ? (
        <p className="text-xs text-muted-foreground" data-testid="split-count-entering" data-count={counts.entering}>
          {t(anyone ? "countEnteringAnyone" : "countEntering", { count: format.number(counts.entering) })}
        </p>
      ) : null}
    </div>
  );
}
