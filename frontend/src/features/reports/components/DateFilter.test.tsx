import { MantineProvider } from "@mantine/core";
import { fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { COMMIT_DELAY_MS, DateFilter, isCommittableDate } from "./DateFilter";

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function renderDate(value = "2026-09-01") {
  const onCommit = vi.fn();
  render(
    <MantineProvider>
      <DateFilter label="С даты" value={value} onCommit={onCommit} />
    </MantineProvider>,
  );
  return { onCommit, input: screen.getByLabelText("С даты") };
}

describe("DateFilter", () => {
  it("does not reload the report with a half-typed year (0002-11-01)", () => {
    const { onCommit, input } = renderDate();
    fireEvent.change(input, { target: { value: "0002-11-01" } });
    fireEvent.change(input, { target: { value: "0020-11-01" } });
    fireEvent.change(input, { target: { value: "0202-11-01" } });
    vi.advanceTimersByTime(COMMIT_DELAY_MS * 2);
    expect(onCommit).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: "2025-11-01" } });
    expect(onCommit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(COMMIT_DELAY_MS);
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(onCommit).toHaveBeenCalledWith("2025-11-01");
  });

  it("keeps what the user types, and puts the applied date back when they leave a half-typed one", () => {
    const { onCommit, input } = renderDate();
    fireEvent.change(input, { target: { value: "0002-11-01" } });
    expect(input).toHaveValue("0002-11-01");
    fireEvent.blur(input);
    expect(onCommit).not.toHaveBeenCalled();
    expect(input).toHaveValue("2026-09-01");
  });

  it("commits a cleared field", () => {
    const { onCommit, input } = renderDate();
    fireEvent.change(input, { target: { value: "" } });
    fireEvent.blur(input);
    expect(onCommit).toHaveBeenCalledWith(null);
  });

  it("waits while the user types a day or month into a complete date, and commits the last one on Enter", () => {
    const { onCommit, input } = renderDate();
    fireEvent.change(input, { target: { value: "2026-01-01" } });
    fireEvent.change(input, { target: { value: "2026-11-01" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onCommit).toHaveBeenCalledTimes(1);
    expect(onCommit).toHaveBeenCalledWith("2026-11-01");
  });

  it("accepts only complete dates of 2000–2100", () => {
    expect(isCommittableDate("2026-11-01")).toBe(true);
    expect(isCommittableDate("0002-11-01")).toBe(false);
    expect(isCommittableDate("2101-01-01")).toBe(false);
    expect(isCommittableDate("2026-02-30")).toBe(false);
    expect(isCommittableDate("2026-1-1")).toBe(false);
  });
});
