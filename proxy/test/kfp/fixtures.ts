/** A two-task IR (prep → train) with a required and a defaulted parameter, shaped like kfp's. */
export const IR = {
  pipelineInfo: { name: 'prep-train' },
  schemaVersion: '2.1.0',
  sdkVersion: 'kfwb-test',
  root: {
    inputDefinitions: {
      parameters: {
        lr: { parameterType: 'NUMBER_DOUBLE' },
        epochs: { parameterType: 'NUMBER_INTEGER', defaultValue: 3 }
      }
    },
    dag: {
      tasks: {
        prep: { taskInfo: { name: 'prep' }, componentRef: { name: 'comp-prep' } },
        train: {
          taskInfo: { name: 'train' },
          componentRef: { name: 'comp-train' },
          dependentTasks: ['prep']
        }
      }
    }
  },
  components: {
    'comp-prep': { executorLabel: 'exec-prep' },
    'comp-train': { executorLabel: 'exec-train' }
  },
  deploymentSpec: {
    executors: {
      'exec-prep': { container: { image: 'python:3.11', command: ['echo', 'prep'] } },
      'exec-train': { container: { image: 'python:3.11', command: ['echo', 'train'] } }
    }
  }
};
