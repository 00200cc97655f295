/**
 * Cross-account isolation under random operation sequences (DESIGN §10): four accounts create,
 * associate, delete, tag, describe, grant and revoke, against a real server, and after every step
 * one account's view is checked against a small model of who may see what — its Lists, Search,
 * ListAssociations, a Describe by ARN and a QueryLineage (answered by the reference evaluator over
 * the model). Picks range over every ARN ever minted, in any account and deleted ones included, so
 * guessed and stale ARNs are tried all the time.
 *
 * Bounded in the normal run; `STEMMA_RELIABILITY=full` runs many more operations. Prints one line:
 * operations tried, checks made, leaks (an entity shown to an account that may not see it),
 * mismatches (any other difference from the model) and 5xx answers; all but the first two must be 0.
 */
import {
  AddAssociationCommand,
  AddTagsCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  CreateTrialComponentCommand,
  DeleteActionCommand,
  DeleteArtifactCommand,
  DeleteAssociationCommand,
  DeleteContextCommand,
  DeleteTrialComponentCommand,
  DescribeActionCommand,
  DescribeArtifactCommand,
  DescribeContextCommand,
  DescribeTrialComponentCommand,
  ListActionsCommand,
  ListArtifactsCommand,
  ListAssociationsCommand,
  ListContextsCommand,
  ListTrialComponentsCommand,
  QueryLineageCommand,
  SearchCommand,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssociationType } from '../../src/core/model.js';
import type { ReferenceEntity, ReferenceViewer } from '../../src/lineage/reference.js';
import { referenceCanSee, referenceLineage } from '../../src/lineage/reference.js';
import { accountKey, sharesCall, testAccountsAuthenticator } from '../accounts.js';
import { startTestServer } from '../harness.js';
import { iterations, printSummary, seed, testTimeout } from './reliability-env.js';
import { listAll } from './write-load.js';
import type { TestServer } from '../harness.js';

const OPERATIONS = iterations(100, 4_000);
const SEED = seed(20261121);
const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'] as const;
const SOURCES = 5;
const NAMES = 3;

type Kind = 'artifact' | 'action' | 'context' | 'experiment-trial-component';
const NAMED: readonly Kind[] = ['action', 'context', 'experiment-trial-component'];
const EDGE_TYPES: readonly (AssociationType | undefined)[] = ['ContributedTo', 'Produced', 'DerivedFrom', undefined];

/** One operation; picks are resolved against the model's state when the step runs. */
type Op =
  | { t: 'artifact'; who: number; source: number }
  | { t: 'named'; who: number; kind: number; name: number }
  | { t: 'grant' | 'revoke'; who: number; to: number }
  | { t: 'associate'; who: number; a: number; b: number; type: number; readable: boolean }
  | { t: 'disassociate'; who: number; pick: number; existing: boolean }
  | { t: 'delete' | 'tag' | 'describe'; who: number; pick: number };

const who = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const pick = fc.nat({ max: 10_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('artifact' as const), who, source: fc.nat({ max: SOURCES - 1 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('named' as const), who, kind: fc.nat({ max: 2 }), name: fc.nat({ max: NAMES - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('grant' as const), who, to: fc.integer({ min: 1, max: ACCOUNTS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('revoke' as const), who, to: fc.integer({ min: 1, max: ACCOUNTS.length - 1 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('associate' as const), who, a: pick, b: pick, type: fc.nat({ max: EDGE_TYPES.length - 1 }), readable: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('disassociate' as const), who, pick, existing: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), who, pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tag' as const), who, pick }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('describe' as const), who, pick }) },
);

interface ModelEntity {
  readonly id: number;
  readonly arn: string;
  readonly account: string;
  readonly kind: Kind;
  /** Source index for artifacts, name for the others. */
  readonly key: string;
  alive: boolean;
}

interface ModelAssociation {
  readonly source: ModelEntity;
  readonly destination: ModelEntity;
  readonly type: AssociationType | null;
  /** The account that created it (for SameAs, the source's account). */
  readonly owner: string;
  readonly automatic: boolean;
}

/** Who may see what: entities, associations and grants, kept as the rules say the server does. */
class Model {
  readonly entities: ModelEntity[] = [];
  readonly associations = new Map<string, ModelAssociation>();
  readonly grants = new Set<string>();

  viewer(account: string): ReferenceViewer {
    return { account, sharedWithCaller: new Set(ACCOUNTS.filter((o) => this.grants.has(`${o}>${account}`))) };
  }

  canRead(account: string, e: ModelEntity): boolean {
    return e.alive && referenceCanSee(this.viewer(account), e);
  }

  live(account: string, kind: Kind, key: string): ModelEntity | undefined {
    return this.entities.find((e) => e.alive && e.account === account && e.kind === kind && e.key === key);
  }

  add(account: string, kind: Kind, key: string, arn: string): ModelEntity {
    const e: ModelEntity = { id: this.entities.length + 1, arn, account, kind, key, alive: true };
    this.entities.push(e);
    return e;
  }

  pairKey(s: ModelEntity, d: ModelEntity): string {
    return `${s.arn} ${d.arn}`;
  }

  /** Automatic SameAs between twins, each direction only where that ordered pair has nothing yet. */
  linkTwins(x: ModelEntity, y: ModelEntity): void {
    for (const [s, d] of [
      [x, y],
      [y, x],
    ] as const) {
      if (!this.associations.has(this.pairKey(s, d))) {
        this.associations.set(this.pairKey(s, d), { source: s, destination: d, type: 'SameAs', owner: s.account, automatic: true });
      }
    }
  }

  partners(account: string): string[] {
    return ACCOUNTS.filter((o) => o !== account && (this.grants.has(`${o}>${account}`) || this.grants.has(`${account}>${o}`)));
  }

  touching(e: ModelEntity): ModelAssociation[] {
    return [...this.associations.values()].filter((a) => a.source === e || a.destination === e);
  }
}

let server: TestServer;
const clients = new Map<string, SageMakerClient>();

beforeAll(async () => {
  server = await startTestServer({ authenticator: testAccountsAuthenticator(), quotas: null });
  for (const a of ACCOUNTS) clients.set(a, server.client({ accessKeyId: accountKey(a, 'fuzz') }));
});
afterAll(() => server.close());

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly status?: number;
  readonly value?: unknown;
}

async function attempt(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    return { ok: false, code: err.name, status: err.$metadata?.httpStatusCode };
  }
}

describe('cross-account isolation under random operations', () => {
  it('never shows, changes or traverses what an account may not see, and never answers 5xx', async () => {
    const [ops] = fc.sample(fc.array(opArb, { minLength: OPERATIONS, maxLength: OPERATIONS }), { seed: SEED, numRuns: 1 });
    const model = new Model();
    const stats = { operations: 0, checks: 0, leaks: 0, mismatches: 0, serverErrors: 0, crossAccountAssociations: 0 };
    const problems: string[] = [];
    const mismatch = (step: number, what: string): void => {
      stats.mismatches++;
      if (problems.length < 20) problems.push(`step ${step}: ${what}`);
    };
    /** Compares an outcome with the expected error code (undefined: success expected). */
    const expectOutcome = (step: number, what: string, out: Outcome, code: string | undefined): void => {
      stats.checks++;
      if (out.status !== undefined && out.status >= 500) stats.serverErrors++;
      if (code === undefined ? !out.ok : out.code !== code) mismatch(step, `${what}: expected ${code ?? 'success'}, got ${out.ok ? 'success' : out.code}`);
    };
    const entityAt = (n: number): ModelEntity | undefined => model.entities[n % Math.max(1, model.entities.length)];

    for (const [step, op] of (ops ?? []).entries()) {
      stats.operations++;
      const me = ACCOUNTS[op.who] as string;
      const sm = clients.get(me) as SageMakerClient;
      switch (op.t) {
        case 'artifact': {
          const uri = `s3://shared-bucket/data/${op.source}.csv`;
          const existing = model.live(me, 'artifact', String(op.source));
          const out = await attempt(sm.send(new CreateArtifactCommand({ Source: { SourceUri: uri }, ArtifactType: 'DataSet' })));
          expectOutcome(step, `CreateArtifact ${uri} by ${me}`, out, existing ? 'ValidationException' : undefined);
          if (out.ok && !existing) {
            const created = model.add(me, 'artifact', String(op.source), (out.value as { ArtifactArn: string }).ArtifactArn);
            for (const p of model.partners(me)) {
              const twin = model.live(p, 'artifact', String(op.source));
              if (twin) model.linkTwins(created, twin);
            }
          }
          break;
        }
        case 'named': {
          const kind = NAMED[op.kind] as Kind;
          const name = `n${op.name}`;
          const existing = model.live(me, kind, name);
          const send =
            kind === 'action'
              ? sm.send(new CreateActionCommand({ ActionName: name, Source: { SourceUri: 'u' }, ActionType: 'Train' })).then((r) => r.ActionArn)
              : kind === 'context'
                ? sm.send(new CreateContextCommand({ ContextName: name, Source: { SourceUri: 'u' }, ContextType: 'Endpoint' })).then((r) => r.ContextArn)
                : sm.send(new CreateTrialComponentCommand({ TrialComponentName: name })).then((r) => r.TrialComponentArn);
          const out = await attempt(send);
          expectOutcome(step, `Create ${kind} ${name} by ${me}`, out, existing ? 'ValidationException' : undefined);
          if (out.ok && !existing) model.add(me, kind, name, out.value as string);
          break;
        }
        case 'grant':
        case 'revoke': {
          const to = ACCOUNTS[(op.who + op.to) % ACCOUNTS.length] as string;
          const key = `${me}>${to}`;
          const res = await sharesCall(server.url, accountKey(me, 'fuzz'), op.t === 'grant' ? 'PUT' : 'DELETE', { account: to });
          stats.checks++;
          if (res.status >= 500) stats.serverErrors++;
          if (op.t === 'grant') {
            const expected = model.grants.has(key) ? 200 : 201;
            if (res.status !== expected) mismatch(step, `grant ${key}: status ${res.status}, expected ${expected}`);
            if (!model.grants.has(key)) {
              model.grants.add(key);
              for (const a of model.entities.filter((e) => e.alive && e.account === me && e.kind === 'artifact')) {
                const twin = model.live(to, 'artifact', a.key);
                if (twin) model.linkTwins(a, twin);
              }
            }
          } else {
            const expected = model.grants.has(key) ? 200 : 400;
            if (res.status !== expected) mismatch(step, `revoke ${key}: status ${res.status}, expected ${expected}`);
            model.grants.delete(key);
          }
          break;
        }
        case 'associate': {
          // Half the time among what the caller can read (so cross-account associations happen),
          // half the time among every ARN ever minted (so guesses and stale ARNs are tried).
          const pool = op.readable ? model.entities.filter((e) => model.canRead(me, e)) : model.entities;
          const s = pool[op.a % Math.max(1, pool.length)];
          const d = pool[op.b % Math.max(1, pool.length)];
          if (!s || !d) break;
          const type = EDGE_TYPES[op.type];
          const out = await attempt(sm.send(new AddAssociationCommand({ SourceArn: s.arn, DestinationArn: d.arn, AssociationType: type })));
          let code: string | undefined;
          if (!model.canRead(me, s) || !model.canRead(me, d)) code = 'ResourceNotFound';
          else if (s.kind === 'experiment-trial-component' && d.kind === 'experiment-trial-component') code = 'ValidationException';
          else if (model.associations.has(model.pairKey(s, d))) code = 'ValidationException';
          expectOutcome(step, `AddAssociation ${s.arn} -> ${d.arn} by ${me}`, out, code);
          if (out.ok && code === undefined) {
            model.associations.set(model.pairKey(s, d), { source: s, destination: d, type: type ?? null, owner: me, automatic: false });
            if (s.account !== me || d.account !== me) stats.crossAccountAssociations++;
          }
          break;
        }
        case 'disassociate': {
          const all = [...model.associations.values()];
          let s: ModelEntity | undefined;
          let d: ModelEntity | undefined;
          if (op.existing && all.length > 0) {
            const a = all[op.pick % all.length] as ModelAssociation;
            s = a.source;
            d = a.destination;
          } else {
            s = entityAt(op.pick);
            d = entityAt(op.pick * 7 + 3);
          }
          if (!s || !d) break;
          const out = await attempt(sm.send(new DeleteAssociationCommand({ SourceArn: s.arn, DestinationArn: d.arn })));
          const exists = model.associations.has(model.pairKey(s, d));
          const code = !model.canRead(me, s) || !model.canRead(me, d) || !exists ? 'ResourceNotFound' : undefined;
          expectOutcome(step, `DeleteAssociation ${s.arn} -> ${d.arn} by ${me}`, out, code);
          if (out.ok && code === undefined) model.associations.delete(model.pairKey(s, d));
          break;
        }
        case 'delete': {
          const e = entityAt(op.pick);
          if (!e) break;
          if (e.kind !== 'artifact' && e.account !== me) {
            // Delete by name names the caller's own entity: a foreign one cannot even be addressed.
            // Describe by that name instead, which must find the caller's own or nothing.
            const own = model.live(me, e.kind, e.key);
            const out = await attempt(describeByName(sm, e.kind, e.key));
            expectOutcome(step, `Describe ${e.kind} named ${e.key} by ${me}`, out, own ? undefined : 'ResourceNotFound');
            if (out.ok && own && out.value !== own.arn) mismatch(step, `Describe by name by ${me} answered ${String(out.value)}`);
            break;
          }
          const out = await attempt(deleteEntity(sm, e));
          const blocking = model.touching(e).filter((a) => !(a.automatic && a.type === 'SameAs'));
          const code = !e.alive || e.account !== me ? 'ResourceNotFound' : blocking.length > 0 ? 'ValidationException' : undefined;
          expectOutcome(step, `Delete ${e.arn} by ${me}`, out, code);
          if (out.ok && code === undefined) {
            e.alive = false;
            for (const a of model.touching(e)) model.associations.delete(model.pairKey(a.source, a.destination));
          }
          break;
        }
        case 'tag': {
          const e = entityAt(op.pick);
          if (!e) break;
          const out = await attempt(sm.send(new AddTagsCommand({ ResourceArn: e.arn, Tags: [{ Key: 'by', Value: me }] })));
          expectOutcome(step, `AddTags ${e.arn} by ${me}`, out, e.alive && e.account === me ? undefined : 'ResourceNotFound');
          break;
        }
        case 'describe': {
          const e = entityAt(op.pick);
          if (!e) break;
          const out = await attempt(describeByArn(sm, e));
          expectOutcome(step, `Describe ${e.arn} by ${me}`, out, model.canRead(me, e) ? undefined : 'ResourceNotFound');
          if (!model.canRead(me, e)) {
            const q = await attempt(sm.send(new QueryLineageCommand({ StartArns: [e.arn] })));
            expectOutcome(step, `QueryLineage from ${e.arn} by ${me}`, q, 'ResourceNotFound');
          }
          break;
        }
      }
      await checkView(step, model, ACCOUNTS[(step + op.who) % ACCOUNTS.length] as string, op, stats, mismatch);
    }

    printSummary('isolation', {
      backend: server.backend,
      seed: SEED,
      operations: stats.operations,
      checks: stats.checks,
      leaks: stats.leaks,
      mismatches: stats.mismatches,
      '5xx': stats.serverErrors,
      crossAccountAssociations: stats.crossAccountAssociations,
      sameAs: [...model.associations.values()].filter((a) => a.type === 'SameAs').length,
    });
    expect(problems).toEqual([]);
    expect(stats.leaks).toBe(0);
    expect(stats.serverErrors).toBe(0);
    expect(stats.mismatches).toBe(0);
  }, testTimeout());
});

function describeByArn(sm: SageMakerClient, e: ModelEntity): Promise<unknown> {
  switch (e.kind) {
    case 'artifact':
      return sm.send(new DescribeArtifactCommand({ ArtifactArn: e.arn }));
    case 'action':
      return sm.send(new DescribeActionCommand({ ActionName: e.arn }));
    case 'context':
      return sm.send(new DescribeContextCommand({ ContextName: e.arn }));
    default:
      return sm.send(new DescribeTrialComponentCommand({ TrialComponentName: e.arn }));
  }
}

/** Describes by name; resolves to the ARN found. */
function describeByName(sm: SageMakerClient, kind: Kind, name: string): Promise<unknown> {
  switch (kind) {
    case 'action':
      return sm.send(new DescribeActionCommand({ ActionName: name })).then((r) => r.ActionArn);
    case 'context':
      return sm.send(new DescribeContextCommand({ ContextName: name })).then((r) => r.ContextArn);
    default:
      return sm.send(new DescribeTrialComponentCommand({ TrialComponentName: name })).then((r) => r.TrialComponentArn);
  }
}

function deleteEntity(sm: SageMakerClient, e: ModelEntity): Promise<unknown> {
  switch (e.kind) {
    case 'artifact':
      return sm.send(new DeleteArtifactCommand({ ArtifactArn: e.arn }));
    case 'action':
      return sm.send(new DeleteActionCommand({ ActionName: e.key }));
    case 'context':
      return sm.send(new DeleteContextCommand({ ContextName: e.key }));
    default:
      return sm.send(new DeleteTrialComponentCommand({ TrialComponentName: e.key }));
  }
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** One account's whole view against the model: Lists, Search, ListAssociations and a QueryLineage. */
async function checkView(
  step: number,
  model: Model,
  observer: string,
  op: Op,
  stats: { checks: number; leaks: number },
  mismatch: (step: number, what: string) => void,
): Promise<void> {
  const sm = clients.get(observer) as SageMakerClient;
  const readable = new Set(model.entities.filter((e) => model.canRead(observer, e)).map((e) => e.arn));
  const leak = (arns: Iterable<string>, where: string): void => {
    for (const arn of arns) {
      if (!readable.has(arn)) {
        stats.leaks++;
        mismatch(step, `${where} showed ${arn} to ${observer}`);
      }
    }
  };
  const own = (kind: Kind): string[] => sorted(model.entities.filter((e) => e.alive && e.account === observer && e.kind === kind).map((e) => e.arn));
  const compare = (where: string, got: string[], expected: string[]): void => {
    stats.checks++;
    leak(got, where);
    if (JSON.stringify(sorted(got)) !== JSON.stringify(expected)) mismatch(step, `${where} of ${observer}: got ${sorted(got).join(',')} expected ${expected.join(',')}`);
  };

  compare('ListArtifacts', await listAll(async (t) => {
    const r = await sm.send(new ListArtifactsCommand({ MaxResults: 100, NextToken: t }));
    return { items: r.ArtifactSummaries?.map((s) => s.ArtifactArn as string), nextToken: r.NextToken };
  }), own('artifact'));
  compare('ListActions', await listAll(async (t) => {
    const r = await sm.send(new ListActionsCommand({ MaxResults: 100, NextToken: t }));
    return { items: r.ActionSummaries?.map((s) => s.ActionArn as string), nextToken: r.NextToken };
  }), own('action'));
  compare('ListContexts', await listAll(async (t) => {
    const r = await sm.send(new ListContextsCommand({ MaxResults: 100, NextToken: t }));
    return { items: r.ContextSummaries?.map((s) => s.ContextArn as string), nextToken: r.NextToken };
  }), own('context'));
  compare('ListTrialComponents', await listAll(async (t) => {
    const r = await sm.send(new ListTrialComponentsCommand({ MaxResults: 100, NextToken: t }));
    return { items: r.TrialComponentSummaries?.map((s) => s.TrialComponentArn as string), nextToken: r.NextToken };
  }), own('experiment-trial-component'));
  compare('Search', await listAll(async (t) => {
    const r = await sm.send(new SearchCommand({ Resource: 'ExperimentTrialComponent', MaxResults: 100, NextToken: t }));
    return { items: r.Results?.map((s) => s.TrialComponent?.TrialComponentArn as string), nextToken: r.NextToken };
  }), own('experiment-trial-component'));

  // Associations: the observer's own, while it can read both ends.
  const listed = await listAll(async (t) => {
    const r = await sm.send(new ListAssociationsCommand({ MaxResults: 100, NextToken: t }));
    return { items: r.AssociationSummaries, nextToken: r.NextToken };
  });
  leak(listed.flatMap((a) => [a.SourceArn as string, a.DestinationArn as string]), 'ListAssociations');
  const expectedEdges = sorted(
    [...model.associations.values()]
      .filter((a) => a.owner === observer && model.canRead(observer, a.source) && model.canRead(observer, a.destination))
      .map((a) => `${a.source.arn} ${a.type ?? ''} ${a.destination.arn}`),
  );
  stats.checks++;
  const gotEdges = sorted(listed.map((a) => `${a.SourceArn} ${a.AssociationType ?? ''} ${a.DestinationArn}`));
  if (JSON.stringify(gotEdges) !== JSON.stringify(expectedEdges)) mismatch(step, `ListAssociations of ${observer}: got ${gotEdges.join(';')} expected ${expectedEdges.join(';')}`);

  // QueryLineage from one entity the observer can read, against the reference evaluator.
  const starts = model.entities.filter((e) => model.canRead(observer, e));
  if (starts.length === 0) return;
  const start = starts[(step * 31 + ('pick' in op ? op.pick : 0)) % starts.length] as ModelEntity;
  const direction = (['Both', 'Ascendants', 'Descendants'] as const)[step % 3] ?? 'Both';
  const maxDepth = 1 + (step % 10);
  const out = await sm.send(new QueryLineageCommand({ StartArns: [start.arn], Direction: direction, IncludeEdges: true, MaxDepth: maxDepth }));
  const entities: ReferenceEntity[] = model.entities
    .filter((e) => e.alive)
    .map((e) => ({ id: e.id, arn: e.arn, kind: e.kind, type: null, createdAt: 0, modifiedAt: 0, properties: {}, account: e.account }));
  const associations = [...model.associations.values()].map((a) => ({ sourceId: a.source.id, destinationId: a.destination.id, type: a.type }));
  const expected = referenceLineage(entities, associations, { startIds: [start.id], direction, maxDepth, filters: {}, includeEdges: true }, model.viewer(observer));
  const gotVertices = (out.Vertices ?? []).map((v) => v.Arn as string);
  compare(`QueryLineage ${direction} ${maxDepth} from ${start.arn}`, gotVertices, sorted(expected.vertices.map((v) => v.arn)));
  const got = sorted((out.Edges ?? []).map((e) => `${e.SourceArn} ${e.AssociationType ?? ''} ${e.DestinationArn}`));
  const want = sorted(expected.edges.map((e) => `${e.sourceArn} ${e.type ?? ''} ${e.destinationArn}`));
  stats.checks++;
  leak((out.Edges ?? []).flatMap((e) => [e.SourceArn as string, e.DestinationArn as string]), 'QueryLineage edges');
  if (JSON.stringify(got) !== JSON.stringify(want)) mismatch(step, `QueryLineage edges of ${observer} from ${start.arn}: got ${got.join(';')} expected ${want.join(';')}`);
}
