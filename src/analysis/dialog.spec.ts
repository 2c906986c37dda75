import { AnalysisForm } from './dialog';

function fill(form: AnalysisForm, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    (form.node.querySelector(`[name="${name}"]`) as HTMLInputElement).value = value;
  }
}

describe('Open with slice browser form', () => {
  it('turns the fields into spec fields, with crosses and optional columns', () => {
    const form = new AnalysisForm('scores.csv');
    fill(form, {
      label: ' y ',
      prediction: 'p',
      slices: 'region, sex × race, age*plan',
      weights: '',
      baseline: 'old',
      task: 'binary',
      metrics: 'counts'
    });
    expect(form.getValue()).toEqual({
      label: 'y',
      prediction: 'p',
      slices: ['region', { cross: ['sex', 'race'] }, { cross: ['age', 'plan'] }],
      weights: undefined,
      baseline: 'old',
      task: 'binary',
      metrics: 'counts'
    });
  });

  it('answers null until label and prediction are given', () => {
    const form = new AnalysisForm('scores.csv');
    fill(form, { label: 'y' });
    expect(form.getValue()).toBeNull();
  });
});
