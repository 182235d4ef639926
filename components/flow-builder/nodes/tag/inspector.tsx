"use client";

import { useState } from "react";
import { useWatch } from "react-hook-form";
import { XIcon } from "lucide-react";
import { useTranslations } from "use-intl";

import { Input } from "@/components/ui/input";
import { Field, Segmented, setField, useKindForm, type InspectorProps } from "../fields";

export function TagInspector(props: InspectorProps) {
  const t = useTranslations("flowBuilder.inspectors.tag");
  const form = useKindForm(props);
  const action = useWatch({ control: form.control, name: "action" }) as string;
  const tags = (useWatch({ control: form.control, name: "tags" }) as string[] | undefined) ?? [];
  const [text, setText] = useState("");
  const add = () => {
    const next = text
      .split(/[,，]/)
      .map((s) => s.trim())
      .filter((s) => s && !tags.includes(s));
    if (next.length) setField(form, "tags", [...tags, ...next]);
    setText("");
  };
  return (
    <div className="flex flex-col gap-4">
      <Field label={t("action")}>
        <Segmented
          label={t("action")}
          value={action}
          options={[
            { value: "add", label: t("add") },
            { value: "remove", label: t("remove") },
          ]}
          onChange={(v) => setField(form, "action", v)}
        />
      </Field>
      <Field label={t("tags")} form={form} path="tags" hint={t("hint")}>
        <div className="flex flex-wrap gap-1">
          {tags.map((tag) => (
            <span key={tag} className="flex items-center gap-1 rounded-md bg-secondary px-1.5 py-0.5 text-xs">
              {tag}
              <button type="button" aria-label={t("removeTag", { tag })} onClick={() => setField(form, "tags", tags.filter((x) => x !== tag))}>
                <XIcon className="size-3" aria-hidden />
              </button>
            </span>
          ))}
        </div>
        <Input
          value={text}
          data-testid="tag-input"
          placeholder={t("placeholder")}
          onChange={(e) => setText(e.target.value)}
          onBlur={add}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === ",") {
              e.preventDefault();
              add();
            }
          }}
        />
      </Field>
    </div>
  );
}
