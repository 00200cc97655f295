/**
 * `stemma/sdk`: SageMaker lineage for TypeScript, built on `@aws-sdk/client-sagemaker`, so it works
 * against Stemma (by endpoint URL) and against SageMaker itself. See docs/sdk.md.
 */
export { connect, sessionOf } from './session.js';
export type { ConnectOptions, LineageSession } from './session.js';
export { AssociationEdgeType, LineageEntity, LineageQueryDirection, LineageSource } from './enums.js';
export { LineageFilter, LineageQuery, LineageQueryResult, collapseCrossAccount } from './query.js';
export type { LineageEdge, LineageFilterOptions, LineageQueryOptions, LineageVertex } from './query.js';
export { Artifact, DatasetArtifact, ImageArtifact, ModelArtifact } from './artifact.js';
export type { ArtifactFilters, CreateArtifactOptions } from './artifact.js';
export { Context, EndpointContext, ModelPackageGroup } from './context.js';
export type { ContextFilters, CreateContextOptions } from './context.js';
export { Action, ModelPackageApprovalAction } from './action.js';
export type { ActionFilters, CreateActionOptions } from './action.js';
export { Association, disassociate } from './associations.js';
export type { AssociationFilters } from './associations.js';
export { LineageTrialComponent } from './trial-component.js';
export { toLineageObject, toLineageObjects } from './convert.js';
export type { LineageObject } from './convert.js';
export { PIPELINE_EXECUTION_TAG, trialNamesOf } from './helpers.js';
export { TaggedEntity, addTags, listTags, removeTags, toTagList } from './tags.js';
export type { TagsInput } from './tags.js';
export { parseArn, resourceName } from './arn.js';
export type { ArnParts } from './arn.js';
export * from './errors.js';
export * from './formats/index.js';
