/** The frame of a launcher form: the form element (Enter submits through the model) and its error banner. */
import React from 'react';
import { ErrorBanner } from '../ErrorBanner';
import { IBanner } from './form-errors';

export interface IFormFrameModel {
  readonly banner: IBanner | null;
  submit(): Promise<void>;
  dismissBanner(): void;
}

export function FormFrame({
  model,
  className,
  label,
  children
}: {
  model: IFormFrameModel;
  className: string;
  label: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <form
      className={className}
      aria-label={label}
      onSubmit={e => {
        e.preventDefault();
        void model.submit();
      }}
    >
      {model.banner && (
        <ErrorBanner
          message={model.banner.message}
          details={model.banner.details}
          onDismiss={() => model.dismissBanner()}
        />
      )}
      {children}
    </form>
  );
}
