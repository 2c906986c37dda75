/** Re-renders a component whenever `signal` fires; disconnects on unmount or when the signal changes. */
import React from 'react';
import { ISignal } from '@lumino/signaling';

export function useSignal(signal: ISignal<unknown, unknown>): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const bump = () => setTick(t => t + 1);
    signal.connect(bump);
    return () => {
      signal.disconnect(bump);
    };
  }, [signal]);
}
