/**
 * The vocabulary of the generated validation table (`src/api/generated/schema.ts`): one small,
 * JSON-like record per Smithy shape, interpreted at run time by `validate.ts`.
 *
 * Shape names in the table:
 * - shapes of the SageMaker namespace use their bare name (`CreateArtifactRequest`);
 * - shapes of any other namespace (the Smithy prelude: `smithy.api#String`, `smithy.api#Unit`, …)
 *   keep their full id, which cannot clash with a bare name because bare names never contain `#`;
 * - a member that carries its own constraint traits (length, range, pattern) targets a synthetic
 *   shape named after the member id, `Container$Member`, holding the target's constraints merged
 *   with the member's (Smithy's member-id syntax, again impossible for a real shape name).
 */

/** Inclusive bounds; an absent side is unbounded. */
export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

export interface StructureMember {
  readonly target: string;
  readonly required?: true;
}

export interface StructureSchema {
  readonly t: 'structure';
  /** In model order, which is also the order violations are reported in. */
  readonly members: Readonly<Record<string, StructureMember>>;
}

export interface UnionSchema {
  readonly t: 'union';
  readonly members: Readonly<Record<string, { readonly target: string }>>;
}

export interface ListSchema {
  readonly t: 'list';
  readonly member: string;
  readonly length?: Bounds;
  /** `@sparse`: null elements are allowed. */
  readonly sparse?: true;
}

export interface MapSchema {
  readonly t: 'map';
  readonly key: string;
  readonly value: string;
  readonly length?: Bounds;
  /** `@sparse`: null values are allowed. */
  readonly sparse?: true;
}

export interface StringSchema {
  readonly t: 'string';
  /** Counted in Unicode code points. */
  readonly length?: Bounds;
  /** The pattern exactly as written in the model; it is what error messages quote. */
  readonly pattern?: string;
  /**
   * The JavaScript source compiled for `pattern`, present only when it differs (a Java-only
   * construct such as `\p{Alnum}` translated to a class JavaScript understands).
   */
  readonly regex?: string;
  /** The flags the pattern compiles with: `'u'` when it can, `''` for Java-style identity escapes. */
  readonly flags?: 'u' | '';
  /** Allowed values in model order (a Smithy `enum` shape). */
  readonly enum?: readonly string[];
}

export interface NumberSchema {
  readonly t: 'integer' | 'long' | 'float' | 'double';
  readonly range?: Bounds;
  /** Allowed values in model order (a Smithy `intEnum` shape). */
  readonly enum?: readonly number[];
}

export interface BlobSchema {
  readonly t: 'blob';
  /** Counted in decoded bytes. */
  readonly length?: Bounds;
}

export interface ScalarSchema {
  readonly t: 'boolean' | 'timestamp' | 'document';
}

export type ShapeSchema =
  | StructureSchema
  | UnionSchema
  | ListSchema
  | MapSchema
  | StringSchema
  | NumberSchema
  | BlobSchema
  | ScalarSchema;

export interface OperationSchema {
  readonly input: string;
  readonly output: string;
  readonly errors: readonly string[];
}
