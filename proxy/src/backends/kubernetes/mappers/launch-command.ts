/**
 * How a spec becomes a container command without an image build: the source file is mounted (or written) into
 * the container and `packages` are pip-installed when the container starts. The command and arguments travel as
 * `sh` positional parameters (`exec "$@"`), so only the package names are ever quoted into a shell script.
 */
import { ITrainingJobSpec } from '../../../../../contract/training';
import { SOURCE_MOUNT_PATH } from '../../../../../contract/training-rules';

export { SOURCE_MOUNT_PATH };

export interface ILaunch {
  command?: string[];
  args?: string[];
}

/** POSIX single quotes: the only character needing care inside them is the quote itself. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function pipInstallScript(packages: string[]): string {
  return `pip install --no-cache-dir ${packages.map(shellQuote).join(' ')}`;
}

/**
 * The container's command/args. With `source`, the program is `python <dir>/<filename> <args>`, or
 * `<command...> <dir>/<filename> <args>` when a launcher such as `torchrun` is given as `command`.
 * `prelude` is shell run first (e.g. writing the source file where no volume can be mounted).
 */
export function launchOf(
  spec: ITrainingJobSpec,
  sourceDir = SOURCE_MOUNT_PATH,
  prelude: string[] = []
): ILaunch {
  const args = spec.args ?? [];
  let program: string[] | undefined;
  if (spec.source) {
    const launcher = spec.command && spec.command.length > 0 ? spec.command : ['python'];
    program = [...launcher, `${sourceDir}/${spec.source.filename}`, ...args];
  } else if (spec.command && spec.command.length > 0) {
    program = [...spec.command, ...args];
  }
  const steps = [
    ...prelude,
    ...(spec.packages && spec.packages.length > 0 ? [pipInstallScript(spec.packages)] : [])
  ];
  if (steps.length === 0) {
    return program ? { command: program } : args.length > 0 ? { args } : {};
  }
  if (!program) {
    // No command: nothing to exec after the install but the image's own entrypoint, which sh cannot know.
    throw new Error('packages or source need a command or a source file to run');
  }
  return {
    command: ['sh', '-c', `${steps.join(' && ')} && exec "$@"`, 'sh', ...program]
  };
}
