import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const root = dirname(fileURLToPath(import.meta.url));

// Every folder of src/features is a feature; a new one is covered without touching this file.
const features = readdirSync(join(root, "src/features"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * Feature boundaries (as in bulletproof-react): a feature imports from the shared layers (src/api, src/lib,
 * src/components, src/i18n) and from itself, never from another feature nor from src/app; the shared layers import
 * no feature and not src/app; only src/app puts the features together.
 */
const boundaryZones = [
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: "./src/features",
    except: [`./${feature}`],
    message: "A feature imports only from itself and the shared layers (src/api, src/lib, src/components, src/i18n); move what is shared there.",
  })),
  {
    target: "./src/features",
    from: "./src/app",
    message: "Features do not import from src/app; move what is shared to src/lib or src/components.",
  },
  {
    target: ["./src/api", "./src/lib", "./src/components", "./src/i18n"],
    from: ["./src/features", "./src/app"],
    message: "The shared layers import no feature and not src/app.",
  },
];

export default tseslint.config(
  { ignores: ["postcss.config.cjs", "dist", "node_modules", "src/api/schema.d.ts", "test-results", "playwright-report"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { import: importPlugin },
    settings: {
      "import/resolver": { node: { extensions: [".ts", ".tsx", ".js"] } },
      "import/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
    },
    rules: {
      "import/no-restricted-paths": ["error", { basePath: root, zones: boundaryZones }],
      // No import cycles in the SPA either (the backend has import-linter's contract for that).
      "import/no-cycle": "error",
    },
  },
);
