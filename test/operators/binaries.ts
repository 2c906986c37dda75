/** The directory holding training-operator, kwok and katib-controller, built by build.sh on first use. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function operatorBinaries(): string {
  if (process.env.KFWB_OPERATORS_BIN) {
    return process.env.KFWB_OPERATORS_BIN;
  }
  const out = execFileSync(join(__dirname, 'build.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit']
  });
  return out.trim().split('\n').pop()!;
}
