import { describe, expect, it } from "vitest";
import { choiceName, draftTarget, reach, type InformTargets } from "./inform";

const targets: InformTargets = {
  organizations_count: 5,
  districts: [
    { id: 1, name_ru: "Район А", name_kk: "А ауданы", organizations_count: 3 },
    { id: 2, name_ru: "Район Б", name_kk: null, organizations_count: 2 },
  ],
  types: [{ id: 7, name_ru: "Школа", name_kk: "Мектеп", name_en: "School", organizations_count: 4 }],
  organizations: [],
};
const empty = { district: null, type: null, organizations: [] };

describe("announcement recipients", () => {
  it("send all, a district, a type or a list, and nothing while the choice is missing", () => {
    expect(draftTarget("all", empty)).toEqual({ kind: "all" });
    expect(draftTarget("district", empty)).toBeNull();
    expect(draftTarget("district", { ...empty, district: "2" })).toEqual({ kind: "district", district_id: 2 });
    expect(draftTarget("type", { ...empty, district: "2" })).toBeNull();
    expect(draftTarget("type", { ...empty, type: "7" })).toEqual({ kind: "type", type_id: 7 });
    expect(draftTarget("list", empty)).toBeNull();
    expect(draftTarget("list", { ...empty, organizations: ["10", "11"] })).toEqual({ kind: "list", organization_ids: [10, 11] });
  });

  it("say how many organizations the choice reaches", () => {
    expect(reach(targets, { kind: "all" })).toBe(5);
    expect(reach(targets, { kind: "district", district_id: 1 })).toBe(3);
    expect(reach(targets, { kind: "district", district_id: 99 })).toBe(0);
    expect(reach(targets, { kind: "type", type_id: 7 })).toBe(4);
    expect(reach(targets, { kind: "list", organization_ids: [1, 2] })).toBe(2);
    expect(reach(undefined, { kind: "all" })).toBeNull();
    expect(reach(targets, null)).toBeNull();
  });

  it("name districts and types in the interface language, Russian when untranslated", () => {
    expect(choiceName(targets.districts[0], "kk")).toBe("А ауданы");
    expect(choiceName(targets.districts[1], "kk")).toBe("Район Б");
    expect(choiceName(targets.types[0], "en")).toBe("School");
    expect(choiceName(targets.districts[0], "en")).toBe("Район А");
    expect(choiceName(targets.types[0], "ru")).toBe("Школа");
  });
});
