/** Where a broker is, as plain data (what vitest's `provide` hands to test files). */
export interface KafkaConnection {
  /** `host:port[,host:port…]`, the form Kafka clients and Flink's `properties.bootstrap.servers` take. */
  readonly bootstrapServers: string;
  /** The same as a list, the form kafkajs takes. */
  readonly brokers: readonly string[];
  /** Host and port of the first broker. */
  readonly host: string;
  readonly port: number;
}

export interface KafkaBroker extends KafkaConnection {
  /** 'local': a broker this kit started; 'external': WEIR_KAFKA_BOOTSTRAP; 'container': Testcontainers. */
  readonly mode: 'local' | 'external' | 'container';
  /** Kafka version of a local broker. */
  readonly version?: string;
  /** The broker's log file (local broker only); it is deleted by stop(). */
  readonly logFile?: string;
  /** The broker's private folder (local broker only); it is deleted by stop(). */
  readonly dir?: string;
  /**
   * Local broker only: stops the broker process (SIGTERM, a clean shutdown) and keeps its data, so
   * that restart() brings the same broker back — an outside fault for tests. Safe to call twice.
   */
  halt?(): Promise<void>;
  /** Local broker only: starts the halted broker again on the same port and log dir and waits until it answers; a no-op while it runs. */
  restart?(): Promise<void>;
  /** Stops the broker and removes its data; a no-op for an external broker. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Kafka version for a local broker, from Maven Central; default: the newest 3.9.x known to the kit. */
  readonly version?: string;
  /**
   * Use Testcontainers' Kafka module (`@testcontainers/kafka`, an optional peer dependency) and a
   * Docker engine instead of a local JVM. `true` uses the default image.
   */
  readonly container?: boolean | { readonly image?: string };
  /** Extra or overriding server.properties for a local broker. */
  readonly brokerProperties?: Readonly<Record<string, string | number | boolean>>;
  /** Maximum JVM heap of a local broker (`-Xmx`), default '512m'. */
  readonly heap?: string;
  /** Extra JVM options for a local broker, after the kit's own (so they win), e.g. '-XX:TieredStopAtLevel=4'. */
  readonly jvmOptions?: readonly string[];
  /** How long to wait for the broker to answer once its process runs, default 120 s. */
  readonly startTimeoutMs?: number;
  /** The broker's port on 127.0.0.1 (e.g. 9092 for the docs' examples); default: a free port. */
  readonly port?: number;
  /** Ignore WEIR_KAFKA_BOOTSTRAP and always start a broker. */
  readonly ignoreEnv?: boolean;
}
