import { DEFAULT_SETTINGS, fromSettings, WorkbenchSettings } from './settings';

describe('workbench settings', () => {
  it('reads typed values, defaults where unset', () => {
    expect(fromSettings({ composite: {} })).toEqual(DEFAULT_SETTINGS);
    expect(
      fromSettings({
        composite: {
          backend: 'local',
          logTailLines: 250,
          confirmDelete: false,
          terminationGracePeriodSeconds: 5
        }
      })
    ).toMatchObject({
      backend: 'local',
      logTailLines: 250,
      confirmDelete: false,
      terminationGracePeriodSeconds: 5
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
