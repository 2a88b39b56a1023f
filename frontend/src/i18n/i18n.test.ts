import { describe, expect, it } from "vitest";
import { resources } from "./index";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function leaves(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [String(value)];
  return Object.values(value).flatMap(leaves);
}

const pick = (obj: unknown, path: string) => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);

/** Every namespace the app registers, by its Russian key set (Russian is the reference). */
const namespaces = Object.keys(resources.ru) as (keyof typeof resources.ru)[];

describe("translations", () => {
  it("register the same namespaces in ru, kk and en", () => {
    expect(namespaces).toEqual(expect.arrayContaining(["translation", "profile"]));
    expect(Object.keys(resources.kk).sort()).toEqual([...namespaces].sort());
    expect(Object.keys(resources.en).sort()).toEqual([...namespaces].sort());
  });

  it.each(namespaces)("have the same keys in ru, kk and en (namespace %s)", (ns) => {
    const ru = keys(resources.ru[ns]).sort();
    expect(ru.length).toBeGreaterThan(0);
    expect(keys(resources.kk[ns]).sort()).toEqual(ru);
    expect(keys(resources.en[ns]).sort()).toEqual(ru);
  });

  it.each(namespaces)("leave no label empty and keep every placeholder (namespace %s)", (ns) => {
    const [ru, kk, en] = [resources.ru[ns], resources.kk[ns], resources.en[ns]];
    for (const locale of [ru, kk, en]) expect(leaves(locale).every((s) => s.trim().length > 0)).toBe(true);
    for (const path of keys(ru)) {
      const wanted = (String(pick(ru, path)).match(/\{\{\w+\}\}/g) ?? []).sort();
      expect((String(pick(kk, path)).match(/\{\{\w+\}\}/g) ?? []).sort(), `kk ${ns}:${path}`).toEqual(wanted);
      expect((String(pick(en, path)).match(/\{\{\w+\}\}/g) ?? []).sort(), `en ${ns}:${path}`).toEqual(wanted);
    }
  });
});
