/** The small form of "Open with slice browser": which columns hold the label, prediction and slices. */
import { Widget } from '@lumino/widgets';
import { AnalysisTask, IAnalysisSpec, MetricSet } from '../../contract/analysis';

export type FileAnalysisFields = Omit<IAnalysisSpec, 'source'>;

const FIELDS: {
  name: string;
  label: string;
  placeholder: string;
  required?: boolean;
}[] = [
  {
    name: 'label',
    label: 'Label column',
    placeholder: 'e.g. label',
    required: true
  },
  {
    name: 'prediction',
    label: 'Prediction column',
    placeholder: 'e.g. score',
    required: true
  },
  {
    name: 'slices',
    label: 'Slice columns (comma-separated; a×b for a cross)',
    placeholder: 'e.g. region, age_group, sex×race'
  },
  {
    name: 'weights',
    label: 'Example weight column (optional)',
    placeholder: ''
  },
  {
    name: 'baseline',
    label: 'Baseline prediction column (optional)',
    placeholder: ''
  }
];

export class AnalysisForm extends Widget {
  constructor(fileName: string) {
    super();
    this.addClass('kf-slices-form');
    const intro = document.createElement('p');
    intro.textContent = `Analyse ${fileName}:`;
    this.node.appendChild(intro);
    for (const field of FIELDS) {
      const label = document.createElement('label');
      label.textContent = field.label;
      const input = document.createElement('input');
      input.name = field.name;
      input.placeholder = field.placeholder;
      input.required = !!field.required;
      label.appendChild(input);
      this.node.appendChild(label);
    }
    const task = document.createElement('label');
    task.textContent = 'Task';
    const select = document.createElement('select');
    select.name = 'task';
    for (const value of ['binary', 'multiclass', 'regression']) {
      select.appendChild(new Option(value, value));
    }
    task.appendChild(select);
    this.node.appendChild(task);
    const metrics = document.createElement('label');
    metrics.textContent = 'Metrics';
    const which = document.createElement('select');
    which.name = 'metrics';
    which.appendChild(new Option('all (ROC-AUC, PR-AUC, log loss included)', 'all'));
    which.appendChild(new Option('count-based only (faster on large files)', 'counts'));
    metrics.appendChild(which);
    this.node.appendChild(metrics);
  }

  private value(name: string): string {
    const element = this.node.querySelector<HTMLInputElement | HTMLSelectElement>(
      `[name="${name}"]`
    );
    return element?.value.trim() ?? '';
  }

  /** The spec fields, or null when a required column is missing. */
  getValue(): FileAnalysisFields | null {
    const label = this.value('label');
    const prediction = this.value('prediction');
    if (!label || !prediction) {
      return null;
    }
    const slices = this.value('slices')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean)
      .map(s =>
        s.includes('×') || s.includes('*') ? { cross: s.split(/[×*]/).map(p => p.trim()) } : s
      );
    const optional = (name: string) => this.value(name) || undefined;
    return {
      label,
      prediction,
      slices,
      weights: optional('weights'),
      baseline: optional('baseline'),
      task: this.value('task') as AnalysisTask,
      metrics: this.value('metrics') as MetricSet
    };
  }
}
