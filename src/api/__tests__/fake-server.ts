/** The Jupyter server as the client specs see it: every request answered alike, and what was sent. */
import { ServerConnection } from '@jupyterlab/services';

export const settings = ServerConnection.makeSettings({ baseUrl: 'http://lab.example/user/u/' });
export const BASE = 'http://lab.example/user/u/kubeflow-workbench/api/v1';

/** Answers every request with `status` and `body` (JSON unless `type` says otherwise). */
export function answer(status: number, body: string, type = 'application/json') {
  return jest
    .spyOn(ServerConnection, 'makeRequest')
    .mockImplementation(
      async () => new Response(body, { status, headers: { 'content-type': type } })
    );
}

/** [url, method, body] of each request made so far. */
export const sent = () =>
  (ServerConnection.makeRequest as jest.Mock).mock.calls.map(([url, init]) => [
    url,
    init.method ?? 'GET',
    init.body
  ]);
