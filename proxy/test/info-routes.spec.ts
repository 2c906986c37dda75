import { AUTH, makeApp } from './app-helpers';

describe('connection routes', () => {
  it('switches the backend selection on request (the Backend setting), and refuses an unknown one', async () => {
    const { app } = await makeApp();
    const retry = (payload?: unknown) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/connection/retry',
        headers: AUTH,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> })
      });
    const auto = await retry({ backend: 'auto' });
    expect(auto.statusCode).toBe(200);
    expect(auto.json().backend.selected).toBe('auto');
    // An empty retry keeps the selection it has.
    expect((await retry()).json().backend.selected).toBe('auto');
    const local = await retry({ backend: 'local' });
    expect(local.json().backend.selected).toBe('local');
    const bad = await retry({ backend: 'mars' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual([
      { path: '/backend', message: 'must be one of: auto, local, kubernetes' }
    ]);
    const info = await app.inject({ method: 'GET', url: '/api/v1/info', headers: AUTH });
    expect(info.json().backend.selected).toBe('local');
  });
});
