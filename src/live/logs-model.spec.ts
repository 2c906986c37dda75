import { ILogSource, LogsModel } from './logs-model';

/** A followed source the test drives: `open()` is the stream opening, `print()` a line arriving. */
function drivenSource() {
  let onText: (text: string) => void = () => undefined;
  let end: () => void = () => undefined;
  const source: ILogSource = {
    read: async () => 'read\n',
    follow: (_source, _tail, text) =>
      new Promise<void>(resolve => {
        onText = text;
        end = resolve;
      })
  };
  return {
    source,
    open: () => onText(''),
    print: (line: string) => onText(`${line}\n`),
    end: () => end()
  };
}

describe('LogsModel', () => {
  it('is loading until the followed stream opens, then shows no lines rather than loading', async () => {
    const driven = drivenSource();
    const model = new LogsModel(driven.source);
    model.setFollow(true);
    expect(model.loading).toBe(true);
    driven.open();
    expect(model.loading).toBe(false);
    expect(model.text).toBe('');
    driven.print('epoch 1');
    expect(model.text).toBe('epoch 1\n');
    driven.end();
    await Promise.resolve();
    expect(model.loading).toBe(false);
  });

  it('reads once when not following', async () => {
    const model = new LogsModel(drivenSource().source);
    await model.reload();
    expect(model.text).toBe('read\n');
    expect(model.loading).toBe(false);
  });
});
