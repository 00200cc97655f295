import { describe, expect, it } from 'vitest';
import type { GraphView } from './graph-view.js';
import { labelOf, shorten } from './graph-view.js';
import { toDot } from './dot.js';
import { toGraphML } from './graphml.js';
import { toHtml } from './html.js';
import { layeredLayout } from './layered-layout.js';
import { toMermaid } from './mermaid.js';

const P = 'arn:aws:sagemaker:us-east-1:000000000000';
const data = `${P}:artifact/0123456789abcdef0123456789abcdef`;
const job = `${P}:experiment-trial-component/train-aws-training-job`;
const model = `${P}:artifact/fedcba9876543210fedcba9876543210`;
const endpoint = `${P}:context/prod-"endpoint"`;
const view: GraphView = {
  vertices: [
    { arn: data, lineageType: 'Artifact', type: 'DataSet' },
    { arn: job, lineageType: 'TrialComponent', type: 'TrainingJob' },
    { arn: model, lineageType: 'Artifact', type: 'Model' },
    { arn: endpoint, lineageType: 'Context', type: 'Endpoint' },
  ],
  edges: [
    { sourceArn: data, destinationArn: job, associationType: 'ContributedTo' },
    { sourceArn: job, destinationArn: model, associationType: 'Produced' },
    { sourceArn: model, destinationArn: endpoint },
  ],
  startArns: [data],
  labels: new Map([[data, 's3://bucket/train.csv']]),
};

describe('labels', () => {
  it('come from names and URIs, with long URIs shortened in the middle', () => {
    expect(labelOf(view, data)).toBe('s3://bucket/train.csv');
    expect(labelOf(view, job)).toBe('train-aws-training-job');
    expect(labelOf(view, model)).toBe('artifact fedcba98');
    const long = `s3://bucket/${'x'.repeat(80)}/model.tar.gz`;
    expect(shorten(long)).toHaveLength(48);
    expect(shorten(long).endsWith('/model.tar.gz')).toBe(true);
  });
});

describe('DOT', () => {
  it('draws every vertex and edge, coloured by lineage type, the start doubled, quotes escaped', () => {
    const dot = toDot(view);
    expect(dot.startsWith('digraph lineage {')).toBe(true);
    expect(dot).toContain(`"${data}" [label="s3://bucket/train.csv\\nDataSet", fillcolor="#146eb4", tooltip="${data}", peripheries=2`);
    expect(dot).toContain(`"${job}" -> "${model}" [label="Produced"];`);
    expect(dot).toContain(`"${model}" -> "${endpoint.replace(/"/g, '\\"')}";`);
    expect(dot).toContain('fillcolor="#f6cf61"');
    expect(dot.trim().endsWith('}')).toBe(true);
  });
});

describe('Mermaid', () => {
  it('numbers the vertices and labels the edges with association types', () => {
    const m = toMermaid(view).split('\n');
    expect(m[0]).toBe('flowchart LR');
    expect(m).toContain('  v0 -->|ContributedTo| v1');
    expect(m).toContain('  v2 --> v3');
    expect(m).toContain('  class v0 start');
    expect(m.find((l) => l.startsWith('  v0['))).toMatch(/"\]:::Artifact$/);
    expect(m.find((l) => l.startsWith('  v3['))).toContain('prod-&quot;endpoint&quot;');
  });
});

describe('GraphML', () => {
  it('is well-formed XML with ARNs as ids and typed data', () => {
    const g = toGraphML(view);
    expect(g).toContain(`<node id="${data}"><data key="lineageType">Artifact</data><data key="type">DataSet</data><data key="label">s3://bucket/train.csv</data><data key="start">true</data></node>`);
    expect(g).toContain(`<edge id="e1" source="${job}" target="${model}"><data key="associationType">Produced</data></edge>`);
    expect(g).toContain('prod-&quot;endpoint&quot;');
    expect((g.match(/<node /g) ?? []).length).toBe(4);
    expect((g.match(/<edge /g) ?? []).length).toBe(3);
  });
});

describe('layered layout', () => {
  it('puts each vertex one column right of its latest predecessor, and survives cycles', () => {
    const l = layeredLayout(view);
    expect([data, job, model, endpoint].map((a) => l.get(a)?.column)).toEqual([0, 1, 2, 3]);
    const cyclic = layeredLayout({ vertices: view.vertices, edges: [...view.edges, { sourceArn: endpoint, destinationArn: data }] });
    expect(cyclic.size).toBe(4);
  });
});

describe('HTML', () => {
  it('is one self-contained page with a legend, the start marked and edge labels', () => {
    const html = toHtml({ ...view, title: 'Lineage of train.csv' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('<title>Lineage of train.csv</title>');
    expect(html).toContain('class="node start"');
    expect(html).toContain('★ s3://bucket/train.csv');
    expect(html).toContain('>Produced</text>');
    expect(html).toContain('Trial component (job)');
    expect((html.match(/class="node/g) ?? []).length).toBe(4);
  });
});
