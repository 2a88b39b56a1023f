import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

/** Start e2e/stack.py (fresh database + demo region + the app); the returned function stops it. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.E2E_BASE_URL) return async () => {};
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
