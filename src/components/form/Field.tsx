/** Labelled form controls with their error next to them, shared by the job and study launcher forms. */
import React from 'react';

/** Whatever knows a field's error: a form model, the study form's trial part, … */
export interface IFieldErrors {
  error(field: string): string | undefined;
}

export interface IAriaProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

interface IFieldProps {
  model: IFieldErrors;
  /** Prefix of this form's element ids (unique per form instance). */
  ids: string;
  field: string;
  label: string;
  hint?: string;
  children: (aria: IAriaProps) => React.ReactNode;
}

/** A labelled control with its error (by field) next to it, linked for screen readers. */
export function Field({ model, ids, field, label, hint, children }: IFieldProps): JSX.Element {
  const id = `${ids}-${field.replace(/\W/g, '_')}`;
  const error = model.error(field);
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`kf-form-field${error ? ' kf-mod-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': described || undefined })}
      {hint && (
        <span id={`${id}-hint`} className="kf-form-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="kf-form-error">
          {error}
        </span>
      )}
    </div>
  );
}

export interface ITextFieldOptions {
  multiline?: boolean;
  placeholder?: string;
  className?: string;
}

/**
 * A renderer of text fields bound to one set of values: `text('image', 'Image', hint)` gives the labelled
 * input (or textarea) showing `values[field]` and calling `onChange(field, value)`.
 */
export function textFields<F extends string>(
  model: IFieldErrors,
  ids: string,
  values: Record<F, string>,
  onChange: (field: F, value: string) => void
): (field: F, label: string, hint?: string, options?: ITextFieldOptions) => JSX.Element {
  return (field, label, hint, { multiline, placeholder, className } = {}) => (
    <Field model={model} ids={ids} field={field} label={label} hint={hint}>
      {aria =>
        multiline ? (
          <textarea
            {...aria}
            rows={3}
            value={values[field]}
            onChange={e => onChange(field, e.target.value)}
          />
        ) : (
          <input
            {...aria}
            type="text"
            className={className}
            value={values[field]}
            placeholder={placeholder}
            onChange={e => onChange(field, e.target.value)}
          />
        )
      }
    </Field>
  );
}
