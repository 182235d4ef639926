"use client";

// Settings → Lifecycle: the RFM window and the stage thresholds, checked in the browser with the
// schema the server applies; a preview of how many members each stage would hold (one statement
// over the base) before saving, and a re-evaluation of every member after.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import { lifecycleSettingsSchema, lifecycleStages, type LifecycleSettings, type LifecycleStage } from "@/server/loyalty/lifecycle/settings-schema";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { LifecycleBadge } from "@/components/members/lifecycle-badge";

type Counts = Record<LifecycleStage, number>;
/** Every setting is a whole number of days or orders, edited in a field of its own. */
type NumberField = keyof LifecycleSettings;

export function LifecycleSettingsForm() {
  const t = useTranslations("lifecycle.settings");
  const locale = useLocale();
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stored = useQuery(trpc.lifecycle.settings.queryOptions());
  const [edited, setDraft] = useState<LifecycleSettings | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<{ of: LifecycleSettings; current: Counts; preview: Counts } | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const draft = edited ?? stored.data?.settings ?? null;

  const serverErrors = (error: { message: string; data?: unknown }) => {
    const data = error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined;
    const fields = Object.entries(data?.zodError?.fieldErrors ?? {}).map(([k, v]) => [k, localizeSchemaMessage(v[0] ?? "")[locale]]);
    setErrors(fields.length ? Object.fromEntries(fields) : { form: error.message });
  };
  const save = useMutation(
    trpc.lifecycle.save.mutationOptions({
      onSuccess: (saved) => {
        setDraft(saved.settings);
        toast.success(t("saved"));
        void queryClient.invalidateQueries({ queryKey: trpc.lifecycle.settings.queryKey() });
      },
      onError: serverErrors,
    }),
  );
  if (!draft) return <section className="h-40" aria-busy data-testid="lifecycle-settings" />;

  /** The draft if valid; otherwise shows its errors field by field. */
  const validDraft = (): LifecycleSettings | null => {
    const parsed = lifecycleSettingsSchema.safeParse(draft);
    if (parsed.success) {
      setErrors({});
      return parsed.data;
    }
    const byPath: Record<string, string> = {};
    for (const issue of parsed.error.issues) byPath[issue.path.join(".")] ??= localizeSchemaMessage(issue.message)[locale];
    setErrors(byPath);
    return null;
  };
  const runPreview = async () => {
    const settings = validDraft();
    if (!settings) return;
    setPreviewing(true);
    try {
      const result = await queryClient.fetchQuery({ ...trpc.lifecycle.preview.queryOptions(settings), staleTime: 0 });
      setPreview({ of: settings, ...result });
    } catch (error) {
      serverErrors(error as { message: string; data?: unknown });
    } finally {
      setPreviewing(false);
    }
  };
  const submit = () => {
    const settings = validDraft();
    if (settings) save.mutate(settings);
  };
  const numberOf = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));
  const error = (path: string) => (errors[path] ? <p className="text-xs text-destructive" role="alert">{errors[path]}</p> : null);
  const stale = preview !== null && JSON.stringify(preview.of) !== JSON.stringify(draft);

  const field = (key: NumberField) => (
    <div key={key} className="space-y-1.5">
      <Label htmlFor={`lifecycle-${key}`}>{t(key)}</Label>
      <Input id={`lifecycle-${key}`} inputMode="numeric" defaultValue={String(draft[key])} onChange={(e) => setDraft({ ...draft, [key]: numberOf(e.target.value) })} />
      {error(key)}
    </div>
  );

  return (
    <section className="space-y-4" data-testid="lifecycle-settings">
      <div>
        <h2 className="text-lg font-semibold">{t("title")}</h2>
        <p className="text-sm text-muted-foreground">{t("description")}</p>
        {stored.data?.updatedAt ? <p className="text-xs text-muted-foreground">{t("updated", { date: format.dateTime(stored.data.updatedAt, { dateStyle: "medium", timeStyle: "short" }) })}</p> : null}
      </div>
      <div className="grid max-w-3xl gap-5 rounded-lg border p-5 sm:grid-cols-2">
        <div className="space-y-1.5 sm:col-span-2">
          {field("rfmWindowDays")}
          <p className="text-xs text-muted-foreground">{t("rfmWindowHelp")}</p>
        </div>
        {field("newDays")}
        {field("newMaxOrders")}
        <div className="grid gap-5 sm:col-span-2 sm:grid-cols-3">
          {field("activeDays")}
          {field("silentDays")}
          {field("churnRiskDays")}
        </div>
        <p className="text-xs text-muted-foreground sm:col-span-2">{t("stagesHelp")}</p>
        {error("form")}

        {preview ? (
          <div className="sm:col-span-2" data-testid="lifecycle-preview">
            <div className="mb-1 text-sm font-medium">
              {t("previewTitle")}
              {stale ? <span className="ml-2 text-xs font-normal text-muted-foreground">{t("previewStale")}</span> : null}
            </div>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("stage")}</TableHead>
                  <TableHead className="text-right">{t("now")}</TableHead>
                  <TableHead className="text-right">{t("after")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {lifecycleStages.map((stage) => {
                  const delta = preview.preview[stage] - preview.current[stage];
                  return (
                    <TableRow key={stage} data-stage={stage}>
                      <TableCell>
                        <LifecycleBadge stage={stage} />
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{format.number(preview.current[stage])}</TableCell>
                      <TableCell className="text-right tabular-nums" data-testid={`lifecycle-preview-${stage}`}>
                        {format.number(preview.preview[stage])}
                        {delta !== 0 ? <span className="ml-2 text-xs text-muted-foreground">({delta > 0 ? "+" : ""}{format.number(delta)})</span> : null}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </div>
        ) : null}

        <div className="flex gap-2 sm:col-span-2">
          <Button variant="outline" onClick={() => void runPreview()} disabled={previewing} data-testid="lifecycle-preview-button">
            {t("preview")}
          </Button>
          <Button onClick={submit} disabled={save.isPending} data-testid="lifecycle-save">
            {t("save")}
          </Button>
        </div>
      </div>
    </section>
  );
}
