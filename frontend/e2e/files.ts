import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Spreadsheets the specs upload and read, written and read by the repo's Python (xlsxwriter, openpyxl). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const python = process.env.PYTHON ?? resolve(root, ".venv/bin/python");

/**
 * A registry .xlsx of 30 schools «Импортная школа №i <stamp>» under `body` in `district`. With `broken`, two
 * deliberate errors: school 4 (spreadsheet row 5) has an unknown type, school 11 (row 12) a licence date 31.02.
 */
export function registryFile(path: string, body: string, district: string, stamp: string, broken: boolean): void {
  const script = `
import sys, xlsxwriter
path, body, district, stamp, broken = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"
wb = xlsxwriter.Workbook(path)
ws = wb.add_worksheet()
ws.write_row(0, 0, ["Наименование ОУ", "Тип ОУ", "Орган управления", "Район", "Адрес", "Контакты", "Информация о лицензии"])
for i in range(1, 31):
    kind = "Общеобразовательная организация" if i % 2 else "ОБЩЕОБРАЗОВАТЕЛЬНАЯ  организация"
    licence = f"Номер: KZ{i:04d}\\nДата: 01.09.2020\\nКем выдана: Комитет"
    if broken and i == 4:
        kind = "Школа-интернат космонавтов"
    if broken and i == 11:
        licence = "Номер: KZ0011\\nДата: 31.02.2020"
    ws.write_row(i, 0, [f"Импортная школа №{i} {stamp}", kind, body, district, f"Почтовый адрес: ул. Новая, {i}",
                        f"Телефон: 8 700 000 {i:02d}", licence])
wb.close()
`;
  execFileSync(python, ["-c", script, path, body, district, stamp, broken ? "1" : "0"], { cwd: root });
}

/** A bulk-accounts .xlsx: the header (Фамилия, Имя, Отчество, Орган, Должность, Роль, Логин), then the rows. */
export function accountsFile(path: string, rows: string[][]): void {
  const script = [
    "import json, sys, xlsxwriter",
    "wb = xlsxwriter.Workbook(sys.argv[1]); ws = wb.add_worksheet()",
    "for i, row in enumerate(json.loads(sys.argv[2])): ws.write_row(i, 0, row)",
    "wb.close()",
  ].join("\n");
  const header = ["Фамилия", "Имя", "Отчество", "Орган", "Должность", "Роль", "Логин"];
  execFileSync(python, ["-c", script, path, JSON.stringify([header, ...rows])], { cwd: root });
}

/** The (login, password) pairs of a downloaded passwords file, read with openpyxl. */
export function passwords(path: string): [string, string][] {
  const script = [
    "import json, sys, openpyxl",
    "ws = openpyxl.load_workbook(sys.argv[1], read_only=True).worksheets[0]",
    "print(json.dumps([[r[5], r[6]] for r in list(ws.iter_rows(values_only=True))[1:]]))",
  ].join("\n");
  return JSON.parse(execFileSync(python, ["-c", script, path], { cwd: root, encoding: "utf8" })) as [string, string][];
}

/** What a downloaded data package holds: its descriptor's organization and resources, and the rows of each CSV. */
export interface PackageSummary {
  organization_id: number;
  profile: string;
  resources: { name: string; path: string; rows: number }[];
  csv_rows: Record<string, number>;
  organizations: string[];
}

/** Read a data package (zip) with the repo's Python: datapackage.json and the row count of every CSV. */
export function dataPackage(path: string): PackageSummary {
  const script = `
import csv, io, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zf:
    d = json.loads(zf.read("datapackage.json"))
    rows = {}
    for r in d["resources"]:
        with zf.open(r["path"]) as fh:
            rows[r["name"]] = sum(1 for _ in csv.reader(io.TextIOWrapper(fh, "utf-8", newline=""))) - 1
    with zf.open("data/organizations.csv") as fh:
        names = [o["name_ru"] for o in csv.DictReader(io.TextIOWrapper(fh, "utf-8", newline=""))]
print(json.dumps({
    "organization_id": d["bilim:organization_id"], "profile": d["profile"],
    "resources": [{"name": r["name"], "path": r["path"], "rows": r["bilim:rows"]} for r in d["resources"]],
    "csv_rows": rows, "organizations": names,
}))
`;
  return JSON.parse(execFileSync(python, ["-c", script, path], { cwd: root, encoding: "utf8" })) as PackageSummary;
}
