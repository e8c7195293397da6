/** What {@link redactIdentifiers} leaves in place. */
export interface RedactionKeep {
  /**
   * Account ids that may stay where they stand alone. An ARN in such an
   * account is still replaced, unless it is listed in `arns`.
   */
  accountIds?: string[];
  /** ARNs that may stay, compared whole (the tenant's own role ARN). */
  arns?: string[];
}

/** Placeholders of the redacted identifiers. */
export const REDACTED = {
  arn: '<arn>',
  accountId: '<account-id>',
  accessKeyId: '<access-key-id>',
  uniqueId: '<aws-unique-id>',
} as const;

/*
 * Where an ARN's resource ends: at white space, quotes, brackets and the
 * like. A resource never ends with `.`, `,` or `:`, which are taken for the
 * punctuation of the sentence around it ("... on resource arn:...:role/x.").
 */
const RESOURCE_CHAR = String.raw`[^\s"'\x60<>;()[\]{}|\\]`;
const RESOURCE_END = String.raw`[^\s"'\x60<>;()[\]{}|\\.,:]`;

/**
 * `arn:partition:service:region:account:resource`, in every partition (aws,
 * aws-cn, aws-us-gov, aws-iso-b, ...); region and account may be empty
 * (IAM, S3), the account may be `aws` (AWS managed policies).
 */
const ARN = String.raw`(?<![A-Za-z0-9])arn:aws(?:-[a-z]+)*:[a-z0-9][a-z0-9.-]*:[a-z0-9-]*:[^:\s]*:${RESOURCE_CHAR}*${RESOURCE_END}`;

/** Access key ids: long-term (AKIA) and temporary (ASIA). */
const ACCESS_KEY_ID = String.raw`(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])`;

/** Unique ids of IAM users, roles, groups, policies and instance profiles. */
const UNIQUE_ID = String.raw`(?<![A-Za-z0-9])A(?:IDA|ROA|GPA|NPA|NVA|IPA)[A-Z0-9]{13,17}(?![A-Za-z0-9])`;

/**
 * Twelve digits standing alone. Not the last group of a UUID (a job run id
 * such as `0a1b2c3d-0000-4000-8000-000000000042`), which only looks like one.
 */
const ACCOUNT_ID = String.raw`(?<![A-Za-z0-9])(?<![0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-)\d{12}(?![A-Za-z0-9])`;

/*
 * One pass over all kinds at once: a kept ARN is matched whole, so the
 * account id inside it is not matched on its own.
 */
const IDENTIFIER = new RegExp(
  `(?<arn>${ARN})|(?<accessKeyId>${ACCESS_KEY_ID})|(?<uniqueId>${UNIQUE_ID})|(?<accountId>${ACCOUNT_ID})`,
  'g',
);

/**
 * Replaces the AWS identifiers in a message with placeholders: ARNs with
 * `<arn>`, account ids standing alone with `<account-id>`, access key ids with
 * `<access-key-id>` and IAM unique ids (AROA...) with `<aws-unique-id>`. What
 * `keep` lists stays. Text without identifiers comes back unchanged, and
 * redacting twice gives what redacting once gave.
 *
 * For messages shown to callers, who should not learn the platform's other
 * accounts and resources from errors of AWS calls that name them.
 */
export function redactIdentifiers(
  message: string,
  keep: RedactionKeep = {},
): string {
  const keptArns = new Set(keep.arns ?? []);
  const keptAccounts = new Set(keep.accountIds ?? []);
  const once = (text: string) =>
    text.replace(IDENTIFIER, (match: string, ...rest: unknown[]) => {
      const groups = rest[rest.length - 1] as Record<
        keyof typeof REDACTED,
        string | undefined
      >;
      if (groups.arn !== undefined) {
        return keptArns.has(match) ? match : REDACTED.arn;
      }
      if (groups.accountId !== undefined) {
        return keptAccounts.has(match) ? match : REDACTED.accountId;
      }
      return groups.accessKeyId !== undefined
        ? REDACTED.accessKeyId
        : REDACTED.uniqueId;
    });
  // A replacement can make what was next to it stand alone
  // ("123456789012arn:aws:..." becomes "123456789012<arn>"), so repeat until
  // nothing changes. Each change removes digits, capitals or an "arn:", so
  // this ends; the bound is a safety net.
  let current = message;
  for (let round = 0; round < 10; round++) {
    const next = once(current);
    if (next === current) {
      return next;
    }
    current = next;
  }
  return current;
}
