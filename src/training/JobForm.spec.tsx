import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ProxyError } from '../api/errors';
import { FakeCluster, makeJob } from './__tests__/fakes';
import { JobForm } from './JobForm';
import { JobFormModel } from './form-model';

function setup(createJob = jest.fn(async () => makeJob('created')), currentFile?: jest.Mock) {
  const onCreated = jest.fn();
  const model = new JobFormModel({
    client: { createJob },
    namespace: () => 'team-a',
    onCreated,
    currentFile
  });
  render(<JobForm model={model} />);
  return { model, createJob, onCreated };
}

const submit = () => screen.getByRole('button', { name: 'Create job' }) as HTMLButtonElement;
const isDisabled = () => submit().disabled;

describe('JobForm', () => {
  it('shows an invalid name at once, linked to the field, and disables submit', () => {
    setup();
    expect(isDisabled()).toBe(false);
    const name = screen.getByLabelText('Name');
    fireEvent.change(name, { target: { value: 'Bad_Name' } });
    expect(name.getAttribute('aria-invalid')).toBe('true');
    const errorId = name.getAttribute('aria-describedby')!.split(' ')[0];
    expect(document.getElementById(errorId)!.textContent).toMatch(/lower-case letters/);
    expect(isDisabled()).toBe(true);
    fireEvent.change(name, { target: { value: 'good-name' } });
    expect(name.getAttribute('aria-invalid')).toBe('false');
    expect(isDisabled()).toBe(false);
  });

  it('follows the namespace picker: shows and submits to the namespace chosen after opening', async () => {
    const cluster = new FakeCluster('team-a');
    const createJob = jest.fn(async () => makeJob('created'));
    const model = new JobFormModel({
      client: { createJob },
      namespace: () => cluster.namespace,
      namespaceChanged: cluster.namespaceChanged,
      onCreated: jest.fn()
    });
    render(<JobForm model={model} />);
    expect(screen.getByText('team-a', { selector: 'strong' })).toBeTruthy();
    act(() => cluster.setNamespace('team-b'));
    expect(screen.getByText('team-b', { selector: 'strong' })).toBeTruthy();
    await act(async () => fireEvent.click(submit()));
    expect(createJob).toHaveBeenCalledWith('team-b', expect.anything());
  });

  it('changes the role rows with the framework', () => {
    setup();
    expect(screen.getByLabelText('Master replicas')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Framework'), { target: { value: 'tensorflow' } });
    for (const role of ['Chief', 'PS', 'Worker', 'Evaluator']) {
      expect(screen.getByLabelText(`${role} replicas`)).toBeTruthy();
    }
    expect(screen.queryByLabelText('Master replicas')).toBeNull();
    fireEvent.change(screen.getByLabelText('Framework'), { target: { value: 'trainjob' } });
    expect(screen.getByLabelText('Node replicas')).toBeTruthy();
    expect(screen.getByLabelText('Runtime').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByLabelText('Node selector')).toBeNull();
  });

  it('flags a second Chief at its replica field', () => {
    setup();
    fireEvent.change(screen.getByLabelText('Framework'), { target: { value: 'tensorflow' } });
    const chief = screen.getByLabelText('Chief replicas');
    fireEvent.change(chief, { target: { value: '2' } });
    expect(chief.getAttribute('aria-invalid')).toBe('true');
    expect(isDisabled()).toBe(true);
  });

  it('submits the spec and reports the created job', async () => {
    const { createJob, onCreated } = setup();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'mnist' } });
    fireEvent.change(screen.getByLabelText('Command'), {
      target: { value: 'python "my train.py"' }
    });
    await act(async () => fireEvent.click(submit()));
    expect(createJob).toHaveBeenCalledWith('team-a', {
      framework: 'pytorch',
      name: 'mnist',
      command: ['python', 'my train.py'],
      replicas: { Master: { count: 1 }, Worker: { count: 1 } }
    });
    expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ name: 'created' }));
  });

  it("gives a new job the settings' grace period, and a clone keeps its own", async () => {
    const createJob = jest.fn(async () => makeJob('created'));
    const options = {
      client: { createJob },
      namespace: () => 'team-a',
      onCreated: jest.fn(),
      gracePeriodSeconds: () => 120
    };
    const spec = { name: 'x', framework: 'jax' as const, replicas: { Worker: { count: 1 } } };
    const fresh = new JobFormModel({ ...options, initial: { ...spec, command: ['python'] } });
    fresh.set('name', 'fresh');
    await act(() => fresh.submit());
    expect(createJob).toHaveBeenLastCalledWith(
      'team-a',
      expect.objectContaining({ name: 'fresh', terminationGracePeriodSeconds: 120 })
    );
    const clone = new JobFormModel({
      ...options,
      initial: { ...spec, command: ['python'], terminationGracePeriodSeconds: 5 }
    });
    clone.set('name', 'clone');
    await act(() => clone.submit());
    expect(createJob).toHaveBeenLastCalledWith(
      'team-a',
      expect.objectContaining({ name: 'clone', terminationGracePeriodSeconds: 5 })
    );
  });

  it('puts server field errors on their fields and the rest in the banner', async () => {
    const error = new ProxyError('The spec is invalid', 400, 'invalid_spec', [
      { path: '/resources/memory', message: 'exceeds the namespace quota' },
      { path: '/', message: 'something global' }
    ]);
    setup(jest.fn(async () => Promise.reject(error)));
    await act(async () => fireEvent.click(submit()));
    const memory = screen.getByLabelText('Memory');
    expect(memory.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('exceeds the namespace quota')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(
      /The spec is invalid.*\/: something global/
    );
    fireEvent.change(memory, { target: { value: '8Gi' } });
    expect(memory.getAttribute('aria-invalid')).toBe('false');
  });

  it('ships the current file as source', async () => {
    const currentFile = jest.fn(async () => ({
      filename: 'train.ipynb',
      content: 'print(1)\nprint(2)'
    }));
    setup(undefined, currentFile);
    await act(async () =>
      fireEvent.click(screen.getByRole('button', { name: 'Use current file' }))
    );
    expect((screen.getByLabelText('Script train.py') as HTMLTextAreaElement).value).toBe(
      'print(1)\nprint(2)'
    );
    expect(screen.getByLabelText('What each replica runs').textContent).toBe(
      'Each replica runs: python train.py'
    );
  });

  it('takes a multi-line script as it is, with a launcher and arguments one per line', async () => {
    const { createJob } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Write a script' }));
    const script = 'import os\nfor i in range(2):\n    print("rank", os.environ["RANK"], i)\n';
    fireEvent.change(screen.getByLabelText('Script train.py'), { target: { value: script } });
    fireEvent.change(screen.getByLabelText('Launcher'), {
      target: { value: 'torchrun --nproc-per-node 2' }
    });
    fireEvent.change(screen.getByLabelText('Arguments'), {
      target: { value: '--epochs\n3\n--note\nit has spaces' }
    });
    expect(screen.getByLabelText('What each replica runs').textContent).toBe(
      "Each replica runs: torchrun --nproc-per-node 2 train.py --epochs 3 --note 'it has spaces'"
    );
    await act(async () => fireEvent.click(submit()));
    expect(createJob).toHaveBeenCalledWith(
      'team-a',
      expect.objectContaining({
        command: ['torchrun', '--nproc-per-node', '2'],
        args: ['--epochs', '3', '--note', 'it has spaces'],
        source: { filename: 'train.py', content: script }
      })
    );
  });

  it('shows a cloned `python -c` command as a script, not shell-escaped text', () => {
    const model = new JobFormModel({
      client: { createJob: jest.fn() },
      namespace: () => 'ns',
      onCreated: jest.fn(),
      initial: {
        framework: 'pytorch',
        replicas: { Worker: { count: 1 } },
        command: ['python3', '-c', 'print(\'a\')\nprint("b")']
      }
    });
    expect(model.values.command).toBe('');
    expect(model.values.source).toEqual({
      filename: 'main.py',
      content: 'print(\'a\')\nprint("b")'
    });
  });

  it('prefills a clone from a spec without its name', () => {
    const model = new JobFormModel({
      client: { createJob: jest.fn() },
      namespace: () => 'ns',
      onCreated: jest.fn(),
      initial: {
        name: 'old',
        framework: 'mpi',
        replicas: { Launcher: { count: 1 }, Worker: { count: 4 } },
        image: 'img'
      }
    });
    expect(model.values).toMatchObject({
      name: '',
      framework: 'mpi',
      image: 'img',
      counts: { Launcher: '1', Worker: '4' }
    });
  });
});
