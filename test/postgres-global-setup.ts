/**
 * vitest globalSetup: one throwaway PostgreSQL cluster for the whole run, with a template database
 * already migrated, so each test gets a fresh database by a cheap CREATE DATABASE … TEMPLATE.
 */
import type { TestProject } from 'vitest/node';
import { PostgresStore } from '../src/storage/postgres/postgres-store.js';
import { startCluster, TEMPLATE_DATABASE } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Socket directory of the run's PostgreSQL cluster (see test/postgres-databases.ts). */
    postgresSocketDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster({ durable: false });
  try {
    await cluster.createDatabase(TEMPLATE_DATABASE);
    const store = await PostgresStore.open({ url: cluster.url(TEMPLATE_DATABASE) });
    await store.close();
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  project.provide('postgresSocketDir', cluster.socketDir);
  return () => cluster.stop();
}
