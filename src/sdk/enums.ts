/**
 * The Python SDK's lineage enums as frozen objects plus string-literal types (the project builds
 * with `erasableSyntaxOnly`, so no TypeScript `enum`). Values are the API's strings exactly.
 */

/** `LineageEntityEnum` → QueryLineage `Filters.LineageTypes`. (The Python enum's `Trial` is not a valid value and is left out.) */
export const LineageEntity = {
  ACTION: 'Action',
  ARTIFACT: 'Artifact',
  CONTEXT: 'Context',
  TRIAL_COMPONENT: 'TrialComponent',
} as const;
export type LineageEntity = (typeof LineageEntity)[keyof typeof LineageEntity];

/** `LineageSourceEnum` → `Filters.Types`: entity type strings (for trial components, the job kind). */
export const LineageSource = {
  CHECKPOINT: 'Checkpoint',
  DATASET: 'DataSet',
  ENDPOINT: 'Endpoint',
  IMAGE: 'Image',
  MODEL: 'Model',
  MODEL_DATA: 'ModelData',
  MODEL_DEPLOYMENT: 'ModelDeployment',
  MODEL_GROUP: 'ModelGroup',
  MODEL_REPLACE: 'ModelReplaced',
  TENSORBOARD: 'TensorBoard',
  TRAINING_JOB: 'TrainingJob',
  APPROVAL: 'Approval',
  PROCESSING_JOB: 'ProcessingJob',
  TRANSFORM_JOB: 'TransformJob',
} as const;
export type LineageSource = (typeof LineageSource)[keyof typeof LineageSource];

/** `LineageQueryDirectionEnum` → `Direction`. */
export const LineageQueryDirection = {
  BOTH: 'Both',
  ASCENDANTS: 'Ascendants',
  DESCENDANTS: 'Descendants',
} as const;
export type LineageQueryDirection = (typeof LineageQueryDirection)[keyof typeof LineageQueryDirection];

/** `AssociationEdgeType`. */
export const AssociationEdgeType = {
  CONTRIBUTED_TO: 'ContributedTo',
  ASSOCIATED_WITH: 'AssociatedWith',
  DERIVED_FROM: 'DerivedFrom',
  PRODUCED: 'Produced',
  SAME_AS: 'SameAs',
} as const;
export type AssociationEdgeType = (typeof AssociationEdgeType)[keyof typeof AssociationEdgeType];
