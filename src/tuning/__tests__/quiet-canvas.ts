/**
 * Imported first by specs that load Vega: jsdom has no canvas and logs an error when Vega probes for one at
 * import; Vega only needs the answer "no canvas" (it then measures text by estimate).
 */
HTMLCanvasElement.prototype.getContext = (() => null) as never;
