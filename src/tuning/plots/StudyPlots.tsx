/**
 * The study's three plots as React components over a study: each builds its spec from the trials and the
 * theme, and re-renders at most once a second while trials stream in (a Vega re-render is not free).
 */
import React from 'react';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { IStudy } from '../../../contract/study';
import { VegaChart } from '../../components/VegaChart';
import { directionOf, objectiveNameOf } from '../trials';
import { curvesSpec, objectiveSpec, parallelSpec } from './specs';
import { useChartTheme } from './theme';

const FALLBACK =
  "The plot needs JupyterLab's Vega-Lite renderer; the trials table has every value.";

/** `value`, but changing at most once per `ms` (the latest value always arrives, late at worst). */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = React.useState(value);
  const last = React.useRef(0);
  React.useEffect(() => {
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      setShown(value);
      return;
    }
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return shown;
}

export interface IPlotProps {
  study: IStudy;
  rendermime?: IRenderMimeRegistry;
  width?: number;
  height?: number;
}

function options(study: IStudy, width?: number, height?: number) {
  return {
    metric: objectiveNameOf(study),
    direction: directionOf(study),
    goal: study.spec?.objective.goal,
    width,
    height
  };
}

export function ObjectivePlot(props: IPlotProps): JSX.Element {
  const study = useThrottled(props.study, 1000);
  const theme = useChartTheme();
  const { width, height } = props;
  const spec = React.useMemo(
    () => objectiveSpec(study.trials, options(study, width, height), theme),
    [study, theme, width, height]
  );
  const scored = study.trials.some(t => t.objective !== undefined);
  if (!scored) {
    // An empty frame says nothing; the words say why it is empty.
    return (
      <p className="kf-study-note">
        {objectiveNameOf(study)} per trial: no values yet — they appear as trials report them.
      </p>
    );
  }
  return (
    <figure className="kf-study-plot">
      <figcaption>{objectiveNameOf(study)} per trial, running best as a line</figcaption>
      <VegaChart
        spec={spec}
        rendermime={props.rendermime}
        className="kf-study-chart"
        label={`${objectiveNameOf(study)} per trial`}
        fallback={FALLBACK}
        minHeight={(props.height ?? 220) + 40}
      />
    </figure>
  );
}

export function ParallelPlot(props: IPlotProps): JSX.Element {
  const study = useThrottled(props.study, 1000);
  const theme = useChartTheme();
  const parameters = study.spec?.parameters;
  const { width, height } = props;
  const spec = React.useMemo(
    () => parallelSpec(study.trials, parameters ?? [], options(study, width, height), theme),
    [study, parameters, theme, width, height]
  );
  if (!parameters?.length) {
    return <p className="kf-study-note">The study&apos;s parameters are unknown.</p>;
  }
  return (
    <figure className="kf-study-plot">
      <figcaption>Parameters → {objectiveNameOf(study)} (best at the top of its axis)</figcaption>
      <VegaChart
        spec={spec}
        rendermime={props.rendermime}
        className="kf-study-chart"
        label={`Parallel coordinates of the parameters and ${objectiveNameOf(study)}`}
        fallback={FALLBACK}
        minHeight={(props.height ?? 220) + 60}
      />
    </figure>
  );
}

export function CurvesPlot(props: IPlotProps & { highlight?: string }): JSX.Element {
  const study = useThrottled(props.study, 1000);
  const theme = useChartTheme();
  const { width, height, highlight } = props;
  const spec = React.useMemo(
    () => curvesSpec(study.trials, { ...options(study, width, height), highlight }, theme),
    [study, theme, highlight, width, height]
  );
  const anyCurve = study.trials.some(t => t.curve.length > 0);
  return (
    <figure className="kf-study-plot">
      <figcaption>
        {objectiveNameOf(study)} as each trial reports it
        {anyCurve ? '' : ' — waiting for the first report'}
      </figcaption>
      <VegaChart
        spec={spec}
        rendermime={props.rendermime}
        className="kf-study-chart"
        label={`${objectiveNameOf(study)} per report of each trial`}
        fallback={FALLBACK}
        minHeight={(props.height ?? 220) + 40}
      />
    </figure>
  );
}
