import { ESLint } from "eslint";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// The feature boundary rule of eslint.config.js, run through ESLint's API on code placed (not written) in the tree.
const frontend = join(dirname(fileURLToPath(import.meta.url)), "..");
let eslint: ESLint;

/** The messages of import/no-restricted-paths for `code` linted as if it were the file at `path` (under frontend/). */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(frontend, path) });
  expect(result.messages.filter((m) => m.fatal)).toEqual([]);
  return result.messages.filter((m) => m.ruleId === "import/no-restricted-paths").map((m) => m.message);
}

beforeAll(() => {
  // import/no-cycle reads the linted file from disk and fails on code that is only placed there; it is not what
  // these tests check, so it is off for them (the real tree is linted with it by `npx eslint .`).
  eslint = new ESLint({ cwd: frontend, overrideConfig: { rules: { "import/no-cycle": "off" } } });
});

describe("feature boundaries", () => {
  it("a feature importing another feature fails the lint", async () => {
    const errors = await boundaryErrors(
      "src/features/tree/components/Probe.tsx",
      'import { orgName } from "../../profile/api/profile";\nexport const probe = orgName;\n',
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"../../profile/api/profile"');
  }, 60_000);

  it("a feature importing src/app fails the lint", async () => {
    const errors = await boundaryErrors("src/features/reports/components/Probe.tsx", 'import { theme } from "../../../app/theme";\nexport const probe = theme;\n');
    expect(errors).toHaveLength(1);
  }, 60_000);

  it("a shared layer importing a feature fails the lint", async () => {
    const errors = await boundaryErrors(
      "src/lib/probe.ts",
      'import { LoginPage } from "../features/auth/components/LoginPage";\nexport const probe = LoginPage;\n',
    );
    expect(errors).toHaveLength(1);
  }, 60_000);

  it("a feature may import itself and the shared layers; src/app may import features", async () => {
    const feature = await boundaryErrors(
      "src/features/tree/components/Probe.tsx",
      [
        'import { useAuth } from "../../../lib/auth/AuthProvider";',
        'import { downloadWithToken } from "../../../api/http";',
        'import { RichText } from "../../../components/RichText";',
        'import { LANGUAGES } from "../../../i18n";',
        'import { useChildren } from "../api/tree";',
        "export const probe = [useAuth, downloadWithToken, RichText, LANGUAGES, useChildren];",
      ].join("\n"),
    );
    expect(feature).toEqual([]);
    const app = await boundaryErrors("src/app/Probe.tsx", 'import { treeRoutes } from "../features/tree/routes";\nexport const probe = treeRoutes;\n');
    expect(app).toEqual([]);
  }, 60_000);
});
