/**
 * An object shown as read-only YAML, with a copy button. The `yaml` package loads on first use, so it is not
 * part of what JupyterLab fetches at start.
 */
import React from 'react';

export interface IYamlViewProps {
  value: unknown;
  label: string;
}

export function YamlView({ value, label }: IYamlViewProps): JSX.Element {
  const [text, setText] = React.useState<string | undefined>(undefined);
  React.useEffect(() => {
    let current = true;
    void import('yaml').then(({ stringify }) => {
      if (current) {
        setText(stringify(value ?? null, { lineWidth: 0 }));
      }
    });
    return () => {
      current = false;
    };
  }, [value]);
  const copy = () => void (text !== undefined && navigator.clipboard?.writeText(text));
  return (
    <div className="kf-yaml-view">
      <button
        type="button"
        className="jp-mod-styled kf-yaml-copy"
        onClick={copy}
        disabled={text === undefined}
      >
        Copy
      </button>
      <pre className="kf-yaml-text" aria-label={label} aria-busy={text === undefined} tabIndex={0}>
        {text ?? 'Loading…'}
      </pre>
    </div>
  );
}
