/** Mime types of the rich outputs the magics return and the frontend renders. */
export const MIME = {
  job: 'application/vnd.kubeflow.job+json',
  study: 'application/vnd.kubeflow.study+json',
  run: 'application/vnd.kubeflow.run+json',
  slices: 'application/vnd.kubeflow.slices+json'
} as const;
