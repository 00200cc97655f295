/** Reading SageMaker ARNs on the client side, without the server's parser. */

export interface ArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** `artifact`, `action`, `context`, `experiment-trial-component`, … */
  readonly kind: string;
  /** Everything after the first `/` of the resource. */
  readonly name: string;
}

/** Splits `arn:aws:sagemaker:<region>:<account>:<kind>/<name>`; undefined when it is not one. */
export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const resource = parts.slice(5).join(':');
  const slash = resource.indexOf('/');
  if (slash < 0) return undefined;
  return {
    partition: parts[1] ?? '',
    region: parts[3] ?? '',
    account: parts[4] ?? '',
    kind: resource.slice(0, slash),
    name: resource.slice(slash + 1),
  };
}

export function isArn(text: string): boolean {
  return parseArn(text) !== undefined;
}

/** The resource name of an ARN (the part after the kind), or the text itself if it is no ARN. */
export function resourceName(arn: string): string {
  return parseArn(arn)?.name ?? arn;
}
