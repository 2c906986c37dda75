/**
 * The analysis call of the typed proxy client (`ProxyClient` has no analysis method; this adds it the same way):
 * `POST /api/v1/analysis` with an AnalysisSpec, answering the result document. Failures reject with the client's
 * `ProxyError` (the proxy's code, message and field paths, or a plain "proxy missing" explanation).
 */
import { IAnalysisResult, IAnalysisSpec } from '../../contract/analysis';
import { routes } from '../../contract/routes';
import { ProxyClient } from './client';

export async function requestAnalysis(
  client: ProxyClient,
  spec: IAnalysisSpec
): Promise<IAnalysisResult> {
  const response = await client.request(routes.analysis(), {
    method: 'POST',
    body: JSON.stringify(spec),
    headers: { 'Content-Type': 'application/json' }
  });
  return (await response.json()) as IAnalysisResult;
}
