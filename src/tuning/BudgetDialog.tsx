/**
 * The "Edit budget" dialog body: the three fields Katib lets change after creation, checked as you type. The
 * plugin re-opens the dialog with the same text while it has problems, so a bad value is never sent.
 */
import React from 'react';
import { ReactWidget } from '@jupyterlab/ui-components';
import { IStudy } from '../../contract/study';
import { budgetText, checkBudget, IBudgetText } from './actions';

const FIELDS: { key: keyof IBudgetText; label: string; hint: string }[] = [
  { key: 'maxTrialCount', label: 'Max trials', hint: 'Raise it to run more trials.' },
  { key: 'parallelTrialCount', label: 'Parallel trials', hint: 'Trials at the same time.' },
  { key: 'maxFailedTrialCount', label: 'Max failed trials', hint: 'Empty: no limit.' }
];

export function BudgetForm(props: {
  study: IStudy;
  initial: IBudgetText;
  onChange: (text: IBudgetText) => void;
}): JSX.Element {
  const [text, setText] = React.useState(props.initial);
  const result = checkBudget(text, props.study);
  const problems = 'problems' in result ? result.problems : {};
  return (
    <div className="kf-budget-form">
      <p className="kf-form-hint">
        {props.study.trials.length} trial{props.study.trials.length === 1 ? '' : 's'} created so
        far.
      </p>
      {FIELDS.map(f => {
        const id = `kf-budget-${f.key}`;
        const problem = problems[f.key];
        return (
          <div key={f.key} className={`kf-form-field${problem ? ' kf-mod-invalid' : ''}`}>
            <label htmlFor={id}>{f.label}</label>
            <input
              id={id}
              type="text"
              inputMode="numeric"
              value={text[f.key]}
              aria-invalid={!!problem}
              aria-describedby={problem ? `${id}-error` : `${id}-hint`}
              onChange={e => {
                const next = { ...text, [f.key]: e.target.value };
                setText(next);
                props.onChange(next);
              }}
            />
            {problem ? (
              <span id={`${id}-error`} className="kf-form-error">
                {problem}
              </span>
            ) : (
              <span id={`${id}-hint`} className="kf-form-hint">
                {f.hint}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

export class BudgetDialogBody extends ReactWidget {
  private text: IBudgetText;

  constructor(
    private readonly study: IStudy,
    initial: IBudgetText = budgetText(study)
  ) {
    super();
    this.text = initial;
    this.addClass('kf-budget-dialog');
  }

  getValue(): IBudgetText {
    return this.text;
  }

  protected render(): JSX.Element {
    return <BudgetForm study={this.study} initial={this.text} onChange={t => (this.text = t)} />;
  }
}
