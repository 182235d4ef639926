"use client";

import * as React from "react";
import Link from "next/link";
import { useMutation } from "@tanstack/react-query";
import { CircleCheckIcon, FileUpIcon, UploadIcon } from "lucide-react";
import { useFormatter, useTranslations } from "use-intl";

import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { useAudienceSaved } from "./use-audience-saved";
import { toast } from "@/components/ui/toast";

const MAX_BYTES = 50_000_000;
type Result = RouterOutputs["audiences"]["importCsv"];

const lineCount = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== "").length;

/** A static audience from a CSV of member external ids (`audiences.importCsv`). */
export function CsvImport() {
  const t = useTranslations("audienceEditor");
  const format = useFormatter();
  const trpc = useTRPC();
  const saved = useAudienceSaved();
  const ids = { name: React.useId(), description: React.useId(), file: React.useId(), paste: React.useId(), column: React.useId() };
  const [name, setName] = React.useState("");
  const [description, setDescription] = React.useState("");
  const [file, setFile] = React.useState<{ name: string; text: string } | null>(null);
  const [pasted, setPasted] = React.useState("");
  const [column, setColumn] = React.useState("");
  const [problem, setProblem] = React.useState<string | null>(null);
  const [result, setResult] = React.useState<Result | null>(null);
  const fileInput = React.useRef<HTMLInputElement>(null);

  const importCsv = useMutation(
    trpc.audiences.importCsv.mutationOptions({
      onSuccess: (r) => {
        setResult(r);
        saved(r.audience);
      },
      onError: (e) => toast.error(t("static.importFailed"), e.message),
    }),
  );

  const csv = file?.text ?? pasted;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setProblem(t("form.nameRequired"));
    if (!csv.trim()) return setProblem(t("static.empty"));
    setProblem(null);
    importCsv.mutate({ name: name.trim(), description, csv, column: column.trim() || undefined });
  };

  if (result) {
    const unknown = result.rows - result.matched;
    return (
      <Card className="max-w-2xl" data-testid="csv-result">
        <CardHeader>
          <CardTitle className="flex items-center gap-2">
            <CircleCheckIcon className="size-4 text-success" aria-hidden />
            {t("static.resultTitle", { name: result.audience.name })}
          </CardTitle>
          <CardDescription>{t("static.matched", { matched: result.matched, rows: result.rows })}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-2 text-sm">
          {unknown > 0 ? (
            <>
              <p>{t("static.unknown", { count: unknown })}</p>
              <ul className="flex flex-wrap gap-1.5">
                {result.unknownSample.map((id) => (
                  <li key={id} className="rounded-md bg-muted px-1.5 py-0.5 font-mono text-xs">
                    {id}
                  </li>
                ))}
                {unknown > result.unknownSample.length ? (
                  <li className="text-xs text-muted-foreground">{format.number(unknown - result.unknownSample.length)} …</li>
                ) : null}
              </ul>
            </>
          ) : (
            <p className="text-muted-foreground">{t("static.allMatched")}</p>
          )}
        </CardContent>
        <CardFooter className="gap-2">
          <Button asChild>
            <Link href={`/audiences/${result.audience.id}`}>{t("static.openAudience")}</Link>
          </Button>
          <Button
            variant="outline"
            onClick={() => {
              setResult(null);
              setFile(null);
              setPasted("");
              setName("");
              setDescription("");
            }}
          >
            {t("static.importAnother")}
          </Button>
        </CardFooter>
      </Card>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Card className="max-w-2xl">
        <CardHeader>
          <CardTitle>{t("static.importTitle")}</CardTitle>
          <CardDescription>{t("static.importDescription")}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.name}>{t("form.name")}</Label>
            <Input id={ids.name} value={name} maxLength={120} onChange={(e) => setName(e.target.value)} data-testid="csv-name" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.description}>{t("form.description")}</Label>
            <Textarea id={ids.description} rows={2} value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} placeholder={t("form.descriptionPlaceholder")} />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.file}>{t("static.file")}</Label>
            <div className="flex flex-wrap items-center gap-3">
              <input
                ref={fileInput}
                id={ids.file}
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                className="sr-only"
                data-testid="csv-file"
                onChange={async (e) => {
                  const f = e.target.files?.[0];
                  if (!f) return;
                  if (f.size > MAX_BYTES) {
                    setProblem(t("static.tooLarge"));
                    return;
                  }
                  setProblem(null);
                  setFile({ name: f.name, text: await f.text() });
                }}
              />
              <Button variant="outline" onClick={() => fileInput.current?.click()}>
                <FileUpIcon />
                {t("static.chooseFile")}
              </Button>
              {file ? (
                <span className="text-sm text-muted-foreground" data-testid="csv-preview">
                  {t("static.preview", { count: lineCount(file.text), file: file.name })}
                </span>
              ) : null}
            </div>
          </div>
          {file ? null : (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor={ids.paste}>{t("static.orPaste")}</Label>
              <Textarea
                id={ids.paste}
                rows={5}
                className="font-mono text-xs"
                value={pasted}
                onChange={(e) => setPasted(e.target.value)}
                placeholder={t("static.pastePlaceholder")}
                data-testid="csv-paste"
              />
              {pasted.trim() ? <span className="text-xs text-muted-foreground">{t("static.previewPasted", { count: lineCount(pasted) })}</span> : null}
            </div>
          )}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor={ids.column}>{t("static.column")}</Label>
            <Input id={ids.column} className="max-w-60" value={column} maxLength={100} onChange={(e) => setColumn(e.target.value)} placeholder="external_id" />
            <p className="text-xs text-muted-foreground">{t("static.columnHint")}</p>
          </div>
          {problem ? (
            <p className="text-sm text-destructive" role="alert">
              {problem}
            </p>
          ) : null}
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={importCsv.isPending} data-testid="csv-import">
            {importCsv.isPending ? null : <UploadIcon />}
            {t("static.import")}
          </Button>
        </CardFooter>
      </Card>
    </form>
  );
}
