import { z } from 'zod';

/**
 * One validation rule, written once and enforced twice: by the API server at admission (as a CEL
 * `x-kubernetes-validations` entry in the generated CRD) and by `parsePlatform` (as a zod check), so
 * the operator and `kubectl apply` reject the same manifests with the same message.
 */
export interface AdmissionRule<T> {
  /** The CEL expression the API server evaluates; `self` is the value, `oldSelf` the stored one. */
  readonly rule: string;
  /** What is wrong and what is allowed, naming the field; shown verbatim by `kubectl apply`. */
  readonly message: string;
  /**
   * The same rule in TypeScript, for `parsePlatform`. Transition rules (those using `oldSelf`) have
   * none: they compare with the stored object, which only the API server has.
   */
  readonly check?: (self: T) => boolean;
  /** Where the API server reports the error, relative to the value (e.g. `.renewBefore`). */
  readonly fieldPath?: string;
  /**
   * The API server's error reason; it defaults to FieldValueInvalid. FieldValueDuplicate is left out on
   * purpose: with it the API server replaces the message with a bare "Duplicate value".
   */
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired';
}

/** The metadata keys the CRD transform maps onto the structural schema, besides `description`. */
export interface KubernetesSchemaMeta {
  readonly description: string;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** For maps (`z.record`), which zod cannot bound itself; CEL cost estimates need the bound. */
  readonly maxProperties?: number;
}

/** Turns a CEL `fieldPath` such as `.limits.cpu` into the zod issue path `['limits', 'cpu']`. */
function issuePath(fieldPath: string | undefined): string[] {
  return fieldPath === undefined ? [] : fieldPath.split('.').filter((part) => part !== '');
}

/**
 * Documents a schema and attaches its admission rules: the description and the CEL rules go into the
 * schema's metadata (which the CRD transform reads), the checks into the zod schema itself.
 */
export function admit<S extends z.ZodType>(
  schema: S,
  meta: KubernetesSchemaMeta | string,
  rules: readonly AdmissionRule<z.output<S>>[] = [],
): S {
  const documented = typeof meta === 'string' ? { description: meta } : meta;
  const checked = rules.some((r) => r.check)
    ? (schema.superRefine((value, ctx) => {
        for (const r of rules) {
          if (r.check && !r.check(value as z.output<S>)) {
            ctx.addIssue({ code: 'custom', message: r.message, path: issuePath(r.fieldPath) });
          }
        }
      }) as unknown as S)
    : schema;
  const validations = rules.map(({ rule, message, fieldPath, reason }) => ({
    rule,
    message,
    ...(fieldPath === undefined ? {} : { fieldPath }),
    ...(reason === undefined ? {} : { reason }),
  }));
  return checked.meta({
    ...documented,
    ...(validations.length > 0 ? { 'x-kubernetes-validations': validations } : {}),
  }) as S;
}

/** Quotes a string as a CEL single-quoted literal (regular expressions keep their backslashes). */
export function celString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A string format: the pattern both sides match, and how a person would say it. */
export interface StringFormat {
  readonly pattern: RegExp;
  readonly maxLength: number;
  /** Completes "must be …", e.g. "a DNS label: lowercase letters, digits and '-'". */
  readonly allowed: string;
}

/**
 * A string in the given format. The format is a CEL rule rather than an OpenAPI `pattern`, so the API
 * server's message says in words what is allowed instead of quoting a regular expression.
 */
export function formatted(
  format: StringFormat,
  field: string,
  description: string,
  moreRules: readonly AdmissionRule<string>[] = [],
): z.ZodString {
  return admit(z.string().max(format.maxLength), description, [
    {
      rule: `self.matches(${celString(format.pattern.source)})`,
      message: `${field} must be ${format.allowed}`,
      check: (self) => format.pattern.test(self),
    },
    ...moreRules,
  ]);
}

/** A transition rule that keeps a value as it was first stored; `why` completes "… is immutable: ". */
export function immutable<T>(field: string, why: string): AdmissionRule<T> {
  return { rule: 'self == oldSelf', message: `${field} is immutable: ${why}` };
}
