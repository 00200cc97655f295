/**
 * SageMaker ARNs: `arn:aws:sagemaker:<region>:<account>:<resource-type>/<resource-id>`.
 * The account and region are part of every ARN Stemma mints, so entities of different accounts
 * never collide even in one database.
 */
export interface Scope {
  /** 12-digit account id. */
  readonly account: string;
  readonly region: string;
}

export interface ParsedArn extends Scope {
  readonly partition: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

const ARN_RE = /^arn:(aws[a-z-]*):sagemaker:([a-z0-9-]*):(\d{12}):([a-z-]+)\/(.+)$/;

export function formatArn(scope: Scope, resourceType: string, resourceId: string): string {
  return `arn:aws:sagemaker:${scope.region}:${scope.account}:${resourceType}/${resourceId}`;
}

/** Parses a SageMaker ARN, or returns undefined when the text is not one. */
export function parseArn(text: string): ParsedArn | undefined {
  const m = ARN_RE.exec(text);
  if (!m) return undefined;
  const [, partition, region, account, resourceType, resourceId] = m as unknown as [string, string, string, string, string, string];
  return { partition, region, account, resourceType, resourceId };
}

export function isArn(text: string): boolean {
  return text.startsWith('arn:');
}
