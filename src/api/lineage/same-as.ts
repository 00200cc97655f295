/**
 * Automatic `SameAs` associations (the lineage spec §7.7): the same data, as an artifact in two
 * accounts that share lineage, joined both ways so a QueryLineage crosses from one account's
 * lineage into the other's. Artifact ids derive from the source, so the twin of an artifact in
 * another account is found by its ARN alone.
 *
 * Decisions (docs/behaviour.md, "Accounts and sharing"): twins are joined when a grant exists
 * between the two accounts in either direction, whichever artifact came first, and when a grant is
 * made between accounts that already hold twins. Each direction is owned by the account of its
 * source artifact. They are automatic: no quota, and they go with the artifact when it is deleted.
 */
import { formatArn, parseArn } from '../../core/arn.js';
import type { EntityRef, UserContext } from '../../core/model.js';
import type { StoreTx } from '../../storage/store.js';
import { UniqueViolation } from '../../storage/store.js';

/**
 * Joins two artifacts with SameAs both ways, leaving any existing association of either pair alone
 * (also one a concurrent transaction inserted first). Answers how many directions it added.
 */
async function linkPair(tx: StoreTx, x: EntityRef, y: EntityRef, at: number, by: UserContext): Promise<number> {
  let added = 0;
  for (const [source, destination] of [
    [x, y],
    [y, x],
  ] as const) {
    if (await tx.getAssociation(source.id, destination.id)) continue;
    try {
      await tx.insertAssociation({
        sourceId: source.id,
        destinationId: destination.id,
        type: 'SameAs',
        scope: { account: source.account, region: source.region },
        createdAt: at,
        createdBy: by,
        automatic: true,
      });
      added++;
    } catch (e) {
      if (!(e instanceof UniqueViolation)) throw e;
    }
  }
  return added;
}

/** The accounts that share lineage with this one, in either direction, in its region. */
async function partnersOf(tx: StoreTx, account: string, region: string): Promise<string[]> {
  const partners = new Set<string>();
  for (const g of await tx.listLineageShares({ account, region })) {
    partners.add(g.ownerAccount === account ? g.granteeAccount : g.ownerAccount);
  }
  partners.delete(account);
  return [...partners].sort();
}

/** After an artifact is created: joins it with its twin in every account it shares lineage with. */
export async function linkTwinsOf(tx: StoreTx, artifact: EntityRef, at: number, by: UserContext): Promise<void> {
  const parsed = parseArn(artifact.arn);
  if (!parsed) return;
  for (const partner of await partnersOf(tx, artifact.account, artifact.region)) {
    const twin = await tx.getEntityRef(formatArn({ account: partner, region: artifact.region }, 'artifact', parsed.resourceId));
    if (twin && twin.kind === 'artifact') await linkPair(tx, artifact, twin, at, by);
  }
}

/**
 * After a grant: joins every pair of twins the two accounts hold. Answers how many pairs it joined
 * or completed (pairs already joined both ways are not counted).
 */
export async function linkTwinsBetween(tx: StoreTx, region: string, a: string, b: string, at: number, by: UserContext): Promise<number> {
  let joined = 0;
  for (const t of await tx.artifactTwins(region, a, b)) if ((await linkPair(tx, t.a, t.b, at, by)) > 0) joined++;
  return joined;
}

/** Before an artifact is deleted: removes the automatic SameAs associations that join it to its twins. */
export async function unlinkTwinsOf(tx: StoreTx, artifact: EntityRef): Promise<void> {
  await tx.deleteAutomaticAssociationsOf(artifact.id, 'SameAs');
}
