/** Hyperparameter tuning jobs run real training jobs and find the best one by the objective metric. */
import {
  CreateHyperParameterTuningJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeTrainingJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  StopHyperParameterTuningJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { CreateHyperParameterTuningJobCommandInput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { awsError, startTestServer } from './harness.js';
import { putObject, SKLEARN, waitFor } from './job-fixtures.js';

const SCORE = 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--x", type=float)\np.add_argument("--mode", default="a")\na = p.parse_args()\nprint(f"objective={(a.x - 3) ** 2}")\n';
const SLOW = 'import time\nwhile True:\n    time.sleep(0.05)\n';

function tuning(name: string, overrides: Partial<CreateHyperParameterTuningJobCommandInput['HyperParameterTuningJobConfig']> = {}, code = 'score'): CreateHyperParameterTuningJobCommandInput {
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Grid',
      HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'objective' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 5, MaxParallelTrainingJobs: 2 },
      ParameterRanges: { IntegerParameterRanges: [{ Name: 'x', MinValue: '1', MaxValue: '5' }] },
      ...overrides,
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: { TrainingImage: SKLEARN, TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'objective', Regex: 'objective=([0-9.e+-]+)' }] },
      StaticHyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: `s3://stemma-demo/code/${code}` },
      RoleArn: 'arn:aws:iam::000000000000:role/stemma',
      OutputDataConfig: { S3OutputPath: 's3://stemma-demo/tuning' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 },
      StoppingCondition: { MaxRuntimeInSeconds: 600 },
    },
  };
}

describe('hyperparameter tuning jobs', () => {
  let server: TestServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    server = await startTestServer({ stopGraceMs: 100 });
    sm = server.client();
    await putObject(server, 'stemma-demo/code/score/train.py', SCORE);
    await putObject(server, 'stemma-demo/code/slow/train.py', SLOW);
  });
  afterAll(async () => {
    await server.close();
  });

  const finished = (name: string) =>
    waitFor(() => sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })), (d) => d.HyperParameterTuningJobStatus);

  it('trains every grid point, two at a time, and names the best training job', async () => {
    const created = await sm.send(new CreateHyperParameterTuningJobCommand(tuning('grid')));
    expect(created.HyperParameterTuningJobArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:hyper-parameter-tuning-job/grid');
    const done = await finished('grid');
    expect(done).toMatchObject({
      HyperParameterTuningJobStatus: 'Completed',
      TrainingJobStatusCounters: { Completed: 5, InProgress: 0, NonRetryableError: 0, Stopped: 0 },
      ObjectiveStatusCounters: { Succeeded: 5, Pending: 0, Failed: 0 },
      BestTrainingJob: { TunedHyperParameters: { x: '3' }, FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'objective', Value: 0 } },
    });
    const best = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: done.BestTrainingJob?.TrainingJobName }));
    expect(best).toMatchObject({ TuningJobArn: created.HyperParameterTuningJobArn, HyperParameters: { x: '3' } });
    const ranked = await sm.send(
      new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'grid', SortBy: 'FinalObjectiveMetricValue', SortOrder: 'Ascending', MaxResults: 2 }),
    );
    expect(ranked.TrainingJobSummaries?.map((j) => j.TunedHyperParameters?.['x'])).toEqual(['3', expect.stringMatching(/^[24]$/)]);
    const rest = await sm.send(
      new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'grid', SortBy: 'FinalObjectiveMetricValue', SortOrder: 'Ascending', NextToken: ranked.NextToken }),
    );
    expect(rest.TrainingJobSummaries).toHaveLength(3);
    const listed = await sm.send(new ListHyperParameterTuningJobsCommand({ NameContains: 'grid' }));
    expect(listed.HyperParameterTuningJobSummaries?.[0]).toMatchObject({ HyperParameterTuningJobName: 'grid', Strategy: 'Grid', HyperParameterTuningJobStatus: 'Completed' });
  });

  it('draws random points within the ranges', async () => {
    await sm.send(
      new CreateHyperParameterTuningJobCommand(
        tuning('random', {
          Strategy: 'Random',
          RandomSeed: 7,
          ResourceLimits: { MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 3 },
          ParameterRanges: { ContinuousParameterRanges: [{ Name: 'x', MinValue: '2', MaxValue: '4' }], CategoricalParameterRanges: [{ Name: 'mode', Values: ['a', 'b'] }] },
        }),
      ),
    );
    expect((await finished('random')).HyperParameterTuningJobStatus).toBe('Completed');
    const jobs = await sm.send(new ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'random' }));
    expect(jobs.TrainingJobSummaries).toHaveLength(3);
    for (const j of jobs.TrainingJobSummaries ?? []) {
      expect(Number(j.TunedHyperParameters?.['x'])).toBeGreaterThanOrEqual(2);
      expect(Number(j.TunedHyperParameters?.['x'])).toBeLessThanOrEqual(4);
      expect(['a', 'b']).toContain(j.TunedHyperParameters?.['mode']);
    }
  });

  it('stops its training jobs and starts no more', async () => {
    await sm.send(new CreateHyperParameterTuningJobCommand(tuning('stop-me', { ResourceLimits: { MaxNumberOfTrainingJobs: 5, MaxParallelTrainingJobs: 1 } }, 'slow')));
    await sm.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'stop-me' }));
    const stopped = await finished('stop-me');
    expect(stopped.HyperParameterTuningJobStatus).toBe('Stopped');
    const counters = stopped.TrainingJobStatusCounters;
    expect((counters?.Completed ?? 0) + (counters?.InProgress ?? 0)).toBe(0);
    expect(counters?.Stopped ?? 0).toBeLessThanOrEqual(1);
    expect(await awsError(sm.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'stop-me' })))).toMatchObject({ name: 'ValidationException' });
  });

  it('refuses an objective that no metric definition measures, and continuous ranges for Grid', async () => {
    const bad = tuning('bad-objective', { HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'accuracy' } });
    expect((await awsError(sm.send(new CreateHyperParameterTuningJobCommand(bad)))).message).toMatch(/objective metric accuracy is not among/);
    const grid = tuning('bad-grid', { ParameterRanges: { ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1' }] } });
    expect(await awsError(sm.send(new CreateHyperParameterTuningJobCommand(grid)))).toMatchObject({ name: 'ValidationException' });
    expect(await awsError(sm.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'bad-grid' })))).toMatchObject({ name: 'ResourceNotFound' });
  });
});
