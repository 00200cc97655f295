import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './sigv4.js';

describe('parseAuthorization', () => {
  it('takes the access key, region and service from the credential scope', () => {
    const c = parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261121/eu-west-1/sagemaker/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc123',
    );
    expect(c).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20261121',
      region: 'eu-west-1',
      service: 'sagemaker',
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
      signature: 'abc123',
    });
  });

  it('returns undefined for a missing or malformed header', () => {
    expect(parseAuthorization(undefined)).toBeUndefined();
    expect(parseAuthorization('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1')).toBeUndefined();
  });
});
