"use client";

import { useFieldArray } from "react-hook-form";
import { ArrowDownIcon, ArrowUpIcon, PlusIcon, Trash2Icon } from "lucide-react";
import { useTranslations } from "use-intl";

import { emptyConditionTree } from "@/server/audiences/condition";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { ConditionTreeField, FieldError, TextField, useKindForm, type InspectorProps } from "../fields";

type Group = { id: string; name: string };

function nextGroupId(groups: readonly Group[]): string {
  const taken = new Set(groups.map((g) => g.id));
  for (let i = groups.length + 1; ; i++) if (!taken.has(`group-${i}`)) return `group-${i}`;
}

export function SplitInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.split");
  const form = useKindForm(props);
  const groups = useFieldArray({ control: form.control, name: "groups", keyName: "key" });
  const fields = groups.fields as unknown as (Group & { key: string })[];
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
            <ConditionTreeField form={form} path={`groups.${i}.conditions`} label={t("conditions")} emptyHint={t("conditionsRequired")} />
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
      </div>
    </div>
  );
}
