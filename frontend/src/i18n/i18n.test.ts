import { describe, expect, it } from "vitest";
import { en } from "./en";
import { kk } from "./kk";
import { ru } from "./ru";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function leaves(value: unknown): string[] {
  if (typeof value !== "object" || value === null) return [String(value)];
  return Object.values(value).flatMap(leaves);
}

describe("translations", () => {
  it("have the same keys in ru, kk and en", () => {
    expect(keys(kk).sort()).toEqual(keys(ru).sort());
    expect(keys(en).sort()).toEqual(keys(ru).sort());
  });

  it("leave no label empty and keep every placeholder", () => {
    for (const locale of [ru, kk, en]) expect(leaves(locale).every((s) => s.trim().length > 0)).toBe(true);
    const ruKeys = keys(ru);
    const pick = (obj: unknown, path: string) => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
    for (const path of ruKeys) {
      const wanted = (String(pick(ru, path)).match(/\{\{\w+\}\}/g) ?? []).sort();
      expect((String(pick(kk, path)).match(/\{\{\w+\}\}/g) ?? []).sort(), `kk ${path}`).toEqual(wanted);
      expect((String(pick(en, path)).match(/\{\{\w+\}\}/g) ?? []).sort(), `en ${path}`).toEqual(wanted);
    }
  });
});
