import { render, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ReportChart } from "./ReportChart";

describe("ReportChart", () => {
  it("names a series by its localized label and plots the report's own points", async () => {
    const { container } = render(
      <ReportChart
        spec={{
          type: "bar",
          x: "day",
          series: ["visitors"],
          series_labels: { visitors: "Посетители" },
          points: [
            { x: "2026-11-19", label: "19.11.2026", visitors: 1 },
            { x: "2026-11-20", label: "20.11.2026", visitors: 2 },
          ],
        }}
        rows={[{ role: "Сотрудники", persons: 2 }]}
        columns={[{ id: "role", title: "Роль", kind: "text", children: [] }]}
        lang="ru"
        title="Диаграмма: Активность"
      />,
    );
    await waitFor(() => expect(container.querySelector("svg")).not.toBeNull());
    const text = container.textContent ?? "";
    expect(text).toContain("Посетители");
    expect(text).not.toContain("visitors");
  });
});
