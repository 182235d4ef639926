// Tables of the Insights tab to CSV, written by papaparse as the member export is: a header row
// and the rows, a BOM so spreadsheet apps read UTF-8 (Chinese names), cells a spreadsheet would
// run as a formula defused (escapeFormulae), downloaded in the browser.
import Papa from "papaparse";
import { CSV_FORMULA } from "@/lib/csv";

export type CsvCell = string | number | null | undefined;

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return "\uFEFF" + Papa.unparse({ fields: header, data: rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : c))) }, { newline: "\r\n", escapeFormulae: CSV_FORMULA });
}

export function downloadCsv(filename: string, header: string[], rows: CsvCell[][]) {
  const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}
