"use client";

import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BadgePercentIcon, PlusIcon } from "lucide-react";
import { useFormatter, useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { priceListInput, priceRuleSchema, priceTargetSchema, type PriceListInput } from "@/server/content/price-list-schema";
import { localizeSchemaMessage } from "@/lib/i18n/schema-messages";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useFieldOptions } from "@/components/audiences/use-options";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useCan } from "@/components/shell/session-user";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MultiSelect } from "@/components/ui/combobox";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Switch } from "@/components/ui/switch";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";

type Draft = {
  name: string;
  description: string;
  targetType: "products" | "categories";
  productIds: string[];
  categoryIds: string[];
  priceType: "fixed" | "percent_off";
  amount: string;
  percent: string;
  validityKind: "days" | "range";
  days: string;
  from: string;
  to: string;
};

const emptyDraft: Draft = {
  name: "",
  description: "",
  targetType: "categories",
  productIds: [],
  categoryIds: [],
  priceType: "percent_off",
  amount: "",
  percent: "10",
  validityKind: "days",
  days: "7",
  from: "",
  to: "",
};

const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
const isoOf = (local: string) => (local ? new Date(local).toISOString() : "");
const localOf = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : "");

const targetOf = (d: Draft) =>
  d.targetType === "products" ? { type: "products" as const, productIds: d.productIds.map(Number) } : { type: "categories" as const, categoryIds: d.categoryIds.map(Number) };
const priceOf = (d: Draft) => (d.priceType === "fixed" ? { type: "fixed" as const, amount: num(d.amount) } : { type: "percent_off" as const, percent: num(d.percent) });

function toInput(d: Draft): PriceListInput {
  return {
    name: d.name,
    description: d.description,
    target: targetOf(d),
    price: priceOf(d),
    validity: d.validityKind === "days" ? { kind: "days", days: num(d.days) } : { kind: "range", from: isoOf(d.from), to: isoOf(d.to) },
  };
}

type Translate = ReturnType<typeof useTranslations<"content.prices">>;
type ListRow = {
  target: { type: "products"; productIds: number[] } | { type: "categories"; categoryIds: number[] };
  price: { type: "fixed"; amount: number } | { type: "percent_off"; percent: number };
  validity: { kind: "days"; days: number } | { kind: "range"; from: string | null; to: string | null };
};
function ruleText(t: Translate, row: ListRow) {
  const price = row.price.type === "fixed" ? t("fixedPrice", { amount: row.price.amount }) : t("percentOffText", { percent: row.price.percent });
  const what = row.target.type === "products" ? t("productCount", { count: row.target.productIds.length }) : t("categoryCount", { count: row.target.categoryIds.length });
  const valid = row.validity.kind === "days" ? t("days", { days: row.validity.days }) : t("range");
  return `${price} · ${what} · ${valid}`;
}

/** Member price lists: what each has handed out, and a sheet to create or edit one with a live preview. */
export function PriceLists() {
  // The server refuses edits to roles without "editContent"; the buttons are not offered to them.
  const mayEdit = useCan("editContent");
  const t = useTranslations("content.prices");
  const format = useFormatter();
  const trpc = useTRPC();
  const [archived, setArchived] = useState(false);
  const [editing, setEditing] = useState<{ id: string | null } | null>(null);
  const list = useQuery(trpc.content.priceLists.queryOptions({ archived }));

  return (
    <section className="space-y-4" data-testid="price-lists">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold">{t("title")}</h2>
          <p className="text-muted-foreground text-sm">{t("description")}</p>
        </div>
        <div className="flex items-center gap-4">
          <label className="flex items-center gap-2 text-sm">
            <Switch checked={archived} onCheckedChange={setArchived} />
            {t("showArchived")}
          </label>
          <Button data-testid="new-price-list" hidden={!mayEdit} onClick={() => setEditing({ id: null })}>
            <PlusIcon /> {t("new")}
          </Button>
        </div>
      </div>

      {list.data && list.data.length === 0 ? (
        <EmptyState icon={BadgePercentIcon} title={t("emptyTitle")} description={t("emptyDescription")} />
      ) : (
        <Table data-testid="price-lists-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t("name")}</TableHead>
              <TableHead>{t("rule")}</TableHead>
              <TableHead className="text-right">{t("set")}</TableHead>
              <TableHead className="text-right">{t("active")}</TableHead>
              <TableHead>{t("usedBy")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data?.map((row) => (
              <TableRow key={row.id} className="cursor-pointer" data-testid={`price-list-${row.name}`} data-id={row.id} onClick={() => setEditing({ id: row.id })}>
                <TableCell>
                  <div className="font-medium">{row.name}</div>
                  <div className="text-muted-foreground text-xs">
                    {row.sourceFlowId && t("inline")}
                    {row.archivedAt && ` ${t("archived")}`}
                  </div>
                </TableCell>
                <TableCell className="text-sm">{ruleText(t, row)}</TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-set">{format.number(row.figures.set)}</TableCell>
                <TableCell className="text-right tabular-nums" data-testid="figure-active">{format.number(row.figures.members)}</TableCell>
                <TableCell className="max-w-56 text-sm whitespace-normal">
                  {row.flows.length === 0 ? <span className="text-muted-foreground">—</span> : row.flows.map((f) => f.name).join(", ")}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      <Sheet open={!!editing} onOpenChange={(open) => !open && setEditing(null)}>
        <SheetContent className="w-full overflow-y-auto sm:max-w-xl">
          <SheetHeader>
            <SheetTitle>{editing?.id ? t("edit") : t("new")}</SheetTitle>
            <SheetDescription>{t("formDescription")}</SheetDescription>
          </SheetHeader>
          {editing && <PriceListForm key={editing.id ?? "new"} id={editing.id} onDone={() => setEditing(null)} />}
        </SheetContent>
      </Sheet>
    </section>
  );
}

/** What the rule does to the catalogue, recomputed as the form changes. */
function PricePreview({ draft }: { draft: Draft }) {
  const t = useTranslations("content.prices");
  const format = useFormatter();
  const trpc = useTRPC();
  // Debounced as text: a fresh object every render would restart the timer for ever.
  const rule = JSON.parse(useDebouncedValue(JSON.stringify({ target: targetOf(draft), price: priceOf(draft) }), 300)) as {
    target: ReturnType<typeof targetOf>;
    price: ReturnType<typeof priceOf>;
  };
  const valid = priceTargetSchema.safeParse(rule.target).success && priceRuleSchema.safeParse(rule.price).success;
  const preview = useQuery({ ...trpc.content.previewPrices.queryOptions(rule), enabled: valid });
  const money = (v: number) => format.number(v, { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" });
  if (!valid) return <p className="text-muted-foreground rounded-md border border-dashed p-3 text-sm">{t("previewEmpty")}</p>;
  const data = preview.data;
  return (
    <div className="space-y-2 rounded-md border p-3" data-testid="price-preview">
      <div className="flex items-baseline justify-between gap-2">
        <h3 className="text-sm font-semibold">{t("preview")}</h3>
        {data && (
          <span className="text-muted-foreground text-xs" data-testid="preview-totals">
            {t("previewTotals", { products: data.products })}
            {data.averageSaving !== null && ` · ${t("averageSaving", { saving: format.number(data.averageSaving, { style: "percent", maximumFractionDigits: 1 }) })}`}
          </span>
        )}
      </div>
      {data && data.notCheaper > 0 && (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-2 text-xs dark:bg-amber-950" data-testid="preview-not-cheaper">
          {t("notCheaper", { count: data.notCheaper })}
        </p>
      )}
      <table className="w-full text-sm">
        <thead className="text-muted-foreground text-xs">
          <tr>
            <th className="py-1 text-left font-normal">{t("product")}</th>
            <th className="py-1 text-right font-normal">{t("catalogue")}</th>
            <th className="py-1 text-right font-normal">{t("memberPrice")}</th>
          </tr>
        </thead>
        <tbody>
          {data?.sample.map((p) => (
            <tr key={p.id} className="border-t" data-testid="preview-row">
              <td className="py-1">
                {p.name} <span className="text-muted-foreground text-xs">{p.sku}</span>
              </td>
              <td className="py-1 text-right tabular-nums line-through decoration-muted-foreground/60">{money(p.price)}</td>
              <td className={`py-1 text-right font-medium tabular-nums ${p.memberPrice >= p.price ? "text-amber-600" : "text-emerald-700"}`}>{money(p.memberPrice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.products > data.sample.length && <p className="text-muted-foreground text-xs">{t("andMore", { count: data.products - data.sample.length })}</p>}
    </div>
  );
}

function PriceListForm({ id, onDone }: { id: string | null; onDone: () => void }) {
  const mayEdit = useCan("editContent");
  const t = useTranslations("content.prices");
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = useQuery({ ...trpc.content.priceList.queryOptions({ id: id ?? "" }), enabled: id !== null });
  const [draft, setDraft] = useState<Draft | null>(id === null ? emptyDraft : null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [productSearch, setProductSearch] = useState("");
  const products = useFieldOptions({ source: "products" }, { serverSearch: true, search: productSearch, selected: draft?.productIds.map(Number) ?? [] });
  const categories = useFieldOptions({ source: "categories" }, { serverSearch: false, search: "" });

  if (draft === null && existing.data) {
    const e = existing.data;
    setDraft({
      name: e.name,
      description: e.description,
      targetType: e.target.type,
      productIds: e.target.type === "products" ? e.target.productIds.map(String) : [],
      categoryIds: e.target.type === "categories" ? e.target.categoryIds.map(String) : [],
      priceType: e.price.type,
      amount: e.price.type === "fixed" ? String(e.price.amount) : "",
      percent: e.price.type === "percent_off" ? String(e.price.percent) : "10",
      validityKind: e.validity.kind,
      days: e.validity.kind === "days" ? String(e.validity.days) : "7",
      from: e.validity.kind === "range" ? localOf(e.validity.from) : "",
      to: e.validity.kind === "range" ? localOf(e.validity.to) : "",
    });
  }

  const done = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.content.priceLists.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.content.priceList.queryKey() });
    onDone();
  };
  const create = useMutation(trpc.content.createPriceList.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.content.updatePriceList.mutationOptions({ onSuccess: done }));
  const archive = useMutation(trpc.content.archivePriceList.mutationOptions({ onSuccess: done }));
  if (!draft) return <p className="text-muted-foreground px-4 text-sm">{t("loading")}</p>;

  // An edit clears the errors of the last save: they are shown again on the next one.
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    if (Object.keys(errors).length > 0) setErrors({});
  };
  const error = (path: string) => errors[path] && <p className="text-destructive text-xs" data-testid={`error-${path}`}>{errors[path]}</p>;
  const save = () => {
    const parsed = priceListInput.safeParse(toInput(draft));
    if (!parsed.success) {
      const byPath: Record<string, string> = {};
      for (const issue of parsed.error.issues) byPath[issue.path.join(".")] ??= localizeSchemaMessage(issue.message)[locale];
      setErrors(byPath);
      return;
    }
    setErrors({});
    if (id) update.mutate({ id, list: parsed.data });
    else create.mutate(parsed.data);
  };
  const e = existing.data;
  const failure = create.error ?? update.error;
  // A flow's own list: its rule is its node's, edited there (the server refuses it here too).
  const inline = !!e?.sourceFlowId;

  return (
    <form
      className="space-y-4 px-4 pb-6"
      data-testid="price-list-form"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {inline && (
        <p className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:bg-sky-950" data-testid="pl-inline-note">
          {t("inlineNote")}{" "}
          <Link className="underline" href={`/flows/${e!.sourceFlowId}`}>
            {t("openFlow")}
          </Link>
        </p>
      )}
      {e && e.figures.set > 0 && <p className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm dark:bg-sky-950">{t("editNote", { count: e.figures.set })}</p>}
      <div className="space-y-1.5">
        <Label htmlFor="pl-name">{t("name")}</Label>
        <Input id="pl-name" data-testid="pl-name" disabled={inline} value={draft.name} onChange={(ev) => set({ name: ev.target.value })} placeholder={t("namePlaceholder")} />
        {error("name")}
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="pl-description">{t("descriptionLabel")}</Label>
        <Textarea id="pl-description" value={draft.description} onChange={(ev) => set({ description: ev.target.value })} rows={2} />
        {error("description")}
      </div>

      <fieldset className="space-y-2" disabled={inline}>
        <legend className="text-sm font-medium">{t("appliesTo")}</legend>
        <div className="flex gap-2">
          {(["categories", "products"] as const).map((type) => (
            <Button key={type} type="button" size="sm" variant={draft.targetType === type ? "default" : "outline"} data-testid={`pl-target-${type}`} onClick={() => set({ targetType: type })}>
              {t(`target_${type}`)}
            </Button>
          ))}
        </div>
        {draft.targetType === "products" ? (
          <MultiSelect
            options={products.options}
            selectedOptions={products.selectedOptions}
            footnote={products.footnote}
            loading={products.loading}
            onSearchChange={setProductSearch}
            value={draft.productIds}
            onValueChange={(productIds) => set({ productIds })}
            placeholder={t("pickProducts")}
            data-testid="pl-products"
          />
        ) : (
          <MultiSelect options={categories.options} value={draft.categoryIds} onValueChange={(categoryIds) => set({ categoryIds })} placeholder={t("pickCategories")} data-testid="pl-categories" />
        )}
        {error("target.productIds")}
        {error("target.categoryIds")}
      </fieldset>

      <fieldset className="space-y-2" disabled={inline}>
        <legend className="text-sm font-medium">{t("price")}</legend>
        <div className="flex gap-2">
          {(["percent_off", "fixed"] as const).map((type) => (
            <Button key={type} type="button" size="sm" variant={draft.priceType === type ? "default" : "outline"} data-testid={`pl-price-${type}`} onClick={() => set({ priceType: type })}>
              {t(`price_${type}`)}
            </Button>
          ))}
        </div>
        {draft.priceType === "fixed" ? (
          <div className="flex items-center gap-2">
            <Input className="w-32" data-testid="pl-amount" inputMode="decimal" value={draft.amount} onChange={(ev) => set({ amount: ev.target.value })} aria-label={t("amount")} />
            <span className="text-sm">{t("amount")}</span>
          </div>
        ) : (
          <div className="flex items-center gap-2">
            <Input className="w-24" data-testid="pl-percent" inputMode="decimal" value={draft.percent} onChange={(ev) => set({ percent: ev.target.value })} aria-label={t("percent")} />
            <span className="text-sm">{t("percent")}</span>
          </div>
        )}
        {error("price.amount")}
        {error("price.percent")}
      </fieldset>

      <fieldset className="space-y-2" disabled={inline}>
        <legend className="text-sm font-medium">{t("validity")}</legend>
        <div className="flex gap-2">
          {(["days", "range"] as const).map((kind) => (
            <Button key={kind} type="button" size="sm" variant={draft.validityKind === kind ? "default" : "outline"} onClick={() => set({ validityKind: kind })}>
              {t(`validity_${kind}`)}
            </Button>
          ))}
        </div>
        {draft.validityKind === "days" ? (
          <div className="flex items-center gap-2">
            <Input className="w-24" data-testid="pl-days" inputMode="numeric" value={draft.days} onChange={(ev) => set({ days: ev.target.value })} aria-label={t("validity_days")} />
            <span className="text-sm">{t("daysFromSet")}</span>
          </div>
        ) : (
          <div className="grid grid-cols-2 gap-3">
            <Input type="datetime-local" aria-label={t("from")} value={draft.from} onChange={(ev) => set({ from: ev.target.value })} />
            <Input type="datetime-local" aria-label={t("to")} value={draft.to} onChange={(ev) => set({ to: ev.target.value })} />
          </div>
        )}
        {error("validity.days")}
        {error("validity.from")}
        {error("validity.to")}
      </fieldset>

      <PricePreview draft={draft} />

      {failure && <p className="text-destructive text-sm">{failure.message}</p>}
      <div className="flex items-center gap-2">
        <Button type="submit" data-testid="pl-save" hidden={!mayEdit} disabled={create.isPending || update.isPending}>
          {t("save")}
        </Button>
        {e && (
          <Button type="button" variant="outline" disabled={archive.isPending} onClick={() => archive.mutate({ id: e.id, archived: !e.archivedAt })} data-testid="pl-archive" hidden={!mayEdit}>
            {e.archivedAt ? t("unarchive") : t("archive")}
          </Button>
        )}
      </div>

      {e && (
        <div className="space-y-2 border-t pt-4">
          <h3 className="text-sm font-semibold">{t("usedBy")}</h3>
          {e.flows.length === 0 ? (
            <p className="text-muted-foreground text-sm">{t("noFlows")}</p>
          ) : (
            <div className="flex flex-wrap gap-1">
              {e.flows.map((f) => (
                <Badge key={f.id} variant="secondary">
                  <a href={`/flows/${f.id}`}>{f.name}</a>
                </Badge>
              ))}
            </div>
          )}
        </div>
      )}
    </form>
  );
}
