/** The shared log viewer bound to a `LogsModel`: the Logs tab of a job, a study's trial, a run's step. */
import React from 'react';
import { LogViewer } from '../components/LogViewer';
import { useSignal } from '../components/useSignal';
import { LogsModel } from './logs-model';

export interface ILiveLogsProps {
  logs: LogsModel;
  /** The replicas, trials or steps to choose from. */
  sources: string[];
  sourceLabel: string;
  /** The "all merged" choice, where the feature's route can merge. */
  allLabel?: string;
  label: string;
  /** Downloaded file name without `.log`; the chosen source is appended. */
  fileStem: string;
}

export function LiveLogs(props: ILiveLogsProps): JSX.Element {
  const { logs } = props;
  useSignal(logs.changed);
  // First visit of the tab loads the logs; later option changes reload through the model.
  React.useEffect(() => {
    if (!logs.text && !logs.loading) {
      void logs.reload();
    }
  }, [logs]);
  return (
    <LogViewer
      sources={props.sources}
      source={logs.source}
      onSourceChange={s => logs.setSource(s)}
      sourceLabel={props.sourceLabel}
      allLabel={props.allLabel}
      label={props.label}
      follow={logs.follow}
      onFollowChange={f => logs.setFollow(f)}
      tail={logs.tail}
      onTailChange={t => logs.setTail(t)}
      text={logs.text}
      loading={logs.loading}
      error={logs.error}
      fileName={`${props.fileStem}${logs.source ? `-${logs.source}` : ''}.log`}
    />
  );
}
