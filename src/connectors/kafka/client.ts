import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import { WeirError } from '../../common/errors.js';

/**
 * Kafka client settings out of a table's 'properties.*' options, in the shape @platformatic/kafka
 * takes, and a redactor that removes every secret from text that may reach a log or an error.
 */
export interface KafkaClientSettings {
  readonly base: Omit<BaseOptions, 'clientId'>;
  /** Kafka client properties without the 'properties.' prefix, as the user wrote them. */
  readonly properties: ReadonlyMap<string, string>;
  redact(text: string): string;
}

const SECRET_KEY = /password|secret|jaas|token|credential|(^|\.)key$/i;

/** Values of JAAS options: `username="alice" password="s3cret";`. */
function jaasOption(jaas: string, name: string): string | undefined {
  const m = new RegExp(`${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas);
  return m?.[1].replace(/\\(.)/g, '$1');
}

export function kafkaClientSettings(
  options: Readonly<Record<string, string>>,
  table: string,
): KafkaClientSettings {
  const properties = new Map<string, string>();
  for (const [k, v] of Object.entries(options))
    if (k.startsWith('properties.')) properties.set(k.slice(11), v);
  const secrets = [...properties].filter(([k]) => SECRET_KEY.test(k)).map(([, v]) => v);
  const jaas = properties.get('sasl.jaas.config');
  const jaasPassword = jaas ? jaasOption(jaas, 'password') : undefined;
  if (jaasPassword) secrets.push(jaasPassword);
  const redact = (text: string) => {
    let out = text;
    for (const s of secrets) if (s.length > 0) out = out.split(s).join('******');
    return out;
  };

  const servers = (properties.get('bootstrap.servers') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (servers.length === 0) {
    throw new WeirError(
      'KAFKA_NO_BOOTSTRAP_SERVERS',
      `'properties.bootstrap.servers' of table ${table} is empty`,
      {
        hint: "Give the brokers as 'host:port', comma-separated.",
      },
    );
  }
  const protocol = (properties.get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new WeirError(
      'KAFKA_SECURITY_PROTOCOL',
      `Unknown 'properties.security.protocol' '${protocol}' (table ${table})`,
      {
        hint: 'Use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.',
      },
    );
  }
  const base: { -readonly [K in keyof Omit<BaseOptions, 'clientId'>]: Omit<BaseOptions, 'clientId'>[K] } = {
    bootstrapBrokers: servers,
    // The runtime decides when to give up (restart strategy); a few quick retries cover leader moves.
    retries: 3,
    retryDelay: 250,
  };
  const requestTimeout = properties.get('request.timeout.ms');
  if (requestTimeout) base.requestTimeout = Number(requestTimeout);
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const ca = properties.get('ssl.truststore.certificates');
    base.tls = ca ? { ca } : {};
  }
  if (protocol.startsWith('SASL')) {
    const mechanism = (properties.get('sasl.mechanism') ?? 'GSSAPI').toUpperCase();
    if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
      throw new WeirError(
        'KAFKA_SASL_MECHANISM',
        `SASL mechanism '${mechanism}' is not supported (table ${table})`,
        {
          hint: "Set 'properties.sasl.mechanism' to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.",
        },
      );
    }
    const username = jaas ? jaasOption(jaas, 'username') : undefined;
    if (!username || jaasPassword === undefined) {
      throw new WeirError('KAFKA_SASL_CREDENTIALS', `No SASL username and password for table ${table}`, {
        hint: `Set 'properties.sasl.jaas.config' to '… required username="…" password="…";'.`,
      });
    }
    base.sasl = { mechanism, username, password: jaasPassword } as SASLOptions;
  }
  return { base, properties, redact };
}

/** Messages of an error and of the errors it aggregates (the client reports retries that way). */
function describe(err: unknown): string {
  const e = err as Error & { errors?: unknown[] };
  const inner = Array.isArray(e?.errors)
    ? [...new Set(e.errors.map((x) => (x as Error)?.message).filter(Boolean))]
    : [];
  const own = e?.message ?? String(err);
  // The protocol error names say what the broker refused (e.g. PRODUCER_FENCED).
  const ids = [...new Set(errorIds(err))];
  const text = inner.length > 0 ? `${own}: ${inner.join('; ')}` : own;
  return ids.length > 0 ? `${text} [${ids.join(', ')}]` : text;
}

/**
 * A broker or network failure as the user sees it: what failed, why, on which brokers, and what to
 * check. No secrets. A topic the brokers do not know is KAFKA_TOPIC_NOT_FOUND, a record the broker
 * refuses for its size KAFKA_RECORD_TOO_LARGE.
 */
export function brokerError(
  settings: Pick<KafkaClientSettings, 'redact' | 'base'>,
  what: string,
  err: unknown,
  hint = "Check that the brokers in 'properties.bootstrap.servers' are reachable and the topic exists.",
): WeirError {
  if (err instanceof WeirError) return err;
  const servers = (settings.base.bootstrapBrokers as readonly string[]).join(',');
  const text = settings.redact(`${what}: ${describe(err)} (bootstrap servers ${servers})`);
  const ids = errorIds(err);
  if (ids.includes('UNKNOWN_TOPIC_OR_PARTITION') || /Unknown topic/i.test(text)) {
    return new WeirError('KAFKA_TOPIC_NOT_FOUND', text, {
      kind: 'external',
      hint: "Create the topic first, or check 'topic' / 'topic-pattern' (brokers create topics on first use only with auto.create.topics.enable=true).",
    });
  }
  if (ids.includes('MESSAGE_TOO_LARGE') || ids.includes('RECORD_LIST_TOO_LARGE')) {
    return new WeirError('KAFKA_RECORD_TOO_LARGE', text, {
      kind: 'external',
      hint: "The broker refused a record larger than its 'message.max.bytes' (or the topic's 'max.message.bytes'): raise that limit, or write smaller records.",
    });
  }
  return new WeirError('KAFKA_BROKER', text, { kind: 'external', hint });
}

/** The protocol error names inside a client error (e.g. 'PRODUCER_FENCED'). */
export function errorIds(err: unknown): string[] {
  const e = err as { apiId?: string; errors?: unknown[] };
  const ids: string[] = [];
  if (typeof e?.apiId === 'string') ids.push(e.apiId);
  if (Array.isArray(e?.errors)) for (const x of e.errors) ids.push(...errorIds(x));
  return ids;
}
