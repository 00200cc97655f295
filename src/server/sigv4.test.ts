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

describe('parseAuthorization on unusual but valid headers', () => {
  it('accepts any spacing, any field order, and keeps the last of a repeated field', () => {
    const c = parseAuthorization('AWS4-HMAC-SHA256   Signature=s1 ,SignedHeaders=host , Credential=OLD/1/us-east-1/sagemaker/aws4_request,Credential = AK/20261122/ap-south-1/sagemaker/aws4_request, Signature=s2');
    expect(c).toEqual({ accessKeyId: 'AK', date: '20261122', region: 'ap-south-1', service: 'sagemaker', signedHeaders: ['host'], signature: 's2' });
  });

  it('refuses another algorithm, a missing space after it, and a scope without its access key or region', () => {
    expect(parseAuthorization('AWS4-HMAC-SHA256X Credential=AK/1/us-east-1/s/aws4_request')).toBeUndefined();
    expect(parseAuthorization('AWS4-ECDSA-P256-SHA256 Credential=AK/1/us-east-1/s/aws4_request')).toBeUndefined();
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=/1/us-east-1/s/aws4_request')).toBeUndefined();
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AK/1//s/aws4_request')).toBeUndefined();
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AK/1/us-east-1/s/aws5_request')).toBeUndefined();
    expect(parseAuthorization('AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc')).toBeUndefined();
  });
});
