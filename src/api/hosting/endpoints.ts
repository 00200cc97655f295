/**
 * Endpoint configs (CreateEndpointConfig, Describe…, List…, Delete…) and endpoints (CreateEndpoint,
 * DescribeEndpoint, ListEndpoints, UpdateEndpoint, DeleteEndpoint). An endpoint really serves: its
 * model's serving process runs on this machine (jobs/serving.ts) and InvokeEndpoint reaches it.
 * Lineage as SageMaker records it: an `Endpoint` context, and per deployment a `ModelDeployment`
 * action AssociatedWith it, fed by the deployed Model, Image and model package artifacts.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html
 */
import { formatArn } from '../../core/arn.js';
import { toEpochSeconds } from '../../core/clock.js';
import { ServiceError, ValidationException } from '../../core/errors.js';
import type { ResourceRecord } from '../../core/model.js';
import type { ServingPlan } from '../../jobs/serving.js';
import type { StoreTx } from '../../storage/store.js';
import type { ApiDeps, RequestContext } from '../context.js';
import type {
  ContainerDefinition,
  DescribeEndpointConfigOutput,
  DescribeEndpointOutput,
  DescribeModelPackageOutput,
  EndpointSummary,
  ProductionVariantSummary,
} from '../generated/types.js';
import type { OperationTable } from '../operation.js';
import { listResourcePage } from '../jobs/resource-listing.js';
import { ensureArtifact, ensureAssociation, ensureNamedEntity } from '../jobs/auto-lineage.js';
import { requireJobs } from '../jobs/job-common.js';
import { deleteResource, insertResource, requireResource, stripUndefined, updateResource, wireDoc } from '../jobs/resources.js';
import { modelContainers, MODEL_KIND } from '../registry/models.js';
import { findModelPackage } from '../registry/model-packages.js';

const CONFIG_KIND = 'endpoint-config';
const ENDPOINT_KIND = 'endpoint';
const START_TIMEOUT_MS = 120_000;

/** What an endpoint serves: its first variant's model, resolved to one container. */
export interface Deployment {
  readonly variant: string;
  readonly container: { Image: string; ModelDataUrl?: string; Environment?: Record<string, string> };
  /** The model package the container came from, if any. */
  readonly packageArn?: string;
}

async function resolveDeployment(tx: StoreTx, ctx: RequestContext, config: ResourceRecord): Promise<Deployment> {
  const d = wireDoc<DescribeEndpointConfigOutput>(config);
  const variant = d.ProductionVariants[0];
  if (!variant?.ModelName) throw new ValidationException(`Endpoint config ${config.name} has no production variant with a ModelName.`);
  return resolveModel(tx, ctx, variant.ModelName, variant.VariantName);
}

/** The one container a model serves (from its model package when it names one). */
export async function resolveModel(tx: StoreTx, ctx: RequestContext, modelName: string, variant: string): Promise<Deployment> {
  const model = await tx.getResource(ctx.scope, MODEL_KIND, modelName);
  if (!model) throw new ValidationException(`Could not find model "${formatArn(ctx.scope, MODEL_KIND, modelName.toLowerCase())}".`);
  const container: ContainerDefinition | undefined = modelContainers(model)[0];
  if (!container) throw new ValidationException(`Model ${model.name} has no container.`);
  if (container.ModelPackageName !== undefined) {
    const pkg = await findModelPackage(tx, ctx.scope, container.ModelPackageName);
    const spec = pkg && wireDoc<DescribeModelPackageOutput>(pkg).InferenceSpecification?.Containers[0];
    if (!pkg || !spec) throw new ValidationException(`Model package ${container.ModelPackageName} of model ${model.name} has no inference container.`);
    return {
      variant,
      container: { Image: spec.Image, ModelDataUrl: spec.ModelDataUrl, Environment: { ...spec.Environment, ...container.Environment } },
      packageArn: pkg.arn,
    };
  }
  if (container.Image === undefined) throw new ValidationException(`Model ${model.name}'s container has no Image.`);
  return { variant, container: { Image: container.Image, ModelDataUrl: container.ModelDataUrl, Environment: container.Environment } };
}

/** The lineage of one deployment: a ModelDeployment action AssociatedWith the endpoint's context. */
async function recordDeployment(tx: StoreTx, deps: ApiDeps, ctx: RequestContext, endpoint: { name: string; arn: string }, deployment: Deployment, n: number): Promise<void> {
  const epoch = Math.floor(deps.clock.now() / 1000);
  const context = await ensureNamedEntity(tx, deps, ctx, 'context', `${endpoint.name}-aws-endpoint`, 'Endpoint', endpoint.arn);
  const action = await ensureNamedEntity(tx, deps, ctx, 'action', `${endpoint.name}-${epoch}-${n}-aws-model-deployment`.slice(0, 120), 'ModelDeployment', endpoint.arn, {
    status: 'Completed',
  });
  await ensureAssociation(tx, deps, ctx, action, context, 'AssociatedWith');
  const inputs: { uri: string; type: string }[] = [{ uri: deployment.container.Image, type: 'Image' }];
  if (deployment.container.ModelDataUrl !== undefined) inputs.push({ uri: deployment.container.ModelDataUrl, type: 'Model' });
  if (deployment.packageArn !== undefined) inputs.push({ uri: deployment.packageArn, type: 'Model' });
  for (const i of inputs) {
    const artifact = await ensureArtifact(tx, deps, ctx, i.uri, i.type);
    await ensureAssociation(tx, deps, ctx, artifact, action, 'ContributedTo');
  }
}

function servingPlan(deps: ApiDeps, endpoint: { account: string; region: string; name: string }, deployment: Deployment): ServingPlan {
  const jobs = requireJobs(deps);
  return {
    workDir: jobs.workDirOf({ account: endpoint.account, region: endpoint.region }, ENDPOINT_KIND, endpoint.name),
    image: deployment.container.Image,
    modelDataUrl: deployment.container.ModelDataUrl,
    environment: deployment.container.Environment ?? {},
    startTimeoutMs: START_TIMEOUT_MS,
  };
}

function variantSummaries(deployment: Deployment, status: string): ProductionVariantSummary[] {
  return [
    {
      VariantName: deployment.variant,
      DeployedImages: status === 'InService' ? [{ SpecifiedImage: deployment.container.Image, ResolvedImage: deployment.container.Image }] : undefined,
      CurrentWeight: 1,
      DesiredWeight: 1,
      CurrentInstanceCount: status === 'InService' ? 1 : 0,
      DesiredInstanceCount: 1,
    },
  ];
}

export function endpointOperations(deps: ApiDeps): OperationTable {
  const { store, clock } = deps;
  return {
    async CreateEndpointConfig(input, ctx) {
      const now = clock.now();
      const arn = formatArn(ctx.scope, CONFIG_KIND, input.EndpointConfigName.toLowerCase());
      const { Tags: tags, ...request } = input;
      await store.transaction(async (tx) => {
        for (const v of input.ProductionVariants) {
          if (v.ModelName !== undefined && !(await tx.getResource(ctx.scope, MODEL_KIND, v.ModelName))) {
            throw new ValidationException(`Could not find model "${formatArn(ctx.scope, MODEL_KIND, v.ModelName.toLowerCase())}".`);
          }
        }
        await insertResource(
          tx,
          { account: ctx.scope.account, region: ctx.scope.region, kind: CONFIG_KIND, name: input.EndpointConfigName, arn, status: null, createdAt: now, modifiedAt: now, doc: stripUndefined({ ...request, EndpointConfigArn: arn, CreationTime: toEpochSeconds(now) }) },
          tags,
          new ValidationException(`Cannot create already existing endpoint configuration "${arn}".`),
        );
      });
      return { EndpointConfigArn: arn };
    },

    async DescribeEndpointConfig(input, ctx) {
      return wireDoc<DescribeEndpointConfigOutput>(await store.read((r) => requireResource(r, ctx.scope, CONFIG_KIND, 'Endpoint config', input.EndpointConfigName)));
    },

    async ListEndpointConfigs(input, ctx) {
      const page = await store.read((r) => listResourcePage(r, ctx.scope, input, { operation: 'ListEndpointConfigs', kind: CONFIG_KIND, defaultOrder: 'Descending' }));
      return { EndpointConfigs: page.items.map((c) => ({ EndpointConfigName: c.name, EndpointConfigArn: c.arn, CreationTime: toEpochSeconds(c.createdAt) })), NextToken: page.nextToken };
    },

    async DeleteEndpointConfig(input, ctx) {
      await store.transaction(async (tx) => {
        const c = await requireResource(tx, ctx.scope, CONFIG_KIND, 'Endpoint config', input.EndpointConfigName);
        await deleteResource(tx, c);
      });
      return {};
    },

    async CreateEndpoint(input, ctx) {
      requireJobs(deps);
      const now = clock.now();
      const arn = formatArn(ctx.scope, ENDPOINT_KIND, input.EndpointName.toLowerCase());
      const { Tags: tags, ...request } = input;
      const deployment = await store.transaction(async (tx) => {
        const config = await tx.getResource(ctx.scope, CONFIG_KIND, input.EndpointConfigName);
        if (!config) throw new ValidationException(`Could not find endpoint configuration "${formatArn(ctx.scope, CONFIG_KIND, input.EndpointConfigName.toLowerCase())}".`);
        const deployment = await resolveDeployment(tx, ctx, config);
        const doc = {
          ...request,
          EndpointArn: arn,
          EndpointStatus: 'Creating',
          CreationTime: toEpochSeconds(now),
          LastModifiedTime: toEpochSeconds(now),
          _runner: requireJobs(deps).services.runnerId,
        };
        await insertResource(
          tx,
          { account: ctx.scope.account, region: ctx.scope.region, kind: ENDPOINT_KIND, name: input.EndpointName, arn, status: 'Creating', createdAt: now, modifiedAt: now, doc: stripUndefined(doc) },
          tags,
          new ValidationException(`Cannot create already existing endpoint "${arn}".`),
        );
        await recordDeployment(tx, deps, ctx, { name: input.EndpointName, arn }, deployment, 1);
        return deployment;
      });
      startDeployment(deps, { ...ctx.scope, arn, name: input.EndpointName }, deployment, input.EndpointConfigName);
      return { EndpointArn: arn };
    },

    async DescribeEndpoint(input, ctx) {
      return wireDoc<DescribeEndpointOutput>(await store.read((r) => requireResource(r, ctx.scope, ENDPOINT_KIND, 'Endpoint', input.EndpointName)));
    },

    async ListEndpoints(input, ctx) {
      const page = await store.read((r) =>
        listResourcePage(r, ctx.scope, input, { operation: 'ListEndpoints', kind: ENDPOINT_KIND, defaultOrder: 'Descending', status: input.StatusEquals }),
      );
      const items: EndpointSummary[] = page.items.map((e) => {
        const d = wireDoc<DescribeEndpointOutput>(e);
        return { EndpointName: d.EndpointName, EndpointArn: d.EndpointArn, CreationTime: d.CreationTime, LastModifiedTime: d.LastModifiedTime, EndpointStatus: d.EndpointStatus };
      });
      return { Endpoints: items, NextToken: page.nextToken };
    },

    async UpdateEndpoint(input, ctx) {
      requireJobs(deps);
      const now = clock.now();
      const { endpoint, deployment } = await store.transaction(async (tx) => {
        const e = await requireResource(tx, ctx.scope, ENDPOINT_KIND, 'Endpoint', input.EndpointName);
        if (e.status !== 'InService') {
          throw new ValidationException(`Cannot update endpoint ${e.name}: it is ${e.status ?? 'unknown'}, and only an endpoint InService can be updated.`);
        }
        const config = await tx.getResource(ctx.scope, CONFIG_KIND, input.EndpointConfigName);
        if (!config) throw new ValidationException(`Could not find endpoint configuration "${formatArn(ctx.scope, CONFIG_KIND, input.EndpointConfigName.toLowerCase())}".`);
        const deployment = await resolveDeployment(tx, ctx, config);
        const deployments = Number(e.doc['_deployments'] ?? 1) + 1;
        await updateResource(tx, e, { status: 'Updating', doc: { ...e.doc, EndpointStatus: 'Updating', LastModifiedTime: toEpochSeconds(now), _deployments: deployments }, modifiedAt: now });
        await recordDeployment(tx, deps, ctx, { name: e.name, arn: e.arn }, deployment, deployments);
        return { endpoint: e, deployment };
      });
      startDeployment(deps, endpoint, deployment, input.EndpointConfigName);
      return { EndpointArn: endpoint.arn };
    },

    async DeleteEndpoint(input, ctx) {
      const jobs = requireJobs(deps);
      const e = await store.transaction(async (tx) => {
        const e = await requireResource(tx, ctx.scope, ENDPOINT_KIND, 'Endpoint', input.EndpointName);
        await updateResource(tx, e, { status: 'Deleting', doc: { ...e.doc, EndpointStatus: 'Deleting' }, modifiedAt: clock.now() });
        return e;
      });
      await jobs.stopServing(e.arn);
      await store.transaction(async (tx) => {
        await deleteResource(tx, e);
      });
      return {};
    },
  };
}

/**
 * SageMaker Runtime's InvokeEndpoint (`POST /endpoints/{name}/invocations`): the request body goes
 * to the endpoint's model as is, and its answer comes back as is.
 */
export async function invokeEndpoint(
  deps: ApiDeps,
  ctx: RequestContext,
  name: string,
  request: { body: Buffer; contentType?: string; accept?: string },
): Promise<{ body: Buffer; contentType: string; variant: string }> {
  const jobs = requireJobs(deps);
  const endpoint = await deps.store.read((r) => r.getResource(ctx.scope, ENDPOINT_KIND, name));
  if (!endpoint) throw new ServiceError('ValidationError', `Endpoint ${name} of account ${ctx.scope.account} not found.`);
  const serving = jobs.servingOf(endpoint.arn);
  if (!serving || (endpoint.status !== 'InService' && endpoint.status !== 'Updating')) {
    throw new ServiceError('ValidationError', `Endpoint ${name} is not in service (its status is ${endpoint.status ?? 'unknown'}).`);
  }
  const deployment = endpoint.doc['_deployment'] as Deployment | undefined;
  let result;
  try {
    result = await serving.invoke(request.body, request.contentType, request.accept);
  } catch (e) {
    throw new ServiceError('ModelError', `The model of endpoint ${name} did not answer: ${e instanceof Error ? e.message : String(e)}`, { statusCode: 424 });
  }
  if (result.status < 200 || result.status > 299) {
    throw new ServiceError(
      'ModelError',
      `Received client error (${result.status}) from primary with message "${result.body.toString('utf8').slice(0, 1024)}". See the endpoint's log for details.`,
      { statusCode: 424 },
    );
  }
  return { body: result.body, contentType: result.contentType ?? 'application/octet-stream', variant: deployment?.variant ?? 'AllTraffic' };
}

/** After a restart, serves again every endpoint this runner was serving. Returns how many. */
export async function resumeEndpoints(deps: ApiDeps, runnerId: string): Promise<number> {
  requireJobs(deps);
  const endpoints = await deps.store.read((r) => r.listResourcesInStatus([ENDPOINT_KIND], ['InService', 'Creating', 'Updating']));
  let n = 0;
  for (const e of endpoints) {
    if (deps.store.backend !== 'sqlite' && e.doc['_runner'] !== runnerId) continue;
    const deployment = e.doc['_deployment'] as Deployment | undefined;
    const ctx: RequestContext = { scope: { account: e.account, region: e.region }, user: {}, requestId: 'resume' };
    if (!deployment) {
      // It never became ready: deploy its config afresh.
      const config = await deps.store.read((r) => r.getResource(ctx.scope, CONFIG_KIND, String(e.doc['EndpointConfigName'])));
      if (!config) continue;
      const fresh = await deps.store.transaction((tx) => resolveDeployment(tx, ctx, config));
      startDeployment(deps, e, fresh, config.name);
    } else {
      startDeployment(deps, e, deployment, String(e.doc['EndpointConfigName']));
    }
    n++;
  }
  return n;
}

/**
 * Starts serving a deployment, and records the endpoint's state when it is ready or has failed. A
 * failed update leaves the endpoint InService on its previous deployment, with the FailureReason.
 */
function startDeployment(deps: ApiDeps, e: { account: string; region: string; arn: string; name: string }, deployment: Deployment, configName: string): void {
  const jobs = requireJobs(deps);
  jobs.serve(e.arn, servingPlan(deps, e, deployment), async (failure) => {
    await deps.store.transaction(async (tx) => {
      const current = await tx.getResourceByArn(e.arn);
      if (!current || current.status === 'Deleting') return;
      const now = deps.clock.now();
      const status = failure === undefined || current.status === 'Updating' ? 'InService' : 'Failed';
      const doc = {
        ...current.doc,
        EndpointStatus: status,
        FailureReason: failure === undefined ? undefined : `The model of endpoint ${e.name} could not start: ${failure}`,
        LastModifiedTime: toEpochSeconds(now),
        ...(failure === undefined ? { EndpointConfigName: configName, ProductionVariants: variantSummaries(deployment, status), _deployment: deployment } : {}),
      };
      await updateResource(tx, current, { status, doc: stripUndefined(doc), modifiedAt: now });
    });
  });
}
