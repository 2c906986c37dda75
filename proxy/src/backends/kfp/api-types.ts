/**
 * The KFP v2beta1 REST shapes the workbench reads and writes (snake_case proto names, as the server marshals
 * them; `backend/api/v2beta1/*.proto` of kubeflow/pipelines 2.17). Only the fields we use: the server rejects
 * unknown request fields, so request bodies are built from these types and nothing else.
 */

export type KfpRuntimeState =
  | 'RUNTIME_STATE_UNSPECIFIED'
  | 'PENDING'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'SKIPPED'
  | 'FAILED'
  | 'CANCELING'
  | 'CANCELED'
  | 'PAUSED';

/** `google.rpc.Status`, the error body of every v2beta1 route (and a run's or task's `error`). */
export interface IKfpStatus {
  code?: number;
  message?: string;
  details?: unknown[];
}

export interface IKfpHealthz {
  commit_sha?: string;
  tag_name?: string;
  multi_user?: boolean;
  pipeline_store?: string;
}

export interface IKfpPipeline {
  pipeline_id?: string;
  name?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  namespace?: string;
}

export interface IKfpPipelineVersion {
  pipeline_id?: string;
  pipeline_version_id?: string;
  name?: string;
  display_name?: string;
  created_at?: string;
  pipeline_spec?: Record<string, unknown>;
}

export interface IKfpExperiment {
  experiment_id?: string;
  display_name?: string;
  description?: string;
  created_at?: string;
  namespace?: string;
  storage_state?: 'AVAILABLE' | 'ARCHIVED' | 'STORAGE_STATE_UNSPECIFIED';
}

export interface IKfpTaskDetail {
  run_id?: string;
  task_id?: string;
  display_name?: string;
  create_time?: string;
  start_time?: string;
  end_time?: string;
  state?: KfpRuntimeState;
  error?: IKfpStatus;
  parent_task_id?: string;
  pod_name?: string;
  child_tasks?: { task_id?: string; pod_name?: string }[];
  state_history?: { update_time?: string; state?: KfpRuntimeState; error?: IKfpStatus }[];
}

export interface IKfpRun {
  experiment_id?: string;
  run_id?: string;
  display_name?: string;
  storage_state?: 'AVAILABLE' | 'ARCHIVED' | 'STORAGE_STATE_UNSPECIFIED';
  description?: string;
  pipeline_version_id?: string;
  pipeline_spec?: Record<string, unknown>;
  pipeline_version_reference?: { pipeline_id?: string; pipeline_version_id?: string };
  runtime_config?: { parameters?: Record<string, unknown>; pipeline_root?: string };
  service_account?: string;
  created_at?: string;
  scheduled_at?: string;
  finished_at?: string;
  state?: KfpRuntimeState;
  error?: IKfpStatus;
  run_details?: { pipeline_context_id?: string; task_details?: IKfpTaskDetail[] };
}

/** `filter.proto`: predicates are ANDed; the request sends it as URL-encoded JSON. */
export interface IKfpFilter {
  predicates: {
    key: string;
    operation: 'EQUALS' | 'NOT_EQUALS' | 'IN' | 'IS_SUBSTRING';
    string_value?: string;
  }[];
}

export interface IKfpListQuery {
  namespace?: string;
  experiment_id?: string;
  page_size?: number;
  page_token?: string;
  sort_by?: string;
  filter?: IKfpFilter;
}
