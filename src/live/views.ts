/**
 * One main-area view per live resource (job, study, run): opening it again activates the open one. Also the
 * two dialogs every resource action uses: a confirmation, and an error shown in plain words.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, MainAreaWidget, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

export interface ILiveViewsOptions {
  /** What the caption calls it: `Training job`, `Study`, … */
  kind: string;
  viewId: (namespace: string, name: string) => string;
  icon?: LabIcon;
}

export class LiveViews<W extends Widget> {
  private readonly views = new Map<string, MainAreaWidget<W>>();

  constructor(
    private readonly shell: JupyterFrontEnd.IShell,
    private readonly options: ILiveViewsOptions
  ) {}

  /** The open views (to apply a setting to all of them). */
  get open(): MainAreaWidget<W>[] {
    return [...this.views.values()];
  }

  /** Activates the view of `namespace/name`, creating its content with `create` when none is open. */
  show(namespace: string, name: string, create: () => W): MainAreaWidget<W> {
    const id = this.options.viewId(namespace, name);
    const existing = this.views.get(id);
    if (existing && !existing.isDisposed) {
      this.shell.activateById(id);
      return existing;
    }
    const widget = new MainAreaWidget<W>({ content: create() });
    widget.id = id;
    widget.title.label = name;
    widget.title.caption = `${this.options.kind} ${namespace}/${name}`;
    if (this.options.icon) {
      widget.title.icon = this.options.icon;
    }
    widget.disposed.connect(() => this.views.delete(id));
    this.views.set(id, widget);
    this.shell.add(widget, 'main');
    this.shell.activateById(id);
    return widget;
  }
}

/** Asks before a destructive action; true when the user accepts. */
export async function confirmAction(title: string, body: string, label: string): Promise<boolean> {
  const answer = await showDialog({
    title,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label })]
  });
  return answer.button.accept;
}

/** Runs `action`; a failure is shown under `title` with the proxy's message (it already says what to do). */
export async function reportingErrors<T>(
  title: string,
  action: () => Promise<T>
): Promise<T | undefined> {
  try {
    return await action();
  } catch (e) {
    await showErrorMessage(title, (e as Error).message);
    return undefined;
  }
}
