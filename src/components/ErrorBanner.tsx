/** An error message in plain words, announced to screen readers, optionally dismissible. */
import React from 'react';

export interface IErrorBannerProps {
  message: string;
  details?: string[];
  onDismiss?: () => void;
}

export function ErrorBanner({ message, details, onDismiss }: IErrorBannerProps): JSX.Element {
  return (
    <div className="kf-error-banner" role="alert">
      <span className="kf-error-banner-message">{message}</span>
      {details && details.length > 0 && (
        <ul className="kf-error-banner-details">
          {details.map(d => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      <span className="kf-error-banner-actions">
        {onDismiss && (
          <button
            type="button"
            className="jp-mod-styled"
            aria-label="Dismiss error"
            onClick={onDismiss}
          >
            ×
          </button>
        )}
      </span>
    </div>
  );
}
