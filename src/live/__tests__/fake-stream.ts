/** Stands in for `ResourceStream` in the specs of every live kind: tests push events and states by hand. */
import { Signal } from '@lumino/signaling';
import { ILiveResource, ResourceEvent } from '../../../contract/live';
import { StreamState } from '../../api/resource-stream';

export class FakeResourceStream<T extends ILiveResource> {
  started = false;
  disposed = false;
  readonly event = new Signal<this, ResourceEvent<T>>(this);
  readonly stateChanged = new Signal<this, StreamState>(this);
  constructor(
    readonly namespace = '',
    public state: StreamState = 'connecting'
  ) {}
  start(): void {
    this.started = true;
  }
  dispose(): void {
    this.disposed = true;
    Signal.clearData(this);
  }
  push(event: ResourceEvent<T>): void {
    this.event.emit(event);
  }
  setState(state: StreamState): void {
    this.state = state;
    this.stateChanged.emit(state);
  }
  /** Opens the stream and sends a snapshot of `items`. */
  live(items: T[]): void {
    this.setState('open');
    this.push({ type: 'snapshot', items });
  }
}
