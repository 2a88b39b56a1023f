import { ApiError } from "./client";
import { authFetch } from "./session";

/** Download a file that needs the session's token (fetched, then saved under its name). */
export async function downloadWithToken(url: string, name: string): Promise<void> {
  const response = await authFetch(url);
  if (!response.ok) throw new ApiError(response.status, response.statusText);
  saveBlob(await response.blob(), name);
}

/** Save a blob under a name (the browser's download). */
export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
