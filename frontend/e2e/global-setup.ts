import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const frontend = resolve(here, "..");

/** The newest modification time of the files under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(resolve(path, name))));
}

/**
 * The app serves the built SPA (frontend/dist): build it when it is missing or older than its sources, so a
 * fresh work tree is not tested against a 404 page and a changed one not against yesterday's build.
 */
function ensureBuilt(): void {
  const index = resolve(frontend, "dist/index.html");
  const sources = ["src", "public", "index.html", "vite.config.ts", "package-lock.json"].map((p) => resolve(frontend, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.filter(existsSync).map(newest))) return;
  const built = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { cwd: frontend, stdio: "inherit" });
  if (built.status !== 0) throw new Error(`vite build failed (${built.status})`);
}

/** Start e2e/stack.py (fresh database + demo region + the app); the returned function stops it. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.E2E_BASE_URL) return async () => {};
  ensureBuilt();
  const python = process.env.PYTHON ?? resolve(root, ".venv/bin/python");
  const child = spawn(python, [resolve(here, "stack.py")], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ base_url: string }>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("the e2e stack did not start within 300 s")), 300_000);
    child.once("exit", (code) => fail(new Error(`the e2e stack exited with ${code}`)));
    lines.on("line", (line) => {
      if (!line.startsWith("{")) return;
      clearTimeout(timer);
      ok(JSON.parse(line) as { base_url: string });
    });
  });
  process.env.E2E_BASE_URL = ready.base_url;
  return async () => {
    const exited = new Promise((ok) => child.once("exit", ok));
    child.stdin!.end();
    await Promise.race([exited, new Promise((ok) => setTimeout(ok, 20_000))]);
    if (child.exitCode === null) child.kill("SIGTERM");
  };
}
