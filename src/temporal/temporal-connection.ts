/**
 * How the API and the worker reach Temporal: its address, and for a secured cluster or Temporal
 * Cloud, TLS (server CA, client certificate for mTLS, server name) and an API key
 * (docs/deployment.md, "Securing the connection to Temporal"). Files are read once, at start-up.
 */
import type { TLSConfig } from '@temporalio/client';
import { readFileSync } from 'node:fs';

export interface TemporalConnectionConfig {
  temporalAddress: string;
  /** true: TLS with the system's CAs and no client certificate. */
  temporalTls?: TLSConfig | true;
  temporalApiKey?: string;
}

/** The variables of src/config/config.ts that say how to connect, as its schema parsed them. */
export interface TemporalConnectionVariables {
  WES_TEMPORAL_TLS?: 'on' | 'off';
  WES_TEMPORAL_TLS_CA?: string;
  WES_TEMPORAL_TLS_CERT?: string;
  WES_TEMPORAL_TLS_KEY?: string;
  WES_TEMPORAL_TLS_SERVER_NAME?: string;
  WES_TEMPORAL_API_KEY?: string;
  WES_TEMPORAL_API_KEY_FILE?: string;
}

/** Options for Connection (client) and NativeConnection (worker) alike. */
export function temporalConnectionOptions({ temporalAddress, temporalTls, temporalApiKey }: TemporalConnectionConfig) {
  return {
    address: temporalAddress,
    ...(temporalTls ? { tls: temporalTls === true ? {} : temporalTls } : {}),
    ...(temporalApiKey ? { apiKey: temporalApiKey } : {}),
  };
}

/**
 * A failed connect, saying what was tried and which settings decide it: the SDK's own message
 * (e.g. `InvalidCertificate(UnknownIssuer)`) names no variable.
 */
export function connectFailure({ temporalAddress, temporalTls, temporalApiKey }: TemporalConnectionConfig, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (!temporalTls) return new Error(`cannot connect to Temporal at ${temporalAddress}: ${message}`);
  const settings = temporalTls === true ? {} : temporalTls;
  const trust = settings.serverRootCACertificate ? 'the CA of WES_TEMPORAL_TLS_CA' : "the system's CAs (no WES_TEMPORAL_TLS_CA)";
  const name = settings.serverNameOverride ? ` for the name ${settings.serverNameOverride}` : '';
  const client = settings.clientCertPair
    ? 'with the client certificate of WES_TEMPORAL_TLS_CERT'
    : 'without a client certificate (WES_TEMPORAL_TLS_CERT, WES_TEMPORAL_TLS_KEY)';
  return new Error(
    `cannot connect to Temporal at ${temporalAddress} over TLS, trusting ${trust}${name}, ${client}${temporalApiKey ? ', with an API key' : ''}: ${message}`,
    { cause: err },
  );
}

/**
 * TLS is on when asked for, or when any TLS file, server name or API key is given (an API key is a
 * bearer secret: never sent in clear unless WES_TEMPORAL_TLS=off says so).
 */
export function temporalSecurity(vars: TemporalConnectionVariables): {
  security: Omit<TemporalConnectionConfig, 'temporalAddress'>;
  problems: string[];
} {
  const problems: string[] = [];
  const read = (variable: keyof TemporalConnectionVariables): Buffer | undefined => {
    const file = vars[variable];
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      problems.push(`${variable}: cannot read ${file}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const ca = read('WES_TEMPORAL_TLS_CA');
  const crt = read('WES_TEMPORAL_TLS_CERT');
  const key = read('WES_TEMPORAL_TLS_KEY');
  if ((vars.WES_TEMPORAL_TLS_CERT === undefined) !== (vars.WES_TEMPORAL_TLS_KEY === undefined)) {
    problems.push('WES_TEMPORAL_TLS_CERT and WES_TEMPORAL_TLS_KEY: both or neither (the client certificate of mTLS and its private key)');
  }
  if (vars.WES_TEMPORAL_API_KEY !== undefined && vars.WES_TEMPORAL_API_KEY_FILE !== undefined) {
    problems.push('WES_TEMPORAL_API_KEY and WES_TEMPORAL_API_KEY_FILE: one or the other');
  }
  const apiKey = vars.WES_TEMPORAL_API_KEY ?? read('WES_TEMPORAL_API_KEY_FILE')?.toString('utf8').trim();
  const settings: TLSConfig = {
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(vars.WES_TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: vars.WES_TEMPORAL_TLS_SERVER_NAME } : {}),
  };
  const configured = Object.keys(settings).length > 0;
  if (vars.WES_TEMPORAL_TLS === 'off' && configured) problems.push('WES_TEMPORAL_TLS=off with TLS settings: remove one or the other');
  const on = vars.WES_TEMPORAL_TLS === 'on' || (vars.WES_TEMPORAL_TLS !== 'off' && (configured || apiKey !== undefined));
  const tls = on ? (configured ? settings : true) : undefined;
  return { security: { ...(tls ? { temporalTls: tls } : {}), ...(apiKey ? { temporalApiKey: apiKey } : {}) }, problems };
}
