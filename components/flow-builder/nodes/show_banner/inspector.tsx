"use client";

import { useState } from "react";
import { useWatch } from "react-hook-form";
import { ImageOffIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { bannerPlacements } from "@/server/flows/kinds/show_banner/spec";
import { SelectField, TextField, useKindForm, type InspectorProps } from "../fields";

export function ShowBannerInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.show_banner");
  const locale = useLocale();
  const form = useKindForm(props);
  const imageUrl = (useWatch({ control: form.control, name: "imageUrl" }) as string | undefined) ?? "";
  const title = (useWatch({ control: form.control, name: "title" }) as string | undefined) ?? "";
  const placement = (useWatch({ control: form.control, name: "placement" }) as string | undefined) ?? "";
  const [failed, setFailed] = useState<string | null>(null);
  const options: { value: string; label: string }[] = Object.entries(bannerPlacements).map(([value, label]) => ({ value, label: label[locale] as string }));
  if (placement && !Object.hasOwn(bannerPlacements, placement)) options.push({ value: placement, label: placement });
  return (
    <div className="flex flex-col gap-4">
      <SelectField form={form} path="placement" label={t("placement")} options={options} />
      <TextField form={form} path="imageUrl" type="url" label={t("imageUrl")} placeholder="https://" />
      <div className="flex aspect-[3/1] items-center justify-center overflow-hidden rounded-lg border bg-muted/40" data-testid="banner-preview">
        {imageUrl.startsWith("https://") && failed !== imageUrl ? (
          // A preview of any https image the marketer pastes; next/image would need every host configured.
          // eslint-disable-next-line @next/next/no-img-element
          <img src={imageUrl} alt={title} className="h-full w-full object-cover" onError={() => setFailed(imageUrl)} />
        ) : (
          <span className="flex items-center gap-1.5 text-xs text-muted-foreground">
            <ImageOffIcon className="size-4" aria-hidden /> {imageUrl && failed === imageUrl ? t("imageFailed") : t("noImage")}
          </span>
        )}
      </div>
      <TextField form={form} path="title" label={t("title")} />
      <TextField form={form} path="link" label={t("link")} hint={t("linkHint")} placeholder="/coupons" />
      <TextField form={form} path="validDays" type="number" label={t("validDays")} />
    </div>
  );
}
