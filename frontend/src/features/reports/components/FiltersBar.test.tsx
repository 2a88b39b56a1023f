import { MantineProvider } from "@mantine/core";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import "../../../i18n";
import { FiltersBar } from "./FiltersBar";

function renderBar(query: Record<string, string>) {
  return render(
    <MantineProvider>
      <FiltersBar
        filters={["period_id"]}
        query={query}
        applied={[{ id: "period_id", value: 6, name: "1 четверть 2026-2027" }]}
        options={undefined}
        loading={false}
        onChange={() => {}}
        onReset={() => {}}
      />
    </MantineProvider>,
  );
}

describe("FiltersBar", () => {
  it("names the period the engine chose when none is chosen", () => {
    renderBar({});
    expect(screen.getByPlaceholderText("1 четверть 2026-2027 (по умолчанию)")).toBeInTheDocument();
  });

  it("shows the generic placeholder once the user has chosen a value", () => {
    renderBar({ period_id: "7" });
    expect(screen.queryByPlaceholderText("1 четверть 2026-2027 (по умолчанию)")).toBeNull();
  });
});
