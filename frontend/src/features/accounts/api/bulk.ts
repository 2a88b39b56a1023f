import { useMutation } from "@tanstack/react-query";
import type { components } from "../../../api/schema";
import { ApiError, type ErrorEnvelope } from "../../../api/client";
import { authFetch } from "../../../api/session";
import { request } from "../../../api/http";

export type BulkPreview = components["schemas"]["BulkPreview"];
export type BulkProblem = components["schemas"]["BulkProblem"];

const base = "/api/v1/accounts/bulk";

function form(file: File): FormData {
  const data = new FormData();
  data.append("file", file);
  return data;
}

/** What the file would create, and its problems (nothing is written). */
export function useBulkPreview() {
  return useMutation({ mutationFn: (file: File) => request<BulkPreview>(`${base}/preview`, { method: "POST", body: form(file) }) });
}

/** Create every account of the file (or none); the answer, saved as a download, is the only copy of the passwords. */
export function useBulkCreate() {
  return useMutation({
    mutationFn: async (file: File) => {
      const response = await authFetch(base, { method: "POST", body: form(file) });
      if (!response.ok) {
        let envelope: ErrorEnvelope | undefined;
        try {
          envelope = (await response.json()) as ErrorEnvelope;
        } catch {
          envelope = undefined;
        }
        throw new ApiError(response.status, envelope?.error?.message ?? response.statusText, envelope);
      }
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = href;
      a.download = "accounts-passwords.xlsx";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    },
  });
}
