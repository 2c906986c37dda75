/**
 * The pipeline editor's view of a JupyterLab document: the shared text of the `.kfpipeline` file (a YFile, so
 * save, revert, rename, dirty marks and collaboration are JupyterLab's), parsed once per change. Edits are
 * pure operations (ops.ts) written back as the smallest text change; each is one step of the document's own
 * undo history, so Undo/Redo in the editor and Ctrl+Z agree.
 */
import { ISignal, Signal } from '@lumino/signaling';
import { IPipelineSpec } from '../../contract/pipeline';
import { parseDocument, serializeDocument } from './ops';

/** What the editor needs of the document's shared model (`YFile` in JupyterLab and in the tests). */
export interface ISharedText {
  getSource(): string;
  updateSource(start: number, end: number, value?: string): void;
  undo(): void;
  redo(): void;
  canUndo(): boolean;
  canRedo(): boolean;
  readonly undoManager?: { stopCapturing(): void } | null;
  readonly changed: ISignal<unknown, unknown>;
}

export class PipelineDocument {
  private _text: string | null = null;
  private _parsed: ReturnType<typeof parseDocument> = { problem: '' };
  private readonly _changed = new Signal<this, void>(this);

  constructor(private readonly shared: ISharedText) {
    shared.changed.connect(this.onShared, this);
  }

  /** Emitted after the text changed (an edit here, an undo, a revert, a collaborator). */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The pipeline, or null while the text is not a pipeline this editor reads (see `problem`). */
  get spec(): IPipelineSpec | null {
    this.parse();
    return 'spec' in this._parsed ? this._parsed.spec : null;
  }

  get problem(): string {
    this.parse();
    return 'problem' in this._parsed ? this._parsed.problem : '';
  }

  get canUndo(): boolean {
    return this.shared.canUndo();
  }
  get canRedo(): boolean {
    return this.shared.canRedo();
  }

  /** Applies an operation; an operation returning the same document writes nothing. */
  apply(op: (spec: IPipelineSpec) => IPipelineSpec): void {
    const spec = this.spec;
    if (!spec) {
      return;
    }
    const next = op(spec);
    if (next === spec) {
      return;
    }
    const before = this.shared.getSource();
    const after = serializeDocument(next);
    const { start, end, value } = textChange(before, after);
    if (start === end && !value) {
      return;
    }
    this.shared.updateSource(start, end, value);
    // Each operation is its own undo step, however quickly the next one follows.
    this.shared.undoManager?.stopCapturing();
  }

  undo(): void {
    this.shared.undo();
  }
  redo(): void {
    this.shared.redo();
  }

  dispose(): void {
    this.shared.changed.disconnect(this.onShared, this);
    Signal.clearData(this);
  }

  private parse(): void {
    const text = this.shared.getSource();
    if (text !== this._text) {
      this._text = text;
      this._parsed = parseDocument(text);
    }
  }

  private onShared(): void {
    if (this.shared.getSource() !== this._text) {
      this._changed.emit();
    }
  }
}

/**
 * The smallest replacement turning `before` into `after`: their common prefix and suffix stay, so a
 * collaborator's concurrent edit elsewhere in the file survives.
 */
export function textChange(
  before: string,
  after: string
): { start: number; end: number; value: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) {
    start++;
  }
  let tail = 0;
  while (
    tail < max - start &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  return {
    start,
    end: before.length - tail,
    value: after.slice(start, after.length - tail)
  };
}
