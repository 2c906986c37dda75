/**
 * An object shown as read-only YAML, with a copy button. The `yaml` package loads on first use, so it is not
 * part of what JupyterLab fetches at start.
 */
import React from 'react';

/** How long the note after Copy stays. */
const COPIED_NOTE_MS = 2000;

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
  // Copy says whether it worked: the clipboard gives no sign of its own (and may refuse).
  const [copied, setCopied] = React.useState<string | undefined>(undefined);
  React.useEffect(() => {
    if (copied === undefined) {
      return;
    }
    const timer = setTimeout(() => setCopied(undefined), COPIED_NOTE_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      if (!navigator.clipboard) {
        throw new Error('no clipboard in this browser');
      }
      await navigator.clipboard.writeText(text ?? '');
      setCopied('Copied');
    } catch (e) {
      setCopied(`Could not copy: ${(e as Error).message}`);
    }
  };
  return (
    <div className="kf-yaml-view">
      <span className="kf-yaml-actions">
        {copied && (
          <span className="kf-yaml-copied" role="status">
            {copied}
          </span>
        )}
        <button
          type="button"
          className="jp-mod-styled kf-yaml-copy"
          onClick={() => void copy()}
          disabled={text === undefined}
        >
          Copy
        </button>
      </span>
      <pre className="kf-yaml-text" aria-label={label} aria-busy={text === undefined} tabIndex={0}>
        {text ?? 'Loading…'}
      </pre>
    </div>
  );
}
