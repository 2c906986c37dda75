/** An object shown as read-only YAML (the `yaml` package), with a copy button. */
import React from 'react';
import { stringify } from 'yaml';

export interface IYamlViewProps {
  value: unknown;
  label: string;
}

export function YamlView({ value, label }: IYamlViewProps): JSX.Element {
  const text = React.useMemo(() => stringify(value ?? null, { lineWidth: 0 }), [value]);
  const copy = () => void navigator.clipboard?.writeText(text);
  return (
    <div className="kf-yaml-view">
      <button type="button" className="jp-mod-styled kf-yaml-copy" onClick={copy}>
        Copy
      </button>
      <pre className="kf-yaml-text" aria-label={label} tabIndex={0}>
        {text}
      </pre>
    </div>
  );
}
