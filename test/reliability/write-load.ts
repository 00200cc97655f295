/**
 * A concurrent write load through the real SDK that records, client-side, every write the server
 * acknowledged: lineage entities, associations, tags, experiments, trials, trial components and
 * their memberships. After a crash and restart, {@link missingWrites} lists what the ledger holds
 * that the server no longer has.
 *
 * Names are unique per (round, worker, step), so a write that was in flight when the server died
 * (and may or may not have landed) never collides with a later one. Each tag gets a key of its own
 * for the same reason: an unacknowledged retag could otherwise overwrite an acknowledged value.
 */
import type {
  SageMakerClient} from '@aws-sdk/client-sagemaker';
import {
  AddAssociationCommand,
  AddTagsCommand,
  AssociateTrialComponentCommand,
  CreateActionCommand,
  CreateArtifactCommand,
  CreateContextCommand,
  CreateExperimentCommand,
  CreateTrialCommand,
  CreateTrialComponentCommand,
  DescribeTrialCommand,
  ListActionsCommand,
  ListArtifactsCommand,
  ListAssociationsCommand,
  ListContextsCommand,
  ListExperimentsCommand,
  ListTagsCommand,
  ListTrialComponentsCommand
} from '@aws-sdk/client-sagemaker';
import type { Page } from '../../src/sdk/pages.js';
import { allPages, collect } from '../../src/sdk/pages.js';


interface NamedEntity {
  readonly arn: string;
  readonly type: string;
  readonly source: string;
}

/** Everything the server acknowledged. */
export class Ledger {
  readonly artifacts = new Map<string, NamedEntity>();
  readonly contexts = new Map<string, NamedEntity>();
  readonly actions = new Map<string, NamedEntity>();
  /** `source destination type`. */
  readonly associations = new Set<string>();
  readonly tags = new Map<string, Map<string, string>>();
  readonly experiments = new Map<string, string>();
  readonly trials = new Map<string, { arn: string; experiment: string }>();
  readonly components = new Map<string, string>();
  /** `trial component`. */
  readonly memberships = new Set<string>();
  writes = 0;

  /** ARNs that can be ends of an association. */
  lineageArns(): string[] {
    return [...[...this.artifacts.values()].map((a) => a.arn), ...[...this.contexts.values()].map((c) => c.arn), ...[...this.actions.values()].map((a) => a.arn)];
  }
}

export { clientOf as sdkClient } from '../cli-process.js';

/** An AWS error the server answered (as opposed to the connection failing). */
function isServiceAnswer(e: unknown): boolean {
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

const ASSOCIATION_TYPES = ['ContributedTo', 'AssociatedWith', 'DerivedFrom', 'Produced'] as const;

/**
 * One worker: writes until the server stops answering. A 4xx leaves the ledger as it was and the
 * worker goes on (a random pair may repeat); anything else ends the worker.
 */
export async function writeUntilDown(client: SageMakerClient, ledger: Ledger, tag: string, random: () => number): Promise<void> {
  for (let step = 0; ; step++) {
    const id = `${tag}-${step}`;
    const roll = random();
    try {
      if (roll < 0.25) {
        const source = `s3://durability/${id}`;
        const type = pick(['DataSet', 'Model', 'Image'], random) ?? 'DataSet';
        const r = await client.send(new CreateArtifactCommand({ Source: { SourceUri: source }, ArtifactType: type, ArtifactName: id }));
        ledger.artifacts.set(r.ArtifactArn!, { arn: r.ArtifactArn!, type, source });
      } else if (roll < 0.35) {
        const r = await client.send(new CreateContextCommand({ ContextName: `c-${id}`, Source: { SourceUri: `ep/${id}` }, ContextType: 'Endpoint' }));
        ledger.contexts.set(`c-${id}`, { arn: r.ContextArn!, type: 'Endpoint', source: `ep/${id}` });
      } else if (roll < 0.45) {
        const r = await client.send(new CreateActionCommand({ ActionName: `a-${id}`, Source: { SourceUri: `job/${id}` }, ActionType: 'Training' }));
        ledger.actions.set(`a-${id}`, { arn: r.ActionArn!, type: 'Training', source: `job/${id}` });
      } else if (roll < 0.65) {
        const arns = ledger.lineageArns();
        const source = pick(arns, random);
        const destination = pick(arns, random);
        if (!source || !destination || source === destination) continue;
        const type = pick(ASSOCIATION_TYPES, random) ?? 'AssociatedWith';
        await client.send(new AddAssociationCommand({ SourceArn: source, DestinationArn: destination, AssociationType: type }));
        ledger.associations.add(`${source} ${destination} ${type}`);
      } else if (roll < 0.75) {
        const arn = pick(ledger.lineageArns(), random);
        if (!arn) continue;
        await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: `k-${id}`, Value: `v-${id}` }] }));
        const tags = ledger.tags.get(arn) ?? new Map<string, string>();
        tags.set(`k-${id}`, `v-${id}`);
        ledger.tags.set(arn, tags);
      } else if (roll < 0.8) {
        const r = await client.send(new CreateExperimentCommand({ ExperimentName: `e-${id}` }));
        ledger.experiments.set(`e-${id}`, r.ExperimentArn!);
      } else if (roll < 0.87) {
        const experiment = pick([...ledger.experiments.keys()], random);
        if (!experiment) continue;
        const r = await client.send(new CreateTrialCommand({ TrialName: `t-${id}`, ExperimentName: experiment }));
        ledger.trials.set(`t-${id}`, { arn: r.TrialArn!, experiment });
      } else if (roll < 0.94) {
        const r = await client.send(new CreateTrialComponentCommand({ TrialComponentName: `tc-${id}` }));
        ledger.components.set(`tc-${id}`, r.TrialComponentArn!);
      } else {
        const trial = pick([...ledger.trials.keys()], random);
        const component = pick([...ledger.components.keys()], random);
        if (!trial || !component) continue;
        await client.send(new AssociateTrialComponentCommand({ TrialName: trial, TrialComponentName: component }));
        ledger.memberships.add(`${trial} ${component}`);
      }
      ledger.writes++;
    } catch (e) {
      if (!isServiceAnswer(e)) return;
    }
  }
}

/** Every item of a listing, following its NextTokens. */
export function listAll<T>(page: (token: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  return collect(allPages(page));
}

/** Every acknowledged write the server does not have (or has differently), one line each. */
export async function missingWrites(client: SageMakerClient, ledger: Ledger): Promise<string[]> {
  const missing: string[] = [];
  const artifacts = new Map(
    (await listAll((t) => client.send(new ListArtifactsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.ArtifactSummaries, nextToken: r.NextToken })))).map((a) => [a.ArtifactArn, a]),
  );
  for (const [arn, want] of ledger.artifacts) {
    const got = artifacts.get(arn);
    if (got?.Source?.SourceUri !== want.source || got.ArtifactType !== want.type) missing.push(`artifact ${arn}`);
  }
  const contexts = new Map(
    (await listAll((t) => client.send(new ListContextsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.ContextSummaries, nextToken: r.NextToken })))).map((c) => [c.ContextName, c]),
  );
  for (const [name, want] of ledger.contexts) {
    const got = contexts.get(name);
    if (got?.ContextArn !== want.arn || got.ContextType !== want.type || got.Source?.SourceUri !== want.source) missing.push(`context ${name}`);
  }
  const actions = new Map(
    (await listAll((t) => client.send(new ListActionsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.ActionSummaries, nextToken: r.NextToken })))).map((a) => [a.ActionName, a]),
  );
  for (const [name, want] of ledger.actions) {
    const got = actions.get(name);
    if (got?.ActionArn !== want.arn || got.ActionType !== want.type || got.Source?.SourceUri !== want.source) missing.push(`action ${name}`);
  }
  const associations = new Set(
    (await listAll((t) => client.send(new ListAssociationsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.AssociationSummaries, nextToken: r.NextToken })))).map(
      (a) => `${a.SourceArn} ${a.DestinationArn} ${a.AssociationType}`,
    ),
  );
  for (const a of ledger.associations) if (!associations.has(a)) missing.push(`association ${a}`);
  for (const [arn, want] of ledger.tags) {
    const got = new Map((await listAll((t) => client.send(new ListTagsCommand({ ResourceArn: arn, NextToken: t })).then((r) => ({ items: r.Tags, nextToken: r.NextToken })))).map((g) => [g.Key, g.Value]));
    for (const [key, value] of want) if (got.get(key) !== value) missing.push(`tag ${key} of ${arn}`);
  }
  const experiments = new Map(
    (await listAll((t) => client.send(new ListExperimentsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.ExperimentSummaries, nextToken: r.NextToken })))).map((e) => [e.ExperimentName, e.ExperimentArn]),
  );
  for (const [name, arn] of ledger.experiments) if (experiments.get(name) !== arn) missing.push(`experiment ${name}`);
  for (const [name, want] of ledger.trials) {
    try {
      const got = await client.send(new DescribeTrialCommand({ TrialName: name }));
      if (got.TrialArn !== want.arn || got.ExperimentName !== want.experiment) missing.push(`trial ${name}`);
    } catch {
      missing.push(`trial ${name}`);
    }
  }
  const components = new Map(
    (await listAll((t) => client.send(new ListTrialComponentsCommand({ MaxResults: 100, NextToken: t })).then((r) => ({ items: r.TrialComponentSummaries, nextToken: r.NextToken })))).map((c) => [c.TrialComponentName, c.TrialComponentArn]),
  );
  for (const [name, arn] of ledger.components) if (components.get(name) !== arn) missing.push(`trial component ${name}`);
  const byTrial = new Map<string, string[]>();
  for (const m of ledger.memberships) {
    const [trial, component] = m.split(' ') as [string, string];
    byTrial.set(trial, [...(byTrial.get(trial) ?? []), component]);
  }
  for (const [trial, wanted] of byTrial) {
    const got = new Set(
      (await listAll((t) => client.send(new ListTrialComponentsCommand({ TrialName: trial, MaxResults: 100, NextToken: t })).then((r) => ({ items: r.TrialComponentSummaries, nextToken: r.NextToken })))).map((c) => c.TrialComponentName),
    );
    for (const c of wanted) if (!got.has(c)) missing.push(`membership of ${c} in ${trial}`);
  }
  return missing;
}
