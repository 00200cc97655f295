/**
 * A batch transform: the model is served for the duration of the job (serving.ts), every object
 * under the input prefix is sent to it — whole, or line by line with SplitType `Line` and
 * BatchStrategy `SingleRecord` — and each answer is written to `<S3OutputPath>/<name>.out`, the
 * way SageMaker's batch transform names its outputs. The serving process is stopped at the end.
 */
import type { JobHandle, JobOutcome, StopCause } from './job-run.js';
import type { ObjectStore } from './object-store.js';
import { ObjectStoreError } from './object-store.js';
import type { ContainerRuntime } from './runtime.js';
import type { ServingHandle, ServingPlan } from './serving.js';
import { startServing } from './serving.js';

export interface TransformPlan {
  readonly serving: ServingPlan;
  readonly inputUri: string;
  readonly outputPath: string;
  readonly contentType?: string;
  readonly accept?: string;
  /** Send each line as its own request (SplitType Line with BatchStrategy SingleRecord). */
  readonly perLine: boolean;
  /** How answers of one object are joined when sent line by line (AssembleWith Line: newlines). */
  readonly joinWith: string;
}

export function startTransform(plan: TransformPlan, deps: { runtime: ContainerRuntime; objects: ObjectStore; now: () => number }): JobHandle {
  let serving: ServingHandle | undefined;
  let stopCause: StopCause | undefined;
  const startedAt = deps.now();
  const finish = (status: JobOutcome['status'], failureReason?: string): JobOutcome => ({
    status,
    stoppedBy: stopCause,
    failureReason,
    metrics: [],
    startedAt,
    endedAt: deps.now(),
  });

  async function run(): Promise<JobOutcome> {
    let inputs: string[];
    try {
      inputs = await deps.objects.list(plan.inputUri);
    } catch (e) {
      return finish('Failed', `ClientError: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (inputs.length === 0) return finish('Failed', `ClientError: No object exists under ${plan.inputUri}.`);
    serving = startServing(plan.serving, deps);
    try {
      await serving.ready;
    } catch (e) {
      return finish(stopCause ? (stopCause === 'shutdown' ? 'Failed' : 'Stopped') : 'Failed', `ClientError: the model could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      const prefix = plan.inputUri.endsWith('/') ? plan.inputUri : plan.inputUri.slice(0, plan.inputUri.lastIndexOf('/') + 1);
      for (const uri of inputs) {
        if (stopCause) break;
        const body = await deps.objects.get(uri);
        const records = plan.perLine ? body.toString('utf8').split('\n').filter((l) => l.trim() !== '') : [body.toString('utf8')];
        const answers: Buffer[] = [];
        for (const record of records) {
          const result = await serving.invoke(Buffer.from(record), plan.contentType, plan.accept);
          if (result.status < 200 || result.status > 299) {
            return finish('Failed', `ClientError: the model answered ${result.status} for ${uri}: ${result.body.toString('utf8').slice(0, 512)}`);
          }
          answers.push(result.body);
        }
        const relative = uri.startsWith(prefix) ? uri.slice(prefix.length) : (uri.split('/').pop() as string);
        const out = `${plan.outputPath.replace(/\/+$/, '')}/${relative}.out`;
        await deps.objects.put(out, Buffer.concat(answers.flatMap((a, i) => (i === 0 ? [a] : [Buffer.from(plan.joinWith), a]))));
      }
      if (stopCause === 'shutdown') return finish('Failed', 'The Stemma server shut down while the job was running.');
      if (stopCause) return finish('Stopped');
      return finish('Completed');
    } catch (e) {
      const why = e instanceof ObjectStoreError ? e.message : e instanceof Error ? e.message : String(e);
      return finish('Failed', `ClientError: ${why}`);
    } finally {
      serving.stop();
      await serving.ended;
    }
  }

  return {
    stop: (cause) => {
      stopCause ??= cause;
    },
    outcome: run(),
  };
}
