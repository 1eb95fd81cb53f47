import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alive, weirHome } from './job-registry.js';

/**
 * The session cluster of this user (one per `$WEIR_HOME`, as Flink's conf/ names one cluster):
 * `weir cluster start` writes `$WEIR_HOME/cluster.json` once its REST API listens, `weir run -d`
 * reads it to know where to submit, `weir cluster stop` to know what to stop.
 */
export interface ClusterEntry {
  readonly pid: number;
  readonly rest: string;
  readonly startTime: number;
  /** The cluster's output: its log lines and what print sinks write, as Flink's `.out` file. */
  readonly log: string;
}

const clusterFile = () => join(weirHome(), 'cluster.json');

export const clusterLogFile = () => join(weirHome(), 'log', 'cluster.out');

export async function registerCluster(entry: ClusterEntry): Promise<void> {
  await mkdir(weirHome(), { recursive: true });
  const tmp = `${clusterFile()}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(entry));
  await rename(tmp, clusterFile());
}

/** Removes the entry, unless it has meanwhile been replaced by another cluster's. */
export async function unregisterCluster(pid: number): Promise<void> {
  const entry = await readCluster();
  if (entry === undefined || entry.pid === pid) await rm(clusterFile(), { force: true });
}

/** The running cluster, if any; an entry left by a killed cluster is removed on the way. */
export async function readCluster(): Promise<ClusterEntry | undefined> {
  let entry: ClusterEntry;
  try {
    entry = JSON.parse(await readFile(clusterFile(), 'utf8')) as ClusterEntry;
  } catch {
    return undefined;
  }
  if (alive(entry.pid)) return entry;
  await rm(clusterFile(), { force: true });
  return undefined;
}
