/** A minimal server-sent-events client over node:http: the proxy's job stream with the token header. */
import { request } from 'node:http';

export interface ISseSubscription {
  close(): void;
}

/**
 * Opens `url` with `Accept: text/event-stream` (what EventSource sends) and calls onEvent for every complete
 * event; resolves once the response headers arrived (the stream is open), rejects on a non-200 answer.
 */
export function subscribe(
  url: string,
  headers: Record<string, string>,
  onEvent: (event: string, data: string) => void
): Promise<ISseSubscription> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, Accept: 'text/event-stream' } }, res => {
      if (res.statusCode !== 200) {
        reject(new Error(`SSE ${url} answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      // Search only what arrived since the last look: a 10,000-job snapshot (~9 MB) comes in ~150 chunks.
      let scanned = 0;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n', Math.max(0, scanned - 1))) >= 0) {
          dispatch(buffer.slice(0, end), onEvent);
          buffer = buffer.slice(end + 2);
          scanned = 0;
        }
        scanned = buffer.length;
      });
      res.on('error', () => undefined); // ends with close(); nothing to report
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

function dispatch(block: string, onEvent: (event: string, data: string) => void): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) {
      event = line.slice(6).trim();
    } else if (line.startsWith('data:')) {
      data.push(line.slice(5).replace(/^ /, ''));
    }
  }
  if (data.length > 0) {
    onEvent(event, data.join('\n'));
  }
}
