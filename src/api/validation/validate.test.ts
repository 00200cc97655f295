import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SerializationException, UnknownOperationException, ValidationException } from '../../core/errors.js';
import { isKnownOperation, validateRequest } from './validate.js';

/** The message of the error `run` throws, checked to be of class `type`. */
function failure(type: typeof ValidationException | typeof SerializationException, run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return (err as Error).message;
  }
  throw new Error('expected validateRequest to throw');
}

const invalid = (operation: string, input: unknown): string => failure(ValidationException, () => validateRequest(operation, input));
const malformed = (operation: string, input: unknown): string =>
  failure(SerializationException, () => validateRequest(operation, input));

/** A valid CreateArtifact body touching every kind of member: nested structure, list, map. */
function artifact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ArtifactName: 'train-data',
    Source: { SourceUri: 's3://bucket/train.csv', SourceTypes: [{ SourceIdType: 'S3ETag', Value: 'abc123' }] },
    ArtifactType: 'DataSet',
    Properties: { format: 'csv' },
    MetadataProperties: { CommitId: 'a1b2c3' },
    Tags: [{ Key: 'team', Value: 'ml' }],
    ...overrides,
  };
}

const one = (violation: string): string => `1 validation error detected: ${violation}`;

describe('validateRequest: constraint violations are ValidationExceptions in AWS wording', () => {
  it('accepts a valid request', () => {
    expect(validateRequest('CreateArtifact', artifact())).toEqual(artifact());
  });

  it('reports a string longer than its maximum length, cutting the rendered value at 200 characters', () => {
    const long = 'x'.repeat(257);
    expect(invalid('CreateArtifact', artifact({ ArtifactType: long }))).toBe(
      one(`Value '${'x'.repeat(200)}...' at 'artifactType' failed to satisfy constraint: Member must have length less than or equal to 256`),
    );
  });

  it('reports a missing required member as null', () => {
    const { Source: _omitted, ...withoutSource } = artifact();
    expect(invalid('CreateArtifact', withoutSource)).toBe(
      one("Value null at 'source' failed to satisfy constraint: Member must not be null"),
    );
  });

  it('treats an explicit null for a required member as missing', () => {
    expect(invalid('CreateArtifact', artifact({ Source: null }))).toBe(
      one("Value null at 'source' failed to satisfy constraint: Member must not be null"),
    );
  });

  it('names nested members by their lowerCamelCase path', () => {
    expect(invalid('CreateArtifact', artifact({ Source: { SourceUri: '' } }))).toBe(
      one("Value '' at 'source.sourceUri' failed to satisfy constraint: Member must have length greater than or equal to 1"),
    );
  });

  it('lists the enum values in model order', () => {
    expect(invalid('ListArtifacts', { SortOrder: 'Up' })).toBe(
      one("Value 'Up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]"),
    );
  });

  it('quotes numbers and checks both ends of a range', () => {
    expect(invalid('ListArtifacts', { MaxResults: 0 })).toBe(
      one("Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"),
    );
    expect(invalid('ListArtifacts', { MaxResults: 101 })).toBe(
      one("Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"),
    );
  });

  it('renders a list as JSON and checks its length', () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const rendered = `${JSON.stringify(tags).slice(0, 200)}...`;
    expect(invalid('CreateArtifact', artifact({ Tags: tags }))).toBe(
      one(`Value '${rendered}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50`),
    );
  });

  it('addresses list elements as <list>.<1-based index>.member', () => {
    const key = 'k'.repeat(129);
    expect(invalid('CreateArtifact', artifact({ Tags: [{ Key: 'ok', Value: 'v' }, { Key: key, Value: 'v' }] }))).toBe(
      one(`Value '${key}' at 'tags.2.member.key' failed to satisfy constraint: Member must have length less than or equal to 128`),
    );
    expect(invalid('CreateArtifact', artifact({ Tags: [{ Key: key, Value: 'v' }] }))).toContain("at 'tags.1.member.key'");
  });

  it('quotes the pattern as written in the model', () => {
    expect(invalid('CreateAction', { ActionName: '-starts-with-dash', Source: { SourceUri: 's3://b/k' }, ActionType: 'Train' })).toBe(
      one(
        "Value '-starts-with-dash' at 'actionName' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$',
      ),
    );
  });

  it('reports map values once per map, at the map path', () => {
    const properties = { good: 'v', bad: 'v'.repeat(4097), worse: 'v'.repeat(5000) };
    const rendered = `${JSON.stringify(properties).slice(0, 200)}...`;
    expect(invalid('CreateArtifact', artifact({ Properties: properties }))).toBe(
      one(
        `Value '${rendered}' at 'properties' failed to satisfy constraint: ` +
          'Map value must satisfy constraint: [Member must have length less than or equal to 4096]',
      ),
    );
  });

  it('reports map keys once per map, at the map path', () => {
    const properties = { ['k'.repeat(2501)]: 'v' };
    expect(invalid('CreateArtifact', artifact({ Properties: properties }))).toContain(
      "at 'properties' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 2500]",
    );
  });

  it('collects every violation of the input into one message', () => {
    expect(invalid('CreateArtifact', artifact({ ArtifactType: undefined, Source: { SourceUri: 'u'.repeat(2049) } }))).toBe(
      '2 validation errors detected: ' +
        `Value '${'u'.repeat(200)}...' at 'source.sourceUri' failed to satisfy constraint: Member must have length less than or equal to 2048; ` +
        "Value null at 'artifactType' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports each broken constraint of one value separately', () => {
    expect(invalid('CreateAction', { ActionName: '', Source: { SourceUri: 's3://b/k' }, ActionType: 'Train' })).toBe(
      '2 validation errors detected: ' +
        "Value '' at 'actionName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'actionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$",
    );
  });

  it('counts string length in Unicode code points, not UTF-16 units', () => {
    const emoji = '\u{1F600}';
    expect(() => validateRequest('CreateArtifact', artifact({ ArtifactType: emoji.repeat(256) }))).not.toThrow();
    expect(invalid('CreateArtifact', artifact({ ArtifactType: emoji.repeat(257) }))).toBe(
      one(`Value '${emoji.repeat(200)}...' at 'artifactType' failed to satisfy constraint: Member must have length less than or equal to 256`),
    );
  });

  it('does not anchor patterns implicitly, and understands the Java classes AWS patterns use', () => {
    // ^arn:[\p{Alnum}\-]+:lambda:…:function:  — no trailing $, and \p{Alnum} is Java's [a-zA-Z0-9].
    const trainingJob = (credentialsArn: string): Record<string, unknown> => ({
      TrainingJobName: 'job-1',
      AlgorithmSpecification: {
        TrainingInputMode: 'File',
        TrainingImageConfig: {
          TrainingRepositoryAccessMode: 'Vpc',
          TrainingRepositoryAuthConfig: { TrainingRepositoryCredentialsProviderArn: credentialsArn },
        },
      },
      RoleArn: 'arn:aws:iam::123456789012:role/SageMaker',
      OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
    expect(() => validateRequest('CreateTrainingJob', trainingJob('arn:aws:lambda:us-east-1:123456789012:function:creds'))).not.toThrow();
    expect(invalid('CreateTrainingJob', trainingJob('arn:aws:s3:::bucket'))).toBe(
      one(
        "Value 'arn:aws:s3:::bucket' at 'algorithmSpecification.trainingImageConfig.trainingRepositoryAuthConfig." +
          "trainingRepositoryCredentialsProviderArn' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
          '^arn:[\\p{Alnum}\\-]+:lambda:[\\p{Alnum}\\-]+:[0-9]{12}:function:',
      ),
    );
  });
});

describe('validateRequest: values of the wrong JSON type are SerializationExceptions', () => {
  it('rejects a string where a structure belongs', () => {
    expect(malformed('CreateArtifact', artifact({ Source: 's3://bucket' }))).toBe(
      "Unexpected value type at 'source': expected structure, got string",
    );
  });

  it('rejects a number where a string belongs', () => {
    expect(malformed('CreateArtifact', artifact({ Source: { SourceUri: 42 } }))).toBe(
      "Unexpected value type at 'source.sourceUri': expected string, got number",
    );
  });

  it('rejects an object where a list belongs, and an array where a map belongs', () => {
    expect(malformed('CreateArtifact', artifact({ Tags: { Key: 'k' } }))).toBe(
      "Unexpected value type at 'tags': expected list, got object",
    );
    expect(malformed('CreateArtifact', artifact({ Properties: ['a'] }))).toBe(
      "Unexpected value type at 'properties': expected map, got array",
    );
  });

  it('rejects null list elements', () => {
    expect(malformed('CreateArtifact', artifact({ Tags: [null] }))).toBe(
      "Unexpected value type at 'tags.1.member': expected structure, got null",
    );
  });

  it('rejects non-integers for integer members', () => {
    expect(malformed('ListArtifacts', { MaxResults: 1.5 })).toBe(
      "Unexpected value type at 'maxResults': expected integer, got non-integer number 1.5",
    );
    expect(malformed('ListArtifacts', { MaxResults: '10' })).toBe(
      "Unexpected value type at 'maxResults': expected integer, got string",
    );
  });

  it('rejects anything but epoch seconds for timestamps', () => {
    expect(malformed('ListArtifacts', { CreatedAfter: '2024-01-01T00:00:00Z' })).toBe(
      "Unexpected value type at 'createdAfter': expected timestamp (epoch seconds), got string",
    );
    expect(validateRequest('ListArtifacts', { CreatedAfter: 1700000000.5 })).toEqual({ CreatedAfter: 1700000000.5 });
  });

  it('rejects a string where a boolean belongs', () => {
    expect(malformed('CreateModel', { ModelName: 'm', EnableNetworkIsolation: 'true' })).toBe(
      "Unexpected value type at 'enableNetworkIsolation': expected boolean, got string",
    );
  });

  it('requires exactly one member of a union', () => {
    const parameters = (value: unknown): Record<string, unknown> => ({ TrialComponentName: 'tc', Parameters: { lr: value } });
    expect(malformed('CreateTrialComponent', parameters({}))).toBe(
      "Invalid union at 'parameters.lr': exactly one member must be set, got 0",
    );
    expect(malformed('CreateTrialComponent', parameters({ StringValue: 'a', NumberValue: 1 }))).toBe(
      "Invalid union at 'parameters.lr': exactly one member must be set, got 2",
    );
    expect(validateRequest('CreateTrialComponent', parameters({ NumberValue: 0.01 }))).toEqual(parameters({ NumberValue: 0.01 }));
  });

  it('rejects a body that is not a JSON object', () => {
    expect(malformed('CreateArtifact', [])).toBe('Unexpected value type for the request body: expected structure, got array');
  });

  it('fails on the type error even when constraint violations were already found', () => {
    expect(malformed('CreateArtifact', artifact({ ArtifactType: 'x'.repeat(300), Tags: 'none' }))).toBe(
      "Unexpected value type at 'tags': expected list, got string",
    );
  });
});

describe('validateRequest: what handlers receive', () => {
  it('removes members unknown to the model, at every depth, without touching the input', () => {
    const input = artifact({
      Extra: true,
      Source: { SourceUri: 's3://b/k', Bogus: 1, SourceTypes: [{ SourceIdType: 'Custom', Value: 'v', Nope: [] }] },
      Tags: [{ Key: 'k', Value: 'v', Colour: 'red' }],
    });
    const snapshot = structuredClone(input);
    expect(validateRequest('CreateArtifact', input)).toEqual(
      artifact({
        Source: { SourceUri: 's3://b/k', SourceTypes: [{ SourceIdType: 'Custom', Value: 'v' }] },
        Tags: [{ Key: 'k', Value: 'v' }],
      }),
    );
    expect(input).toEqual(snapshot);
  });

  it('returns the input itself when nothing had to be removed', () => {
    const input = artifact();
    expect(validateRequest('CreateArtifact', input)).toBe(input);
  });

  it('treats null for an optional member as absent', () => {
    const { ArtifactName: _name, ...rest } = artifact();
    const result = validateRequest('CreateArtifact', artifact({ ArtifactName: null }));
    expect(result).toEqual(rest);
    expect('ArtifactName' in result).toBe(false);
  });

  it('treats an absent body as an empty object', () => {
    expect(validateRequest('ListArtifacts', undefined)).toEqual({});
    expect(invalid('DescribeArtifact', undefined)).toBe(
      one("Value null at 'artifactArn' failed to satisfy constraint: Member must not be null"),
    );
  });

  it('keeps map keys as data, even __proto__', () => {
    const input = JSON.parse('{"ArtifactType":"t","Source":{"SourceUri":"u","X":1},"Properties":{"__proto__":"p"}}') as unknown;
    const result = validateRequest('CreateArtifact', input);
    expect(Object.keys(result['Properties'] as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result['Properties'])).toBe(Object.prototype);
  });

  it('decodes the non-finite floats awsJson sends as strings', () => {
    const result = validateRequest('CreateTrialComponent', { TrialComponentName: 'tc', Parameters: { x: { NumberValue: 'NaN' } } });
    expect(result).toEqual({ TrialComponentName: 'tc', Parameters: { x: { NumberValue: NaN } } });
  });
});

describe('operations', () => {
  it('knows the generated operations only', () => {
    expect(isKnownOperation('CreateArtifact')).toBe(true);
    expect(isKnownOperation('CreateCluster')).toBe(false);
    expect(isKnownOperation('toString')).toBe(false);
    expect(() => validateRequest('toString', {})).toThrow(UnknownOperationException);
  });
});

describe('validateRequest: property', () => {
  type Key = string | number;
  /** Every member position of CreateArtifactRequest in artifact(), plus two unknown members. */
  const positions: readonly (readonly Key[])[] = [
    [], ['ArtifactName'], ['Source'], ['Source', 'SourceUri'], ['Source', 'SourceTypes'], ['Source', 'SourceTypes', 0],
    ['Source', 'SourceTypes', 0, 'SourceIdType'], ['Source', 'SourceTypes', 0, 'Value'], ['ArtifactType'],
    ['Properties'], ['Properties', 'format'], ['MetadataProperties'], ['MetadataProperties', 'CommitId'], ['Tags'],
    ['Tags', 0], ['Tags', 0, 'Key'], ['Tags', 0, 'Value'], ['Extra'], ['Source', 'Extra'],
  ];

  function replaceAt(root: unknown, at: readonly Key[], value: unknown): unknown {
    const [head, ...rest] = at;
    if (head === undefined) return value;
    const copy: unknown = Array.isArray(root) ? [...(root as unknown[])] : { ...(root as Record<string, unknown>) };
    (copy as Record<Key, unknown>)[head] = replaceAt((root as Record<Key, unknown>)[head], rest, value);
    return copy;
  }

  it('either accepts, or throws ValidationException or SerializationException, for any JSON anywhere', () => {
    fc.assert(
      fc.property(fc.constantFrom(...positions), fc.jsonValue(), (at, value) => {
        const input = replaceAt(artifact(), at, value);
        try {
          const result = validateRequest('CreateArtifact', input);
          // What comes out is clean: validating it again changes nothing.
          expect(validateRequest('CreateArtifact', result)).toEqual(result);
        } catch (err) {
          if (!(err instanceof ValidationException || err instanceof SerializationException)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
