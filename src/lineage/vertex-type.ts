/**
 * How an entity appears as a QueryLineage vertex: its `LineageType` and its `Type`, exactly as
 * SageMaker reports them (DESIGN §5).
 *
 * - Artifacts, actions and contexts: `Type` is their ArtifactType / ActionType / ContextType.
 * - Trial components: `Type` is the job kind — a training job's trial component (source type
 *   `SageMakerTrainingJob`) shows as `TrainingJob` — or, for any other source, the source type
 *   itself. (ListAssociations, by contrast, reports the raw source type; SageMaker does the same.)
 * - Experiments (and trials, which cannot be associated at all) have no LineageType: SageMaker's
 *   Vertex requires one, so they are never returned as vertices. Traversal still passes through
 *   them (docs/behaviour.md, "QueryLineage").
 */
import type { EntityKind, LineageType } from '../core/model.js';
import { LINEAGE_TYPE_OF_KIND } from '../core/model.js';

const JOB_KIND_OF_SOURCE_TYPE: Readonly<Record<string, string>> = {
  SageMakerTrainingJob: 'TrainingJob',
  SageMakerProcessingJob: 'ProcessingJob',
  SageMakerTransformJob: 'TransformJob',
};

/** The vertex `Type` of an entity, or undefined when it has none (a trial component without source). */
export function vertexTypeOf(kind: EntityKind, type: string | null): string | undefined {
  if (type === null) return undefined;
  if (kind === 'experiment-trial-component') return JOB_KIND_OF_SOURCE_TYPE[type] ?? type;
  return type;
}

/** The vertex `LineageType`, or undefined for entities that are never returned as vertices. */
export function lineageTypeOf(kind: EntityKind): LineageType | undefined {
  return LINEAGE_TYPE_OF_KIND[kind];
}
