import { ApiError } from "../../../api/client";
import { authFetch } from "../../../api/session";
import { fileNameFrom } from "../../../lib/files";
import { saveBlob } from "../../../api/http";

export interface ExportProgress {
  received: number;
  total: number | null;
}

export type ExportFormat = "xlsx" | "csv";

/** The query of an export: the report's filters, the format and, for CSV, the field separator. */
export function exportParams(search: URLSearchParams, format: ExportFormat, lang: string): URLSearchParams {
  const params = new URLSearchParams(search);
  params.set("format", format);
  // Excel in Russian and Kazakh locales splits CSV lines on «;», not on «,».
  if (format === "csv" && lang !== "en") params.set("delimiter", "semicolon");
  return params;
}

/**
 * Download the report's .xlsx (or .csv): streamed in chunks (progress reported as it arrives, the page stays
 * responsive), then saved through a temporary object URL.
 */
export async function downloadExport(
  reportId: string,
  search: URLSearchParams,
  onProgress: (p: ExportProgress) => void,
  signal?: AbortSignal,
  format: ExportFormat = "xlsx",
  lang = "ru",
): Promise<string> {
  const params = exportParams(search, format, lang);
  const url = `/api/v1/reports/${encodeURIComponent(reportId)}/export?${params}`;
  const response = await authFetch(url, { signal });
  if (!response.ok) {
    let body: { error?: { message?: string } } | undefined;
    try {
      body = (await response.json()) as { error?: { message?: string } };
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, body?.error?.message ?? response.statusText, body);
  }
  const length = Number(response.headers.get("Content-Length"));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: BlobPart[] = [];
  let received = 0;
  onProgress({ received, total });
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value as BlobPart);
      received += value.byteLength;
      onProgress({ received, total });
    }
  } else {
    chunks.push(await response.blob());
  }
  const name = fileNameFrom(response.headers.get("Content-Disposition"), `${reportId}.${format}`);
  const blob = new Blob(chunks, {
    type: response.headers.get("Content-Type") ?? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  });
  saveBlob(blob, name);
  return name;
}
