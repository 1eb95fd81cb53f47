export interface StartFlinkOptions {
  /** A Flink 1.20.x release; default DEFAULT_FLINK_VERSION. */
  readonly version?: string;
  /** Task slots of the one task manager (also its `taskmanager.cpu.cores`); default 4. */
  readonly slots?: number;
  /** Heap for tasks on the task manager, e.g. '512m'; default '320m' (the whole TM process is ~1 GB). */
  readonly taskHeap?: string;
  /** Managed memory of the task manager (RocksDB, batch operators); default '128m'. */
  readonly managedMemory?: string;
  /** More `config.yaml` entries, e.g. `{ 'execution.checkpointing.interval': '10s' }`. */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Extra JVM options for all three processes. By default the JIT stops at C1, which roughly halves
   * start-up on a busy machine; benchmarks pass ['-XX:TieredStopAtLevel=4'] for full speed.
   */
  readonly jvmOptions?: readonly string[];
  /** How long to wait for the task manager to register and the gateway to answer; default 180 s. */
  readonly startTimeoutMs?: number;
  /** Ignore WEIR_FLINK_GATEWAY / WEIR_FLINK_REST and always start a local cluster. */
  readonly ignoreEnv?: boolean;
}

/** What a test needs to reach a Flink session cluster: plain data, passable between processes. */
export interface FlinkConnection {
  /** The job manager's REST API (the web UI's address), e.g. http://127.0.0.1:8081. */
  readonly restUrl: string;
  /** The SQL Gateway's REST endpoint, e.g. http://127.0.0.1:8083. */
  readonly gatewayUrl: string;
}

export interface FlinkCluster extends FlinkConnection {
  readonly mode: 'local' | 'external';
  readonly version?: string;
  /** The cluster's folder: config.yaml, logs (log/*.log), temp files. */
  readonly dir?: string;
  /** Pids of the job manager, task manager and gateway JVMs, for measuring them. */
  readonly pids?: { readonly jobManager: number; readonly taskManager: number; readonly gateway: number };
  /** Milliseconds from spawning the JVMs to a registered task manager and an answering gateway. */
  readonly startMs?: number;
  stop(): Promise<void>;
}
