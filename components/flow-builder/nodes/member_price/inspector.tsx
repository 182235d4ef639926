"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { Combobox, MultiSelect } from "@/components/ui/combobox";
import { useOptionsFootnote } from "@/components/audiences/use-options";
import { pickable, useFlowReferences } from "../references";
import { Field, Segmented, TextField, setField, useKindForm, useModeSwitch, type InspectorProps } from "../fields";

export function MemberPriceInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.member_price");
  const f = useTranslations("flowBuilder.fields");
  const locale = useLocale();
  const refs = useFlowReferences();
  const trpc = useTRPC();
  const form = useKindForm(props);
  const mode = useWatch({ control: form.control, name: "list.mode" }) as "existing" | "inline";
  const listId = (useWatch({ control: form.control, name: "list.id" }) as string | undefined) ?? "";
  const targetType = useWatch({ control: form.control, name: "list.target.type" }) as "products" | "categories";
  const priceType = useWatch({ control: form.control, name: "list.price.type" }) as "fixed" | "percent_off";
  // Ids are numbers in the config and strings in the pickers.
  const productIds = ((useWatch({ control: form.control, name: "list.target.productIds" }) as number[] | undefined) ?? []).map(String);
  const categoryIds = ((useWatch({ control: form.control, name: "list.target.categoryIds" }) as number[] | undefined) ?? []).map(String);
  const toIds = (values: string[]) => values.map(Number);
  const switchMode = useModeSwitch<"existing" | "inline">(form, "list", (m) =>
    m === "existing"
      ? { mode: "existing", id: "" }
      : { mode: "inline", target: { type: "categories", categoryIds: [] }, price: { type: "percent_off", percent: 10 }, validDays: 7 },
  );
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search, 250);
  const products = useQuery({
    ...trpc.audiences.options.queryOptions({ source: "products", search: debounced || undefined, limit: 50 }),
    enabled: mode === "inline" && targetType === "products",
  });
  const productsFootnote = useOptionsFootnote(products.data, { searching: debounced !== "" });
  const categoryOptions = refs.categories.map((c) => ({ value: c.id, label: locale === "en" ? c.nameEn : c.name, description: c.id }));
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("list")}>
        <Segmented
          label={t("list")}
          value={mode}
          testId="price-mode"
          options={[
            { value: "existing", label: t("existing") },
            { value: "inline", label: t("inline") },
          ]}
          onChange={switchMode}
        />
      </Field>
      {mode === "existing" ? (
        <Field label={t("priceList")} form={form} path="list.id" hint={t("libraryHint")}>
          <Combobox
            options={pickable(refs.priceLists, listId).map((p) => ({
              value: p.id,
              label: p.archived ? f("archivedChoice", { name: p.name }) : p.name,
              description: p.summary,
            }))}
            value={listId || null}
            onValueChange={(v) => setField(form, "list.id", v ?? "")}
            emptyText={t("noLists")}
            className="w-full"
            aria-label={t("priceList")}
          />
        </Field>
      ) : (
        <div className="flex flex-col gap-4 rounded-lg border bg-muted/20 p-3">
      <Field label={t("target")}>
        <Segmented
          label={t("target")}
          value={targetType}
          options={[
            { value: "categories", label: t("categories") },
            { value: "products", label: t("products") },
          ]}
          onChange={(v) => setField(form, "list.target", v === "products" ? { type: "products", productIds: [] } : { type: "categories", categoryIds: [] })}
        />
      </Field>
      {targetType === "products" ? (
        <Field label={t("products")} form={form} path="list.target.productIds">
          <MultiSelect
            options={(products.data?.options ?? []).map((o) => ({ value: String(o.value), label: o.label, ...(o.hint ? { description: o.hint } : {}) }))}
            value={productIds}
            onValueChange={(v) => setField(form, "list.target.productIds", toIds(v))}
            onSearchChange={setSearch}
            loading={products.isFetching}
            footnote={productsFootnote}
            className="w-full"
          />
        </Field>
      ) : (
        <Field label={t("categories")} form={form} path="list.target.categoryIds">
          <MultiSelect
            options={categoryOptions}
            selectedOptions={categoryIds.map((id) => categoryOptions.find((o) => o.value === id) ?? { value: id, label: id })}
            value={categoryIds}
            onValueChange={(v) => setField(form, "list.target.categoryIds", toIds(v))}
            className="w-full"
          />
        </Field>
      )}
      <Field label={t("price")}>
        <Segmented
          label={t("price")}
          value={priceType}
          options={[
            { value: "percent_off", label: t("percentOff") },
            { value: "fixed", label: t("fixed") },
          ]}
          onChange={(v) => setField(form, "list.price", v === "fixed" ? { type: "fixed", amount: 9.9 } : { type: "percent_off", percent: 10 })}
        />
      </Field>
      {priceType === "fixed" ? (
        <TextField form={form} path="list.price.amount" type="number" label={t("amount")} />
      ) : (
        <TextField form={form} path="list.price.percent" type="number" label={t("percent")} />
      )}
      <TextField form={form} path="list.validDays" type="number" label={t("validDays")} />
          <p className="text-xs text-muted-foreground">{t("inlineHint")}</p>
        </div>
      )}
    </div>
  );
}
