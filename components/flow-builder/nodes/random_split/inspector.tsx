"use client";

import { useFieldArray, useWatch } from "react-hook-form";
import { PlusIcon, ScaleIcon, Trash2Icon } from "lucide-react";
import { useTranslations } from "use-intl";

import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { Label } from "@/components/ui/label";
import { FieldError, setField, useKindForm, type InspectorProps } from "../fields";

type Bucket = { id: string; name: string; percent: number };

export function RandomSplitInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.random_split");
  const form = useKindForm(props);
  const buckets = useFieldArray({ control: form.control, name: "buckets", keyName: "key" });
  const fields = buckets.fields as unknown as (Bucket & { key: string })[];
  const values = (useWatch({ control: form.control, name: "buckets" }) as Bucket[] | undefined) ?? [];
  const holdout = useWatch({ control: form.control, name: "holdout" }) as { percent: number } | null;
  const total = values.reduce((s, b) => s + (Number(b.percent) || 0), 0) + (holdout ? Number(holdout.percent) || 0 : 0);

  const even = () => {
    const share = 100 - (holdout?.percent ?? 0);
    const n = values.length;
    const base = Math.floor(share / n);
    setField(
      form,
      "buckets",
      values.map((b, i) => ({ ...b, percent: base + (i < share - base * n ? 1 : 0) })),
    );
  };
  const nextId = () => {
    const taken = new Set(values.map((b) => b.id));
    for (let i = 0; ; i++) {
      const id = String.fromCharCode(97 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : "");
      if (!taken.has(id)) return id;
    }
  };

  return (
    <div className="flex flex-col gap-4">
      <p className="text-xs leading-relaxed text-muted-foreground">{t("about")}</p>
      <ol className="flex flex-col gap-2">
        {fields.map((b, i) => (
          <li key={b.key} className="flex flex-col gap-1.5 rounded-lg border p-2.5">
            <div className="flex items-center gap-1.5">
              <Input aria-label={t("bucketName")} className="h-8 flex-1" {...form.register(`buckets.${i}.name`)} />
              <Input
                type="number"
                aria-label={t("percent")}
                min={1}
                max={100}
                className="h-8 w-20"
                data-testid={`bucket-percent-${i}`}
                {...form.register(`buckets.${i}.percent`, { valueAsNumber: true })}
              />
              <span className="text-xs text-muted-foreground">%</span>
              <Button variant="ghost" size="icon-sm" aria-label={t("remove")} disabled={fields.length <= 1} onClick={() => buckets.remove(i)}>
                <Trash2Icon />
              </Button>
            </div>
            <input
              type="range"
              min={1}
              max={100}
              aria-label={t("percent")}
              className="accent-primary"
              value={Number(values[i]?.percent) || 1}
              onChange={(e) => setField(form, `buckets.${i}.percent`, Number(e.target.value))}
            />
            <FieldError form={form} path={`buckets.${i}.name`} />
            <FieldError form={form} path={`buckets.${i}.percent`} />
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <Button variant="outline" size="sm" disabled={fields.length >= 10} onClick={() => buckets.append({ id: nextId(), name: nextId().toUpperCase(), percent: 10 })}>
          <PlusIcon /> {t("addBucket")}
        </Button>
        <Button variant="ghost" size="sm" onClick={even}>
          <ScaleIcon /> {t("even")}
        </Button>
      </div>
      <div className="flex flex-col gap-2 rounded-lg border border-dashed p-2.5">
        <div className="flex items-center justify-between gap-2">
          <Label htmlFor="holdout" className="text-xs">
            {t("holdout")}
          </Label>
          <Switch id="holdout" checked={holdout !== null} onCheckedChange={(on) => setField(form, "holdout", on ? { percent: 10 } : null)} />
        </div>
        {holdout ? (
          <div className="flex items-center gap-2">
            <Input type="number" min={1} max={50} className="h-8 w-20" aria-label={t("holdoutPercent")} {...form.register("holdout.percent", { valueAsNumber: true })} />
            <span className="text-xs text-muted-foreground">{t("holdoutHint")}</span>
          </div>
        ) : null}
        <FieldError form={form} path="holdout.percent" />
      </div>
      <p
        data-testid="random-total"
        className={cn("rounded-md px-2.5 py-1.5 text-xs font-medium", total === 100 ? "bg-success/12 text-success" : "bg-destructive/10 text-destructive")}
      >
        {t("total", { total })}
      </p>
    </div>
  );
}
