import { TextInput } from "@mantine/core";
import { useEffect, useRef, useState } from "react";

/** How long after the last keystroke a complete date reloads the report. */
export const COMMIT_DELAY_MS = 700;

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
 * (Chromium reports «0002-11-01» after the first digit of the year), or when the field is cleared: on blur,
 * on Enter, or a moment after the last keystroke. A half-typed date never reaches the URL, and the field is
 * not reset under the user's fingers while they type.
 */
export function DateFilter({ label, value, error, onCommit }: Props) {
  const [draft, setDraft] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const editing = useRef(false);
  useEffect(() => {
    if (!editing.current) setDraft(value);
  }, [value]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const commit = (next: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    editing.current = false;
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
        editing.current = true;
        setDraft(next);
        if (timer.current) clearTimeout(timer.current);
        timer.current = next === "" || isCommittableDate(next) ? setTimeout(() => commit(next), COMMIT_DELAY_MS) : null;
      }}
      onBlur={() => {
        if (draft !== "" && !isCommittableDate(draft)) {
          if (timer.current) clearTimeout(timer.current);
          editing.current = false;
          setDraft(value);
        } else commit(draft);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit(draft);
      }}
      data-filter-date
    />
  );
}
