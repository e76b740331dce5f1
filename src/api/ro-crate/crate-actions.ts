/**
 * What happened, as Process and Workflow Run Crate say it: a CreateAction for the run (the workflow
 * its instrument), one per task (each with the step it ran as its instrument), and the engine's
 * OrganizeAction that made them (docs/formats.md, "Workflow Run RO-Crate").
 */
import type { RunRow, TaskRow } from '../../../domain/run-rows';
import type { WesState } from '../../../domain/wes-state';
import type { CrateGraph } from './crate-graph';
import { ref, type EngineInfo, type Ref } from './crate-types';

export const RUN_ACTION = '#run';
const ENGINE = '#engine';

/** schema.org's ActionStatusType for a WES state. */
function actionStatus(state: WesState): string {
  switch (state) {
    case 'COMPLETE':
      return 'http://schema.org/CompletedActionStatus';
    case 'EXECUTOR_ERROR':
    case 'SYSTEM_ERROR':
    case 'CANCELED':
      return 'http://schema.org/FailedActionStatus';
    case 'QUEUED':
    case 'UNKNOWN':
      return 'http://schema.org/PotentialActionStatus';
    default:
      return 'http://schema.org/ActiveActionStatus';
  }
}

interface RunAction {
  row: RunRow;
  workflow: Ref;
  objects: Ref[];
  results: Ref[];
  /** The crate's own records of the run: its request, its transitions. */
  records: Ref[];
  runUrl: string;
}

export function addRunAction(graph: CrateGraph, { row, workflow, objects, results, records, runUrl }: RunAction): Ref {
  const agent =
    row.owner === undefined
      ? undefined
      : graph.add({ '@id': `#owner-${encodeURIComponent(row.owner)}`, '@type': 'Person', name: row.owner });
  return graph.add({
    '@id': RUN_ACTION,
    '@type': 'CreateAction',
    name: `Run ${row.runId} of ${row.request.workflow_url}`,
    description: `The execution of ${row.request.workflow_url} (${row.request.workflow_type} ${row.request.workflow_type_version}) by durable-wes, run ${row.runId}; it ended ${row.wesState}.`,
    identifier: row.runId,
    url: runUrl,
    instrument: workflow,
    actionStatus: actionStatus(row.wesState),
    ...(row.wesState === 'COMPLETE' ? {} : { error: row.errorMessage ?? `the run ended ${row.wesState}` }),
    ...(row.startTime ? { startTime: row.startTime.toISOString() } : {}),
    ...(row.endTime ? { endTime: row.endTime.toISOString() } : {}),
    ...(agent ? { agent } : {}),
    object: objects,
    result: results,
    subjectOf: records,
  });
}

/** A CreateAction per task; its instrument, the step it ran, a SoftwareApplication named as the task. */
export function addTaskActions(graph: CrateGraph, tasks: TaskRow[], runUrl: (runId: string) => string): Ref[] {
  return tasks.map((task) => {
    const step = graph.add({ '@id': `#step-${encodeURIComponent(task.name)}`, '@type': 'SoftwareApplication', name: task.name });
    return graph.add({
      '@id': `#task-${encodeURIComponent(task.taskId)}`,
      '@type': 'CreateAction',
      name: task.name,
      identifier: task.taskId,
      instrument: step,
      actionStatus: actionStatus(task.state),
      ...(task.startTime ? { startTime: new Date(task.startTime).toISOString() } : {}),
      ...(task.endTime ? { endTime: new Date(task.endTime).toISOString() } : {}),
      ...(task.exitCode !== undefined ? { description: `exit code ${task.exitCode}` } : {}),
      ...(task.childRunId ? { url: runUrl(task.childRunId) } : {}),
    });
  });
}

/** The engine, and its OrganizeAction: the tasks it ran, the run it made. None when the service does not know the engine. */
export function addEngineAction(graph: CrateGraph, engine: EngineInfo | undefined, row: RunRow, tasks: Ref[]): Ref[] {
  if (!engine) return [];
  const instrument = graph.add({
    '@id': ENGINE,
    '@type': 'SoftwareApplication',
    name: engine.name,
    ...(engine.version ? { softwareVersion: engine.version } : {}),
  });
  return [
    graph.add({
      '@id': '#orchestration',
      '@type': 'OrganizeAction',
      name: `${engine.name} running run ${row.runId}`,
      instrument,
      actionStatus: actionStatus(row.wesState),
      ...(row.startTime ? { startTime: row.startTime.toISOString() } : {}),
      ...(row.endTime ? { endTime: row.endTime.toISOString() } : {}),
      object: tasks,
      result: ref(RUN_ACTION),
    }),
  ];
}
