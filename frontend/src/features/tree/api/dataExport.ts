import { api, ApiError, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";
import { authFetch } from "../../../api/session";
import { fileNameFrom } from "../../../lib/files";
import { saveBlob } from "../../../api/http";

export type ExportJob = components["schemas"]["ExportJob"];

/** Start the data package of a body's subtree (one running export per user: 409 otherwise). */
export async function startExport(organizationId: number): Promise<ExportJob> {
  return unwrap(await api.POST("/api/v1/export", { body: { organization_id: organizationId } }));
}

/** The caller's current export (running, or done and not yet downloaded), or null. */
export async function currentExport(): Promise<ExportJob | null> {
  const { data, error, response } = await api.GET("/api/v1/export");
  if (response.ok) return data ?? null;
  return unwrap<ExportJob | null>({ data: undefined, error, response });
}

/** The progress of one of the caller's exports. */
export async function exportStatus(jobId: string): Promise<ExportJob> {
  return unwrap(await api.GET("/api/v1/export/{job_id}", { params: { path: { job_id: jobId } } }));
}

/** Download the finished package (the server sends it once) and save it under its name; the name. */
export async function downloadExportFile(job: ExportJob): Promise<string> {
  const response = await authFetch(`/api/v1/export/${encodeURIComponent(job.id)}/file`);
  if (!response.ok) {
    let body: { error?: { message?: string } } | undefined;
    try {
      body = (await response.json()) as { error?: { message?: string } };
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, body?.error?.message ?? response.statusText, body);
  }
  const name = fileNameFrom(response.headers.get("Content-Disposition"), job.filename);
  const blob = await response.blob();
  saveBlob(blob, name);
  return name;
}
