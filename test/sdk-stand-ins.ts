/**
 * Stand-ins for the Experiments operations the SDK's trial-component helpers call
 * (DescribeTrialComponent, Search, and ListTags on jobs), which are not served on this branch yet.
 * They answer inside the client, before the request is sent, from the names SageMaker gives
 * automatic trial components (`<job>-aws-<kind>-job`), the way SageMaker itself would answer for
 * the generated platform graph. Everything else goes to the real server.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { PIPELINE_EXECUTION_TAG, parseArn } from '../src/sdk/index.js';

const JOB_SUFFIX = /^(.*)-aws-(training|processing|transform)-job$/;
const SOURCE_TYPE = { training: 'SageMakerTrainingJob', processing: 'SageMakerProcessingJob', transform: 'SageMakerTransformJob' } as const;

/** The job behind an automatic trial component, as SageMaker names it. */
export function jobOf(trialComponentArn: string): { arn: string; type: string } | undefined {
  const p = parseArn(trialComponentArn);
  const m = p ? JOB_SUFFIX.exec(p.name) : null;
  if (!p || !m) return undefined;
  const kind = m[2] as keyof typeof SOURCE_TYPE;
  return { arn: `arn:aws:sagemaker:${p.region}:${p.account}:${kind}-job/${m[1]}`, type: SOURCE_TYPE[kind] };
}

/** The generated graph's trial (= pipeline execution) of a trial component: `pipeline-P-exec-E`. */
export function trialOf(trialComponentArn: string): string | undefined {
  return /(pipeline-\d+-exec-\d+)-/.exec(parseArn(trialComponentArn)?.name ?? '')?.[1];
}

export function executionArnOf(jobArn: string): string | undefined {
  const p = parseArn(jobArn);
  const trial = /(pipeline-\d+)-exec-(\d+)/.exec(p?.name ?? '');
  return p && trial ? `arn:aws:sagemaker:${p.region}:${p.account}:pipeline/${trial[1]}/execution/${trial[2]}` : undefined;
}

/** Calls answered by the stand-ins, by operation, so tests can check what was asked. */
export interface StandInCalls {
  readonly DescribeTrialComponent: string[];
  readonly Search: number;
}

export function installExperimentsStandIns(client: SageMakerClient): StandInCalls {
  const calls = { DescribeTrialComponent: [] as string[], Search: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const answer = (output: object) => ({ output: { ...output, $metadata: {} }, response: {} }) as unknown as Awaited<ReturnType<typeof next>>;
      switch (context.commandName) {
        case 'DescribeTrialComponentCommand': {
          const nameOrArn = String(input['TrialComponentName']);
          calls.DescribeTrialComponent.push(nameOrArn);
          const arn = nameOrArn.startsWith('arn:') ? nameOrArn : `arn:aws:sagemaker:us-east-1:000000000000:experiment-trial-component/${nameOrArn}`;
          const job = jobOf(arn);
          return answer({
            TrialComponentArn: arn,
            TrialComponentName: parseArn(arn)?.name,
            ...(job ? { Source: { SourceArn: job.arn, SourceType: job.type } } : {}),
          });
        }
        case 'SearchCommand': {
          calls.Search++;
          const filters = ((input['SearchExpression'] as { Filters?: { Value?: string }[] } | undefined)?.Filters ?? []).map((f) => f.Value ?? '');
          return answer({
            Results: filters.map((arn) => ({ TrialComponent: { TrialComponentArn: arn, Parents: trialOf(arn) ? [{ TrialName: trialOf(arn) }] : [] } })),
          });
        }
        case 'ListTagsCommand': {
          const arn = String(input['ResourceArn']);
          if (!/:(training|processing|transform)-job\//.test(arn)) return next(args);
          const execution = executionArnOf(arn);
          return answer({ Tags: execution ? [{ Key: 'sagemaker:job', Value: 'x' }, { Key: PIPELINE_EXECUTION_TAG, Value: execution }] : [] });
        }
        default:
          return next(args);
      }
    },
    { step: 'initialize', name: 'experimentsStandIn' },
  );
  return calls;
}
