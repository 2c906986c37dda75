/**
 * The renderer of a live output (the `%%kf train` job card, the `%%kf tune` study widget, the `%kf pipeline run`
 * card): it follows the resource through the namespace's shared list model (one stream for every card and view of
 * the namespace), falls back to the snapshot saved in the notebook, and says so when the output is damaged.
 * A feature supplies the mime type, how to recognise its data and how to draw it.
 */
import React from 'react';
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { ReactWidget } from '@jupyterlab/ui-components';
import { LiveModelPool } from './model';

/** Above text/plain so the live output replaces the magic's text fallback. */
export const LIVE_OUTPUT_RANK = 20;

/** What every live output's data carries. */
export interface ILiveOutput {
  name: string;
  namespace: string;
}

/** A namespace's shared list model, as the pool hands it out. */
export interface IPooledModel {
  readonly namespace: string;
  dispose(): void;
}

export abstract class LiveOutputRenderer<D extends ILiveOutput, M extends IPooledModel>
  extends ReactWidget
  implements IRenderMime.IRenderer
{
  protected data: D | null = null;
  protected mimeModel: IRenderMime.IMimeModel | null = null;
  protected live: M | undefined;

  constructor(
    private readonly mimeType: string,
    private readonly pool: LiveModelPool<M>,
    /** e.g. "job", "study", "run": the class names and the damaged-output words. */
    private readonly kind: string
  ) {
    super();
    this.addClass(`kf-${kind}-output`);
  }

  /** True when `value` is this feature's output data. */
  /** Whether the saved data can be shown: it names the resource (the rest is optional snapshot). */
  protected isOutput(value: unknown): value is D {
    const v = value as ILiveOutput | null;
    return (
      typeof v === 'object' &&
      v !== null &&
      typeof v.name === 'string' &&
      typeof v.namespace === 'string'
    );
  }
  /** The live card of `data` (the list model is absent while nothing is followed). */
  protected abstract renderOutput(data: D, live: M | undefined): JSX.Element;
  /** Called once a namespace's model is acquired / before it is released (to listen to it). */
  protected followed(_live: M): void {
    // Nothing by default.
  }
  protected unfollowed(_live: M): void {
    // Nothing by default.
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this.mimeType];
    this.mimeModel = model;
    this.data = this.isOutput(data) ? data : null;
    if (this.live && this.live.namespace !== this.data?.namespace) {
      this.release();
    }
    if (this.data && !this.live) {
      this.live = this.pool.acquire(this.data.namespace);
      this.followed(this.live);
    }
    this.update();
    return Promise.resolve();
  }

  dispose(): void {
    this.release();
    super.dispose();
  }

  protected render(): JSX.Element {
    if (!this.data) {
      return React.createElement(
        'div',
        { className: `kf-${this.kind}-card`, role: 'alert' },
        `This ${this.kind} output is damaged.`
      );
    }
    return this.renderOutput(this.data, this.live);
  }

  private release(): void {
    if (this.live) {
      this.unfollowed(this.live);
      this.pool.release(this.live);
      this.live = undefined;
    }
  }
}

/** The factory of a live output renderer: safe (React-escaped text, never HTML), above text/plain. */
export function liveOutputFactory(
  mimeType: string,
  create: () => IRenderMime.IRenderer
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [mimeType],
    defaultRank: LIVE_OUTPUT_RANK,
    createRenderer: create
  };
}
