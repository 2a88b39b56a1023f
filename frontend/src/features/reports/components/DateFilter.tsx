import { TextInput } from "@mantine/core";
import { useEffect, useState } from "react";

/** A complete ISO date (yyyy-mm-dd) of a year the reports can mean (2000–2100). */
export function isCommittableDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  if (year < 2000 || year > 2100) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

interface Props {
  label: string;
  value: string;
  error?: string;
  onCommit: (value: string | null) => void;
}

/**
 * A date filter typed by keyboard or picked: the report reloads only for a complete date within 2000–2100
 * (Chromium reports «0002-11-01» after the first digit of the year), or when the field is cleared, or on
 * blur / Enter. A half-typed date never reaches the URL.
 */
export function DateFilter({ label, value, error, onCommit }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);

  const commit = (next: string) => {
    if (next === value) return;
    if (next === "") onCommit(null);
    else if (isCommittableDate(next)) onCommit(next);
  };

  return (
    <TextInput
      type="date"
      label={label}
      value={draft}
      error={error}
      min="2000-01-01"
      max="2100-12-31"
      onChange={(e) => {
        const next = e.currentTarget.value;
        setDraft(next);
        if (next === "" || isCommittableDate(next)) commit(next);
      }}
      onBlur={() => {
        if (draft !== "" && !isCommittableDate(draft)) setDraft(value);
        else commit(draft);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit(draft);
      }}
      data-filter-date
    />
  );
}
