import React from 'react';

/** The last lines of the failing replica's log: usually the exception, without opening the Logs tab. */
export function FailureTail({ tail }: { tail: { replica: string; text: string } }): JSX.Element {
  return (
    <div className="kf-failure-tail">
      <div className="kf-failure-tail-title">Last lines of {tail.replica}:</div>
      <pre aria-label={`Last log lines of ${tail.replica}`}>{tail.text.trimEnd()}</pre>
    </div>
  );
}
