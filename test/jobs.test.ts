/**
 * Processing and training jobs run for real on the `process` runtime with tiny Python scripts, and
 * record the lineage SageMaker records.
 */
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  AddTagsCommand,
  CreateExperimentCommand,
  CreateProcessingJobCommand,
  CreateTrainingJobCommand,
  CreateTrialCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  DescribeTrialComponentCommand,
  ListProcessingJobsCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ListTrialComponentsCommand,
  QueryLineageCommand,
  SearchCommand,
  StopProcessingJobCommand,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { awsError, startTestServer } from './harness.js';
import { getObject, processingJob, putObject, SKLEARN, trainingJob, uploadDemoData, waitFor } from './job-fixtures.js';

async function lineageArns(sm: SageMakerClient, start: string, direction: 'Ascendants' | 'Descendants', filters?: object): Promise<string[]> {
  const out = await sm.send(new QueryLineageCommand({ StartArns: [start], Direction: direction, IncludeEdges: false, MaxDepth: 10, Filters: filters }));
  return (out.Vertices ?? []).map((v) => v.Arn as string);
}

describe('processing and training jobs', () => {
  let server: TestServer;
  let sm: SageMakerClient;
  beforeAll(async () => {
    server = await startTestServer({ stopGraceMs: 200 });
    sm = server.client();
    await uploadDemoData(server);
  });
  afterAll(async () => {
    await server.close();
  });

  it('processes raw data, trains on it, and records the lineage, logs and metrics', async () => {
    await sm.send(new CreateExperimentCommand({ ExperimentName: 'demo' }));
    await sm.send(new CreateTrialCommand({ TrialName: 'demo-run-1', ExperimentName: 'demo' }));
    const p = await sm.send(new CreateProcessingJobCommand(processingJob('prep-1')));
    expect(p.ProcessingJobArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:processing-job/prep-1');
    const prep = await waitFor(() => sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'prep-1' })), (d) => d.ProcessingJobStatus);
    expect(prep.FailureReason).toBeUndefined();
    expect(prep.ProcessingJobStatus).toBe('Completed');
    expect(await (await getObject(server, 'stemma-demo/processed/train/train.csv')).text()).toBe('x,y\n1,3\n2,5\n4,9\n5,11\n6,13\n7,15\n');

    const t = await sm.send(
      new CreateTrainingJobCommand(
        trainingJob('Train-1', {
          ExperimentConfig: { ExperimentName: 'demo', TrialName: 'demo-run-1' },
          Tags: [{ Key: 'sagemaker:pipeline-execution-arn', Value: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/e1' }],
        }),
      ),
    );
    expect(t.TrainingJobArn).toBe('arn:aws:sagemaker:us-east-1:000000000000:training-job/train-1');
    const job = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'Train-1' })), (d) => d.TrainingJobStatus);
    expect(job.FailureReason).toBeUndefined();
    expect(job).toMatchObject({
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: 's3://stemma-demo/models/Train-1/output/model.tar.gz' },
      HyperParameters: { epochs: '2' },
    });
    expect(job.FinalMetricDataList?.map((m) => [m.MetricName, m.Value])).toEqual([['train:loss', 0]]);
    expect((await getObject(server, 'stemma-demo/models/Train-1/output/model.tar.gz')).status).toBe(200);
    const log = await (await fetch(`${server.url}/api/v1/jobs/training-jobs/Train-1/logs`)).text();
    expect(log).toContain('epoch=1 train_loss=0.000000');
    expect(await (await fetch(`${server.url}/api/v1/jobs/processing-jobs/prep-1/logs`)).text()).toContain('kept 8 rows');

    const tc = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'Train-1-aws-training-job' }));
    expect(tc).toMatchObject({
      Source: { SourceArn: t.TrainingJobArn, SourceType: 'SageMakerTrainingJob' },
      Status: { PrimaryStatus: 'Completed' },
      Parameters: { epochs: { StringValue: '2' } },
      OutputArtifacts: { 'SageMaker.ModelArtifact': { Value: 's3://stemma-demo/models/Train-1/output/model.tar.gz' } },
    });
    expect(tc.Metrics?.[0]).toMatchObject({ MetricName: 'train:loss', Count: 2, SourceArn: t.TrainingJobArn });
    const inTrial = await sm.send(new ListTrialComponentsCommand({ TrialName: 'demo-run-1' }));
    expect(inTrial.TrialComponentSummaries?.map((c) => c.TrialComponentName)).toEqual(['Train-1-aws-training-job']);
    const tags = await sm.send(new ListTagsCommand({ ResourceArn: t.TrainingJobArn }));
    expect(tags.Tags).toEqual([{ Key: 'sagemaker:pipeline-execution-arn', Value: 'arn:aws:sagemaker:us-east-1:000000000000:pipeline/p/execution/e1' }]);
    const tcTags = await sm.send(new ListTagsCommand({ ResourceArn: tc.TrialComponentArn }));
    expect(tcTags.Tags?.map((x) => x.Key)).toEqual(['sagemaker:pipeline-execution-arn']);
    await sm.send(new AddTagsCommand({ ResourceArn: t.TrainingJobArn, Tags: [{ Key: 'team', Value: 'ml' }] }));

    // The model's ascendants: the training job, the processed train set, the preprocessing job, its
    // raw data, code and image.
    const modelArn = (await sm.send(new QueryLineageCommand({ StartArns: [tc.TrialComponentArn as string], Direction: 'Descendants', Filters: { Types: ['Model'] } })))
      .Vertices?.[0]?.Arn as string;
    expect(modelArn).toMatch(/:artifact\//);
    const datasets = await sm.send(
      new QueryLineageCommand({ StartArns: [modelArn], Direction: 'Ascendants', Filters: { LineageTypes: ['Artifact'], Types: ['DataSet'] } }),
    );
    expect(datasets.Vertices).toHaveLength(3); // processed/train, raw.csv, preprocess.py
    const jobs = await sm.send(new QueryLineageCommand({ StartArns: [modelArn], Direction: 'Ascendants', Filters: { LineageTypes: ['TrialComponent'] } }));
    expect(jobs.Vertices?.map((v) => [v.Arn?.split('/')[1], v.Type])).toEqual([
      ['Train-1-aws-training-job', 'TrainingJob'],
      ['prep-1-aws-processing-job', 'ProcessingJob'],
    ]);
    // The unused test split was produced, but trains nothing.
    const produced = await lineageArns(sm, (await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'prep-1-aws-processing-job' }))).TrialComponentArn as string, 'Descendants', {
      Types: ['DataSet'],
    });
    expect(produced).toHaveLength(2);

    const found = await sm.send(
      new SearchCommand({
        Resource: 'TrainingJob',
        SearchExpression: {
          Filters: [
            { Name: 'FinalMetricDataList.train:loss.Value', Operator: 'LessThan', Value: '0.5' },
            { Name: 'HyperParameters.epochs', Value: '2' },
            { Name: 'Tags.team', Value: 'ml' },
          ],
        },
      }),
    );
    expect(found.Results?.map((r) => [r.TrainingJob?.TrainingJobName, r.TrainingJob?.TrainingJobStatus])).toEqual([['Train-1', 'Completed']]);

    const listed = await sm.send(new ListTrainingJobsCommand({ NameContains: 'train-' }));
    expect(listed.TrainingJobSummaries?.map((s) => [s.TrainingJobName, s.TrainingJobStatus])).toEqual([['Train-1', 'Completed']]);
    const listedP = await sm.send(new ListProcessingJobsCommand({ StatusEquals: 'Completed' }));
    expect(listedP.ProcessingJobSummaries?.map((s) => s.ProcessingJobName)).toContain('prep-1');
  });

  it('reports failures with clear reasons: the script failing, an unmapped image, a missing input', async () => {
    await putObject(server, 'stemma-demo/code/fail/train.py', 'import os, sys\nprint("about to fail")\nopen(os.environ["SM_OUTPUT_DIR"] + "/failure", "w").write("no rows to train on")\nsys.exit(1)\n');
    await sm.send(
      new CreateTrainingJobCommand(trainingJob('fails', { HyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: 's3://stemma-demo/code/fail' } })),
    );
    const failed = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'fails' })), (d) => d.TrainingJobStatus);
    expect(failed).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: no rows to train on' });
    expect(failed.ModelArtifacts).toBeUndefined();
    const tc = await sm.send(new DescribeTrialComponentCommand({ TrialComponentName: 'fails-aws-training-job' }));
    expect(tc.Status).toEqual({ PrimaryStatus: 'Failed', Message: 'AlgorithmError: no rows to train on' });
    expect(await lineageArns(sm, tc.TrialComponentArn as string, 'Descendants', { LineageTypes: ['Artifact'] })).toEqual([]);

    await sm.send(new CreateProcessingJobCommand(processingJob('unmapped', { AppSpecification: { ImageUri: 'acme/private:1', ContainerArguments: ['x'] } })));
    const unmapped = await waitFor(() => sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'unmapped' })), (d) => d.ProcessingJobStatus);
    expect(unmapped.ProcessingJobStatus).toBe('Failed');
    expect(unmapped.FailureReason).toMatch(/No local command is configured for image acme\/private:1/);

    const noInput = processingJob('no-input');
    const raw = noInput.ProcessingInputs?.[0]?.S3Input;
    if (raw) raw.S3Uri = 's3://stemma-demo/raw/missing.csv';
    await sm.send(new CreateProcessingJobCommand(noInput));
    const missing = await waitFor(() => sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'no-input' })), (d) => d.ProcessingJobStatus);
    expect(missing.FailureReason).toMatch(/could not download input raw from s3:\/\/stemma-demo\/raw\/missing.csv/);
  });

  it('refuses bad definitions with SageMaker errors and writes nothing', async () => {
    await sm.send(new CreateTrainingJobCommand(trainingJob('dup', { HyperParameters: { sagemaker_program: 'train.py' } })));
    const dup = await awsError(sm.send(new CreateTrainingJobCommand(trainingJob('dup'))));
    expect(dup).toMatchObject({ name: 'ResourceInUse', status: 400 });
    expect(dup.message).toMatch(/training job with name dup already exists/);

    const badUri = await awsError(sm.send(new CreateTrainingJobCommand(trainingJob('bad-uri', { OutputDataConfig: { S3OutputPath: 's3://Bad_Bucket/y' } }))));
    expect(badUri).toMatchObject({ name: 'ValidationException' });
    expect(badUri.message).toMatch(/OutputDataConfig.S3OutputPath: Bad_Bucket in s3:\/\/Bad_Bucket\/y is not a valid bucket name/);
    const noTrial = await awsError(sm.send(new CreateTrainingJobCommand(trainingJob('no-trial', { ExperimentConfig: { TrialName: 'nope' } }))));
    expect(noTrial).toMatchObject({ name: 'ResourceNotFound' });
    const badPath = processingJob('bad-path');
    const first = badPath.ProcessingInputs?.[0]?.S3Input;
    if (first) first.LocalPath = '/tmp/x';
    expect(await awsError(sm.send(new CreateProcessingJobCommand(badPath)))).toMatchObject({ name: 'ValidationException' });
    const badRegex = trainingJob('bad-regex');
    badRegex.AlgorithmSpecification = { TrainingImage: SKLEARN, TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'm', Regex: '([' }] };
    expect((await awsError(sm.send(new CreateTrainingJobCommand(badRegex)))).message).toMatch(/Regex of metric m/);
    for (const name of ['bad-uri', 'no-trial', 'bad-regex']) {
      expect(await awsError(sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name })))).toMatchObject({ name: 'ResourceNotFound' });
      expect((await sm.send(new ListTrialComponentsCommand({}))).TrialComponentSummaries?.map((c) => c.TrialComponentName)).not.toContain(`${name}-aws-training-job`);
    }
    expect(await awsError(sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: 'bad-path' })))).toMatchObject({ name: 'ResourceNotFound' });
    await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'dup' })), (d) => d.TrainingJobStatus);
  });

  it('stops a running job, ending its process, and refuses to stop a finished one', async () => {
    await putObject(server, 'stemma-demo/code/slow/train.py', 'import time\nprint("working", flush=True)\nwhile True:\n    time.sleep(0.05)\n');
    await sm.send(new CreateTrainingJobCommand(trainingJob('slow', { HyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: 's3://stemma-demo/code/slow' } })));
    await sm.send(new StopTrainingJobCommand({ TrainingJobName: 'slow' }));
    const stopped = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'slow' })), (d) => d.TrainingJobStatus);
    expect(stopped).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
    const again = await awsError(sm.send(new StopTrainingJobCommand({ TrainingJobName: 'slow' })));
    expect(again).toMatchObject({ name: 'ValidationException' });
    expect(again.message).toMatch(/in status Stopped and cannot be stopped/);
    expect(await awsError(sm.send(new StopProcessingJobCommand({ ProcessingJobName: 'none' })))).toMatchObject({ name: 'ResourceNotFound' });

    await sm.send(
      new CreateTrainingJobCommand(
        trainingJob('too-long', { HyperParameters: { sagemaker_program: 'train.py', sagemaker_submit_directory: 's3://stemma-demo/code/slow' }, StoppingCondition: { MaxRuntimeInSeconds: 1 } }),
      ),
    );
    const timed = await waitFor(() => sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'too-long' })), (d) => d.TrainingJobStatus);
    expect(timed).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'MaxRuntimeExceeded' });
    expect(timed.FailureReason).toMatch(/exceeded its MaxRuntimeInSeconds \(1\)/);
  });
});
