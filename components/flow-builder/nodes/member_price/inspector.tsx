"use client";

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useWatch } from "react-hook-form";
import { useLocale, useTranslations } from "use-intl";

import { useTRPC } from "@/trpc/react";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { MultiSelect } from "@/components/ui/combobox";
import { useFlowReferences } from "../references";
import { Field, Segmented, TextField, setField, useKindForm, type InspectorProps } from "../fields";

export function MemberPriceInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.member_price");
  const locale = useLocale();
  const refs = useFlowReferences();
  const trpc = useTRPC();
  const form = useKindForm(props);
  const targetType = useWatch({ control: form.control, name: "target.type" }) as "products" | "categories";
  const priceType = useWatch({ control: form.control, name: "price.type" }) as "fixed" | "percent_off";
  const productIds = (useWatch({ control: form.control, name: "target.productIds" }) as string[] | undefined) ?? [];
  const categoryIds = (useWatch({ control: form.control, name: "target.categoryIds" }) as string[] | undefined) ?? [];
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search, 250);
  const products = useQuery({
    ...trpc.audiences.options.queryOptions({ source: "products", search: debounced || undefined, limit: 50 }),
    enabled: targetType === "products",
  });
  const categoryOptions = refs.categories.map((c) => ({ value: c.id, label: locale === "en" ? c.nameEn : c.name, description: c.id }));
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("target")}>
        <Segmented
          label={t("target")}
          value={targetType}
          options={[
            { value: "categories", label: t("categories") },
            { value: "products", label: t("products") },
          ]}
          onChange={(v) => setField(form, "target", v === "products" ? { type: "products", productIds: [] } : { type: "categories", categoryIds: [] })}
        />
      </Field>
      {targetType === "products" ? (
        <Field label={t("products")} form={form} path="target.productIds">
          <MultiSelect
            options={(products.data ?? []).map((o) => ({ value: String(o.value), label: o.label, ...(o.hint ? { description: o.hint } : {}) }))}
            value={productIds}
            onValueChange={(v) => setField(form, "target.productIds", v)}
            onSearchChange={setSearch}
            loading={products.isFetching}
            className="w-full"
          />
        </Field>
      ) : (
        <Field label={t("categories")} form={form} path="target.categoryIds">
          <MultiSelect
            options={categoryOptions}
            selectedOptions={categoryIds.map((id) => categoryOptions.find((o) => o.value === id) ?? { value: id, label: id })}
            value={categoryIds}
            onValueChange={(v) => setField(form, "target.categoryIds", v)}
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
          onChange={(v) => setField(form, "price", v === "fixed" ? { type: "fixed", amount: 9.9 } : { type: "percent_off", percent: 10 })}
        />
      </Field>
      {priceType === "fixed" ? (
        <TextField form={form} path="price.amount" type="number" label={t("amount")} />
      ) : (
        <TextField form={form} path="price.percent" type="number" label={t("percent")} />
      )}
      <TextField form={form} path="validDays" type="number" label={t("validDays")} />
    </div>
  );
}
