/**
 * Small form fields of the properties panel. Text fields keep what is typed locally and write it to the
 * document on blur or Enter, so a word typed is one undo step, not one per key.
 */
import React from 'react';
import { ParameterType } from '../../../contract/pipeline';

export interface ITextFieldProps {
  label: string;
  value: string;
  onCommit: (value: string) => void;
  multiline?: boolean;
  placeholder?: string;
  type?: 'text' | 'number';
  hint?: string;
  invalid?: string;
}

export function TextField(props: ITextFieldProps): JSX.Element {
  const [draft, setDraft] = React.useState(props.value);
  React.useEffect(() => setDraft(props.value), [props.value]);
  const commit = () => {
    if (draft !== props.value) {
      props.onCommit(draft);
    }
  };
  const common = {
    value: draft,
    placeholder: props.placeholder,
    'aria-invalid': props.invalid ? true : undefined,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setDraft(e.target.value),
    onBlur: commit,
    className: 'jp-mod-styled'
  };
  return (
    <label className="kf-field">
      <span>{props.label}</span>
      {props.multiline ? (
        <textarea rows={3} {...common} />
      ) : (
        <input
          type={props.type ?? 'text'}
          {...common}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              commit();
            }
          }}
        />
      )}
      {props.invalid && <em className="kf-field-error">{props.invalid}</em>}
      {props.hint && !props.invalid && <em className="kf-field-hint">{props.hint}</em>}
    </label>
  );
}

export function CheckField(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}): JSX.Element {
  return (
    <label className="kf-field kf-field-check">
      <input
        type="checkbox"
        checked={props.checked}
        onChange={e => props.onChange(e.target.checked)}
      />{' '}
      {props.label}
    </label>
  );
}

/** Lines of a textarea as a list (blank lines dropped), and back. */
export const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);

/** `KEY=value` lines as a map, and back. */
export function envOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of linesOf(text)) {
    const at = line.indexOf('=');
    if (at > 0) {
      env[line.slice(0, at).trim()] = line.slice(at + 1);
    }
  }
  return env;
}
export const envText = (env: Record<string, string> | undefined): string =>
  Object.entries(env ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** A typed value from what was typed in a field; `undefined` for an empty field or an unparseable one. */
export function parseValue(type: ParameterType | undefined, text: string): unknown {
  const t = text.trim();
  if (t === '') {
    return undefined;
  }
  switch (type) {
    case 'NUMBER_INTEGER':
      return /^-?\d+$/.test(t) ? Number(t) : undefined;
    case 'NUMBER_DOUBLE':
      return Number.isFinite(Number(t)) ? Number(t) : undefined;
    case 'BOOLEAN':
      return t === 'true' ? true : t === 'false' ? false : undefined;
    case 'LIST':
    case 'STRUCT':
      try {
        return JSON.parse(t);
      } catch {
        return undefined;
      }
    default:
      return text;
  }
}

export function formatValue(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
