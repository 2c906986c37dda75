/** The filter controls of the sidebar lists (jobs, studies, runs): a choice with "all", and a name search. */
import React from 'react';

export interface IChoice {
  value: string;
  label: string;
}

/** `[Status ▾]`: '' stands for all. */
export function ChoiceFilter(props: {
  label: string;
  value: string;
  choices: readonly (string | IChoice)[];
  onChange: (value: string) => void;
}): JSX.Element {
  // No label beside it (the sidebar is narrow): unfiltered, the select shows what it filters ("Status"), as
  // GitHub's filter menus do; once a value is chosen its title and accessible name still say it.
  return (
    <select
      aria-label={props.label}
      title={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    >
      <option value="">{props.label}</option>
      {props.choices.map(c => {
        const { value, label } = typeof c === 'string' ? { value: c, label: c } : c;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </select>
  );
}

/** A case-insensitive name search; `noun` names what is filtered ("jobs", "runs"). */
export function NameFilter(props: {
  noun: string;
  value: string;
  onChange: (value: string) => void;
}): JSX.Element {
  return (
    <input
      type="search"
      aria-label={`Filter ${props.noun} by name`}
      placeholder="Filter by name"
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    />
  );
}
