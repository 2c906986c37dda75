import { DEFAULT_SETTINGS, fromSettings, WorkbenchSettings } from './settings';

describe('workbench settings', () => {
  it('reads typed values, and whether the user chose a backend', () => {
    expect(fromSettings({ composite: { ...DEFAULT_SETTINGS }, user: {} })).toEqual(
      DEFAULT_SETTINGS
    );
    const chosen = fromSettings({
      composite: { backend: 'local', logTailLines: 250, confirmDelete: false },
      user: { backend: 'local' }
    });
    expect(chosen).toMatchObject({
      backend: 'local',
      backendChosen: true,
      logTailLines: 250,
      confirmDelete: false
    });
  });

  it('emits only on a real change', () => {
    const settings = new WorkbenchSettings();
    const seen: number[] = [];
    settings.changed.connect((_, v) => seen.push(v.logTailLines));
    settings.set({ ...DEFAULT_SETTINGS });
    settings.set({ ...DEFAULT_SETTINGS, logTailLines: 100 });
    settings.set({ ...DEFAULT_SETTINGS, logTailLines: 100 });
    expect(seen).toEqual([100]);
  });
});
