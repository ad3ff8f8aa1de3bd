import { z } from 'zod';
import { admit, formatted, type StringFormat } from './admission-rules.js';

// The string formats the Platform API accepts, each with the words its error message uses. Patterns
// avoid look-arounds and backreferences: the API server evaluates them with RE2.

/** A Kubernetes object name such as a Secret's (RFC 1123 subdomain). */
export const dnsSubdomain: StringFormat = {
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  maxLength: 253,
  allowed:
    "a Kubernetes object name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
};

/** A label value, such as a zone or node pool name. */
export const labelValue: StringFormat = {
  pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
  maxLength: 63,
  allowed:
    "a label value: up to 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
};

/** A label key with an optional DNS prefix, such as `topology.kubernetes.io/zone`. */
export const labelKey: StringFormat = {
  pattern:
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
  maxLength: 317,
  allowed: "a label key such as 'topology.kubernetes.io/zone': an optional DNS prefix and '/', then a name",
};

/** A key inside a Secret's data. */
export const secretDataKey: StringFormat = {
  pattern: /^[-._a-zA-Z0-9]+$/,
  maxLength: 253,
  allowed: "a Secret data key: letters, digits, '-', '_' and '.'",
};

/** A host name or IP address, without a scheme or port. */
export const host: StringFormat = {
  pattern: /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/,
  maxLength: 253,
  allowed: "a host name or IP address without scheme or port, e.g. 'postgres.data.svc'",
};

/** `host:port`, as Kafka bootstrap servers and Redis addresses are written; `example` goes in the message. */
export function hostPort(example: string): StringFormat {
  return {
    pattern: /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:[0-9]{1,5}$/,
    maxLength: 259,
    allowed: `host:port without a scheme, e.g. '${example}'`,
  };
}

/** An http(s) URL; `example` goes in the message. */
export function httpUrl(example: string): StringFormat {
  return {
    pattern: /^https?:\/\/[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?(\/[^ ]*)?$/,
    maxLength: 2048,
    allowed: `an http:// or https:// URL such as '${example}'`,
  };
}

/** A Go-style duration as cert-manager writes them, in hours, minutes and seconds. */
export const duration: StringFormat = {
  pattern: /^([0-9]+[hms])+$/,
  maxLength: 32,
  allowed: "a duration in hours, minutes and seconds such as '24h', '90m' or '1h30m'",
};

/** A resource quantity such as `250m` or `512Mi`. */
export const quantity: StringFormat = {
  pattern: /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/,
  maxLength: 32,
  allowed: "a quantity such as '250m', '1', '512Mi' or '2Gi'",
};

/** A lowercase PostgreSQL identifier that needs no quoting. */
export const postgresIdentifier: StringFormat = {
  pattern: /^[a-z_][a-z0-9_]*$/,
  maxLength: 63,
  allowed: "a PostgreSQL identifier: up to 63 lowercase letters, digits and '_', not starting with a digit",
};

/**
 * An email address Auth accepts (zod's `z.email()`, which Auth's sign-up and its first-admin setting
 * use), written without look-arounds for RE2: dot-separated words, the last not ending in `'`, then
 * a domain of letter-or-digit labels and a top-level domain of letters. A value Auth would refuse at
 * start-up is refused here instead.
 */
export const emailAddress: StringFormat = {
  pattern:
    /^([A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/,
  maxLength: 254,
  allowed: "an email address such as 'admin@example.com'",
};

const unitSeconds: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** Seconds in a duration written in the `duration` format (the CEL side uses `duration()`). */
export function durationSeconds(value: string): number {
  let seconds = 0;
  for (const [, amount, unit] of value.matchAll(/([0-9]+)([hms])/g)) {
    seconds += Number(amount) * (unitSeconds[unit ?? 's'] ?? 1);
  }
  return seconds;
}

const quantitySuffix: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** The numeric value of a quantity in the `quantity` format (the CEL side uses `quantity()`). */
export function quantityValue(value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(value);
  return match ? Number(match[1]) * (quantitySuffix[match[2] ?? ''] ?? Number.NaN) : Number.NaN;
}

/**
 * A reference to one key of a Secret in the Platform's namespace (the shape of a SecretKeySelector).
 * Credentials are only ever referenced: the Platform never holds a secret value.
 */
export function secretKeyRef(field: string, description: string) {
  return admit(
    z.object({
      name: formatted(dnsSubdomain, `${field}.name`, "Name of the Secret, in the Platform's namespace."),
      key: formatted(secretDataKey, `${field}.key`, "Key in the Secret's data that holds the value."),
    }),
    `${description} A reference to a key of a Secret in the Platform's namespace; the value is never inlined.`,
  );
}

/** A user name and a password, both held in Secrets. */
export function usernamePassword(field: string, description: string) {
  return admit(
    z.object({
      username: secretKeyRef(`${field}.username`, 'The user name.'),
      password: secretKeyRef(`${field}.password`, 'The password.'),
    }),
    description,
  );
}

/** Whether to use TLS to reach a store, and which CA to trust for it. */
export function tlsClient(field: string, description: string) {
  return admit(
    z.object({
      enabled: admit(z.boolean(), 'Connect over TLS.').default(false),
      ca: secretKeyRef(
        `${field}.ca`,
        "PEM bundle of the CA that signed the server's certificate; omit it to trust the system CAs.",
      ).optional(),
    }),
    description,
  ).prefault({});
}
