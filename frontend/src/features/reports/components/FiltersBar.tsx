import { Button, Group, Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { FilterOptionsJson } from "../api/model";
import type { FilterName, ReportQuery } from "../api/reports";
import { DateFilter } from "./DateFilter";
import { optionLists } from "./options";
import classes from "./FiltersBar.module.css";

interface Props {
  filters: FilterName[];
  query: ReportQuery;
  /** Filters as the engine applied them (a date filter shows its default, e.g. today). */
  applied?: { id: string; value: unknown; name?: string }[];
  options: FilterOptionsJson | undefined;
  loading: boolean;
  onChange: (name: FilterName, value: string | null) => void;
  onReset: () => void;
  /** Localized errors shown under their field (e.g. «Дата «С» позже даты «По»» under «С даты»). */
  errors?: Partial<Record<string, string>>;
  /** The filter the report waits for (the school, then the class or teacher): marked as required. */
  wanted?: FilterName | null;
}

const DATE_FILTERS: FilterName[] = ["date", "date_from", "date_to"];

/** The cascade filters: each list holds only the values within the user's scope and the filters above. */
export function FiltersBar({ filters, query, applied, options, loading, onChange, onReset, errors, wanted }: Props) {
  const { t } = useTranslation();
  const lists = optionLists(options);
  const active = filters.some((f) => query[f]);
  return (
    <fieldset className={classes.bar} aria-busy={loading}>
      <legend className={classes.legend}>{t("report.filters")}</legend>
      <div className={classes.grid}>
        {filters.map((name) => {
          const label = t(`filter.${name}`);
          if (DATE_FILTERS.includes(name)) {
            return (
              <DateFilter
                key={name}
                label={label}
                value={query[name] ?? String(applied?.find((f) => f.id === name)?.value ?? "")}
                error={errors?.[name]}
                onCommit={(value) => onChange(name, value)}
              />
            );
          }
          const data = (lists[name]?.options ?? []).map((o) => ({ value: String(o.id), label: o.name }));
          const value = query[name] ?? null;
          // Nothing chosen but the engine applied a default (e.g. the period): say which, so that the figures
          // are never read without knowing what they are for.
          const byDefault = value ? undefined : applied?.find((f) => f.id === name && f.value != null && f.name);
          // Keep a chosen value visible while its list reloads.
          if (value && !data.some((d) => d.value === value)) data.unshift({ value, label: value });
          return (
            <Select
              key={name}
              label={label}
              placeholder={byDefault ? t("filter.byDefault", { value: byDefault.name }) : t("filter.any", { name: label })}
              data={data}
              value={value}
              onChange={(v) => onChange(name, v)}
              searchable
              clearable
              nothingFoundMessage={t("catalogue.empty")}
              disabled={data.length === 0 && !value}
              error={errors?.[name]}
              withAsterisk={wanted === name}
              data-wanted={wanted === name ? "true" : undefined}
              comboboxProps={{ withinPortal: true }}
              data-filter={name}
            />
          );
        })}
      </div>
      {active && (
        <Group justify="flex-end" mt="xs">
          <Button variant="subtle" size="xs" onClick={onReset}>
            {t("report.reset")}
          </Button>
        </Group>
      )}
    </fieldset>
  );
}
