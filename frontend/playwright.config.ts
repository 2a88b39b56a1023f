import { defineConfig } from "@playwright/test";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Each run writes traces and downloads to its own folder: engineers run the suite at the same time in
// one work tree, and Playwright empties its output folder when a run starts. Workers inherit the id.
process.env.BILIM_E2E_RUN ??= `${Date.now()}-${process.pid}`;

/**
 * End-to-end suite: Debian's Chromium (never a downloaded browser) against the real backend, which
 * e2e/global-setup.ts starts on a free port with a fresh database holding the demo region.
 */
export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // Two cores: two browsers against the one app and the one demo database of the run.
  workers: Number(process.env.E2E_WORKERS ?? 2),
  // No retries: a test that fails once is a defect to fix, not to hide.
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  outputDir: join(tmpdir(), `bilim-e2e-${process.env.BILIM_E2E_RUN}`),
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    locale: "ru-RU",
    acceptDownloads: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
});
