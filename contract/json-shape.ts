/**
 * Checks on the shape of any JSON value that no schema keyword expresses generically: how deep it nests,
 * strings (and keys) holding a NUL character, and prototype-like keys. The walk is iterative, so a body nested
 * 10,000 deep is reported rather than overflowing the stack of whatever recursive code would read it next.
 */
import { IFieldError } from './errors';

/** Deeper than any spec we define (a pipeline IR is about 12 levels); a body deeper than this is refused. */
export const MAX_JSON_DEPTH = 64;

const MAX_PROBLEMS = 20;

export interface IShapeChecks {
  /** Strings and keys must not contain U+0000 (no process argument, env value or label can hold one). */
  nul?: boolean;
  /** `__proto__` anywhere, or `prototype` inside a `constructor` object, is refused. */
  prototypeKeys?: boolean;
  maxDepth?: number;
}

/** JSON pointer escaping of one path segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** At most a few problems (the first too-deep path stops the walk), each at its JSON pointer. */
export function shapeProblems(value: unknown, checks: IShapeChecks = {}): IFieldError[] {
  const maxDepth = checks.maxDepth ?? MAX_JSON_DEPTH;
  const problems: IFieldError[] = [];
  // `problem`: a bad key, reported when popped so that problems come out in document order.
  const stack: {
    value: unknown;
    path: string;
    depth: number;
    parentKey?: string;
    problem?: string;
  }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const item = stack.pop()!;
    if (item.problem) {
      problems.push({ path: item.path, message: item.problem });
      continue;
    }
    if (typeof item.value === 'string') {
      if (checks.nul && item.value.includes('\u0000')) {
        problems.push({ path: item.path || '/', message: 'must not contain a NUL character' });
      }
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) {
      continue;
    }
    if (item.depth >= maxDepth) {
      return [
        {
          path: item.path || '/',
          message: `nests too deep: at most ${maxDepth} levels of objects and arrays`
        }
      ];
    }
    const entries: [string, unknown][] = Array.isArray(item.value)
      ? item.value.map((v, i) => [String(i), v])
      : Object.keys(item.value).map(k => [k, (item.value as Record<string, unknown>)[k]]);
    // Reversed so problems come out in document order.
    for (const [key, child] of entries.reverse()) {
      const path = `${item.path}/${pointerSegment(key)}`;
      const problem = Array.isArray(item.value)
        ? undefined
        : problemOfKey(key, item.parentKey, checks);
      stack.push({ value: child, path, depth: item.depth + 1, parentKey: key, problem });
    }
  }
  return problems;
}

function problemOfKey(
  key: string,
  parentKey: string | undefined,
  checks: IShapeChecks
): string | undefined {
  if (checks.nul && key.includes('\u0000')) {
    return 'must not contain a NUL character';
  }
  if (
    checks.prototypeKeys &&
    (key === '__proto__' || (key === 'prototype' && parentKey === 'constructor'))
  ) {
    return `"${key}" is reserved in JavaScript and cannot be used as a key`;
  }
  return undefined;
}
