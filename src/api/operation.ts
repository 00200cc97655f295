import type { OperationName, OperationTypes } from './generated/types.js';
import type { RequestContext } from './context.js';

export type Input<K extends OperationName> = OperationTypes[K]['input'];
export type Output<K extends OperationName> = OperationTypes[K]['output'];

/** One SageMaker operation: validated wire input in, wire output out. */
export type OperationHandler<K extends OperationName> = (input: Input<K>, ctx: RequestContext) => Promise<Output<K>>;

/** The operations one family implements, keyed by their SageMaker names. */
export type OperationTable = { [K in OperationName]?: OperationHandler<K> };
