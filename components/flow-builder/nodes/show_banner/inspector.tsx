"use client";

import { useState } from "react";
import { useWatch } from "react-hook-form";
import { ImageOffIcon } from "lucide-react";
import { useLocale, useTranslations } from "use-intl";

import { Combobox } from "@/components/ui/combobox";
import { bannerPlacements } from "@/server/flows/kinds/show_banner/spec";
import { pickable, useFlowReferences } from "../references";
import { Field, Segmented, SelectField, TextField, setField, useKindForm, useModeSwitch, type InspectorProps } from "../fields";

/** The image as the member will see it, or why there is none. */
function ImagePreview({ src, alt }: { src: string; alt: string }) {
  const t = useTranslations("flowBuilder.inspectors.show_banner");
  const [failed, setFailed] = useState<string | null>(null);
  const usable = /^https?:\/\//.test(src) && failed !== src;
  return (
    <div className="flex aspect-[3/1] items-center justify-center overflow-hidden rounded-lg border bg-muted/40" data-testid="banner-preview">
      {usable ? (
        // A preview of any image address; next/image would need every host configured.
        // eslint-disable-next-line @next/next/no-img-element
        <img src={src} alt={alt} className="h-full w-full object-cover" onError={() => setFailed(src)} />
      ) : (
        <span className="flex items-center gap-1.5 text-xs text-muted-foreground">
          <ImageOffIcon className="size-4" aria-hidden /> {src && failed === src ? t("imageFailed") : t("noImage")}
        </span>
      )}
    </div>
  );
}

export function ShowBannerInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.show_banner");
  const f = useTranslations("flowBuilder.fields");
  const locale = useLocale();
  const refs = useFlowReferences();
  const form = useKindForm(props);
  const mode = useWatch({ control: form.control, name: "banner.mode" }) as "existing" | "inline";
  const creativeId = (useWatch({ control: form.control, name: "banner.id" }) as string | undefined) ?? "";
  const imageUrl = (useWatch({ control: form.control, name: "banner.imageUrl" }) as string | undefined) ?? "";
  const title = (useWatch({ control: form.control, name: "banner.title" }) as string | undefined) ?? "";
  const placement = (useWatch({ control: form.control, name: "banner.placement" }) as string | undefined) ?? "";
  const switchMode = useModeSwitch<"existing" | "inline">(form, "banner", (m) =>
    m === "existing" ? { mode: "existing", id: "" } : { mode: "inline", placement: "app_home_top", imageUrl: "", title: "", link: "/", validDays: 7 },
  );
  const placementName = (id: string) => (bannerPlacements as Record<string, { en: string; "zh-CN": string } | undefined>)[id]?.[locale] ?? id;
  const options: { value: string; label: string }[] = Object.entries(bannerPlacements).map(([value, label]) => ({ value, label: label[locale] as string }));
  if (placement && !Object.hasOwn(bannerPlacements, placement)) options.push({ value: placement, label: placement });
  const chosen = refs.bannerCreatives.find((c) => c.id === creativeId);
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("banner")}>
        <Segmented
          label={t("banner")}
          value={mode}
          testId="banner-mode"
          options={[
            { value: "existing", label: t("existing") },
            { value: "inline", label: t("inline") },
          ]}
          onChange={switchMode}
        />
      </Field>
      {mode === "existing" ? (
        <>
          <Field label={t("creative")} form={form} path="banner.id" hint={t("libraryHint")}>
            <Combobox
              options={pickable(refs.bannerCreatives, creativeId).map((c) => ({
                value: c.id,
                label: c.archived ? f("archivedChoice", { name: c.name }) : c.name,
                description: `${placementName(c.placementId)} · ${c.title}`,
              }))}
              value={creativeId || null}
              onValueChange={(v) => setField(form, "banner.id", v ?? "")}
              emptyText={t("noCreatives")}
              className="w-full"
              aria-label={t("creative")}
            />
          </Field>
          {chosen ? <ImagePreview src={chosen.imageUrl} alt={chosen.title} /> : null}
        </>
      ) : (
        <div className="flex flex-col gap-4 rounded-lg border bg-muted/20 p-3">
          <SelectField form={form} path="banner.placement" label={t("placement")} options={options} />
          <TextField form={form} path="banner.imageUrl" type="url" label={t("imageUrl")} placeholder="https://" />
          <ImagePreview src={imageUrl} alt={title} />
          <TextField form={form} path="banner.title" label={t("title")} />
          <TextField form={form} path="banner.link" label={t("link")} hint={t("linkHint")} placeholder="/coupons" />
          <TextField form={form} path="banner.validDays" type="number" label={t("validDays")} />
          <p className="text-xs text-muted-foreground">{t("inlineHint")}</p>
        </div>
      )}
    </div>
  );
}
