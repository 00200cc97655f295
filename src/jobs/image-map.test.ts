import { describe, expect, it } from 'vitest';
import { ImageMap, parseImageMappings } from './image-map.js';

describe('image mappings', () => {
  it('maps SageMaker framework images to python3 and node images to node', () => {
    const map = new ImageMap();
    expect(map.commandFor('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3')).toEqual(['python3']);
    expect(map.commandFor('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310')).toEqual(['python3']);
    expect(map.commandFor('node:20')).toEqual(['node']);
    expect(map.commandFor('my-registry/custom:latest')).toBeUndefined();
  });

  it('tries configured mappings first, matching the whole URI with * globs', () => {
    const map = new ImageMap([{ pattern: 'acme/*:v?', command: ['./x'] }, { pattern: 'acme/python-*', command: ['bash', '-c'] }]);
    expect(map.commandFor('acme/trainer:v?')).toEqual(['./x']);
    expect(map.commandFor('acme/trainer:v1')).toBeUndefined();
    expect(map.commandFor('acme/python-3')).toEqual(['bash', '-c']);
  });

  it('reads a JSON file or pattern=command entries', () => {
    expect(parseImageMappings('[{"pattern":"a*","command":"python3 -u"},{"pattern":"b","command":["node"]}]')).toEqual([
      { pattern: 'a*', command: ['python3', '-u'] },
      { pattern: 'b', command: ['node'] },
    ]);
    expect(parseImageMappings('acme/*=python3 train.py; # comment\nnode*=node')).toEqual([
      { pattern: 'acme/*', command: ['python3', 'train.py'] },
      { pattern: 'node*', command: ['node'] },
    ]);
    expect(() => parseImageMappings('acme/*')).toThrow(/pattern=command/);
    expect(() => parseImageMappings('[{"pattern":"a"}]')).toThrow(/non-empty "command"/);
  });
});
