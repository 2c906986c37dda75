/**
 * Reading metrics from a trial's output exactly as Katib's StdOut/File (TEXT) collector does, so a script that
 * prints `loss=0.3` gives the same series on the cluster (where the proxy tails pod logs) and locally
 * (where it reads the process's stdout). Rules from Katib v0.19.0 `parseLogsInTextFormat`:
 * only lines containing a metric name are scanned; an RFC 3339 timestamp before the first space is the
 * point's time; every match whose group 1 (trimmed) is a wanted metric name records group 2 (trimmed).
 */

/** Katib's default filter (`pkg/metricscollector/v1beta1/common/const.go`): `loss=0.3`, `accuracy=.98`, `Score=-7.53e-05`. */
export const DEFAULT_METRIC_FORMAT = '([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)';

export interface IMetricPoint {
  name: string;
  value: number;
  time?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Where a format's problem is, in words; undefined when the format works like Katib's: it compiles and its
 * first two groups are top-level (Katib takes submatch 1 as the name and 2 as the value).
 */
export function metricFormatProblem(format: string): string | undefined {
  try {
    new RegExp(format);
  } catch (e) {
    return `is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`;
  }
  const depths = capturingGroupDepths(format);
  if (depths.length < 2) {
    return `must have two groups, the metric name and its value, such as (\\w+)=(\\S+); it has ${depths.length}`;
  }
  if (depths[0] !== 0 || depths[1] !== 0) {
    return 'its first two groups must be the metric name and the value, side by side (not one inside the other)';
  }
  return undefined;
}

/** Nesting depth of each capturing group, in the order the groups open. */
function capturingGroupDepths(source: string): number[] {
  const depths: number[] = [];
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      // `(?<name>…)` captures; `(?:…)`, lookarounds do not.
      const capturing =
        source[i + 1] !== '?' || (source[i + 2] === '<' && !'=!'.includes(source[i + 3]));
      if (capturing) {
        depths.push(stack.filter(Boolean).length);
      }
      stack.push(capturing);
    } else if (c === ')') {
      stack.pop();
    }
  }
  return depths;
}

/** A compiled reader for a set of metric names and a format (Katib's default when absent). */
export class MetricReader {
  private readonly pattern: RegExp;

  constructor(
    readonly metricNames: string[],
    format: string = DEFAULT_METRIC_FORMAT
  ) {
    this.pattern = new RegExp(format, 'g');
  }

  /** The metric points of one line of output (without its newline). */
  read(line: string): IMetricPoint[] {
    if (!this.metricNames.some(m => line.includes(m))) {
      return [];
    }
    let text = line;
    let time: string | undefined;
    const space = line.indexOf(' ');
    if (space > 0 && RFC3339.test(line.slice(0, space))) {
      time = line.slice(0, space);
      text = line.slice(space + 1);
    }
    const points: IMetricPoint[] = [];
    this.pattern.lastIndex = 0;
    for (const match of text.matchAll(this.pattern)) {
      const name = (match[1] ?? '').trim();
      const raw = (match[2] ?? '').trim();
      if (!this.metricNames.includes(name) || raw === '') {
        continue;
      }
      // Katib stores the string; a value that is not a number cannot be plotted or compared.
      const value = Number(raw);
      if (Number.isFinite(value)) {
        points.push(time ? { name, value, time } : { name, value });
      }
    }
    return points;
  }

  /** The points of a chunk of text (whole lines). */
  readText(text: string): IMetricPoint[] {
    return text.split(/\r?\n/).flatMap(line => this.read(line));
  }
}
