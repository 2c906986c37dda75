/** The framework picker and its replica counts: the same controls in the job form and a study's trial. */
import React from 'react';
import { Framework } from '../../contract/training';
import { Field, IFieldErrors } from '../components/form/Field';
import { FRAMEWORKS, ROLES } from './roles';

interface IProps {
  errors: IFieldErrors;
  ids: string;
  framework: Framework;
  counts: Record<string, string>;
  onFramework: (framework: Framework) => void;
  onCount: (role: string, count: string) => void;
}

export function FrameworkField({
  errors,
  ids,
  framework,
  onFramework
}: Omit<IProps, 'counts' | 'onCount'>): JSX.Element {
  return (
    <Field model={errors} ids={ids} field="framework" label="Framework">
      {aria => (
        <select
          {...aria}
          value={framework}
          onChange={e => onFramework(e.target.value as Framework)}
        >
          {FRAMEWORKS.map(f => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One count per role of the framework, then the error of the replicas as a whole (if any). */
export function ReplicaFields({
  errors,
  ids,
  framework,
  counts,
  onCount
}: Omit<IProps, 'onFramework'>): JSX.Element {
  const formError = errors.error('form') ?? errors.error('replicas');
  return (
    <>
      {ROLES[framework].map(r => (
        <Field
          key={r.role}
          model={errors}
          ids={ids}
          field={`replicas.${r.role}`}
          label={`${r.role} replicas`}
          hint={r.single ? '0 or 1' : undefined}
        >
          {aria => (
            <input
              {...aria}
              type="number"
              min={0}
              max={r.single ? 1 : 1000}
              value={counts[r.role] ?? ''}
              onChange={e => onCount(r.role, e.target.value)}
            />
          )}
        </Field>
      ))}
      {formError && <p className="kf-form-error">{formError}</p>}
    </>
  );
}
