/** The file a job or trial can ship: the text of the editor or notebook the user was working in. */
export type CurrentFileSource = () => Promise<{ filename: string; content: string } | null>;

export const NO_CURRENT_FILE = 'Open a Python file or a notebook first, then use it here.';

/** The current file as a script to ship (a notebook becomes `<name>.py`), or null when none is open. */
export async function currentScript(
  currentFile: CurrentFileSource | undefined
): Promise<{ filename: string; content: string } | null> {
  const file = await currentFile?.();
  if (!file) {
    return null;
  }
  const filename = /\.py$/.test(file.filename)
    ? file.filename
    : `${file.filename.replace(/\.[^.]*$/, '')}.py`;
  return { filename: filename.replace(/[^A-Za-z0-9_.-]/g, '_'), content: file.content };
}
