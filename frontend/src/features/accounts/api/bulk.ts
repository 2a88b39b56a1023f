import { useMutation } from "@tanstack/react-query";
import type { components } from "../../../api/schema";
import { api, multipart, unwrap } from "../../../api/client";
import { saveBlob } from "../../../api/http";

export type BulkPreview = components["schemas"]["BulkPreview"];
export type BulkProblem = components["schemas"]["BulkProblem"];

/** What the file would create, and its problems (nothing is written). */
export function useBulkPreview() {
  return useMutation({
    mutationFn: async (file: File) =>
      unwrap(await api.POST("/api/v1/accounts/bulk/preview", { body: { file: file as unknown as string }, bodySerializer: multipart })),
  });
}

/** Create every account of the file (or none); the answer, saved as a download, is the only copy of the passwords. */
export function useBulkCreate() {
  return useMutation({
    mutationFn: async (file: File) => {
      const result = await api.POST("/api/v1/accounts/bulk", {
        body: { file: file as unknown as string },
        bodySerializer: multipart,
        parseAs: "blob",
      });
      saveBlob(unwrap(result), "accounts-passwords.xlsx");
    },
  });
}
