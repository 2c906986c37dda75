/** Command ids of the tuning feature (palette, launcher, menus and tests). */
export const TuningCommandIDs = {
  newStudy: 'kubeflow:new-study',
  openStudy: 'kubeflow:open-study',
  cloneStudy: 'kubeflow:clone-study'
} as const;
