import {
  DataAccessGrant,
  FieldIssue,
  parseQuantity,
  parseS3Prefix,
  QuotaKey,
  TenantSpec,
} from '@spot-spark/plugin-emr-on-eks-common';
import { DataAccessPattern, Guardrails, POD_SECURITY_LEVELS } from '../config';
import { cidrInside, parseCidr } from './cidrs';

/*
 * The one place that decides whether a tenant spec stays inside its
 * cluster's guardrails: a pure function of the spec, the guardrails and the
 * other tenants, called on every create and update. Each violation names the
 * field, the value and the rule. Messages never name another tenant or its
 * grants: a team learns that a location is taken, not by whom.
 */

/** What a spec is checked against. */
export interface GuardrailContext {
  guardrails: Guardrails;
  /** The cluster's assets bucket: never grantable to a tenant. */
  assetsBucket: string;
  /** Specs of the other tenants of the same cluster. */
  others: TenantSpec[];
}

/** An S3 location: bucket and key prefix (`''` for the whole bucket, else ending in `/`). */
interface S3Location {
  bucket: string;
  prefix: string;
}

/** The guardrail violations of a spec; empty when it may be stored. */
export function guardrailViolations(
  spec: TenantSpec,
  context: GuardrailContext,
): FieldIssue[] {
  const { guardrails } = context;
  return [
    ...namespaceViolations(spec, guardrails),
    ...tierViolations(spec, guardrails),
    ...podSecurityViolations(spec, guardrails),
    ...quotaViolations(spec, guardrails),
    ...limitRangeViolations(spec, guardrails),
    ...egressViolations(spec, guardrails),
    ...spec.dataAccess.flatMap((grant, index) =>
      grantViolations(spec, grant, `dataAccess.${index}`, context),
    ),
  ];
}

/** The data-access patterns with the tenant's placeholders filled in. */
export function patternsFor(
  spec: Pick<TenantSpec, 'name' | 'namespace'>,
  patterns: DataAccessPattern[],
): Array<DataAccessPattern & S3Location> {
  return patterns.flatMap(pattern => {
    const s3 = pattern.s3
      .replace(/\{tenant\}/g, spec.name)
      .replace(/\{namespace\}/g, spec.namespace);
    const location = parseS3Prefix(s3);
    return location ? [{ ...pattern, s3, ...location }] : [];
  });
}

function namespaceViolations(
  spec: TenantSpec,
  guardrails: Guardrails,
): FieldIssue[] {
  return guardrails.reservedNamespaces.includes(spec.namespace)
    ? [
        {
          path: 'namespace',
          message: `"${spec.namespace}" is reserved on this cluster (reservedNamespaces); choose another namespace`,
        },
      ]
    : [];
}

function tierViolations(
  spec: TenantSpec,
  guardrails: Guardrails,
): FieldIssue[] {
  return guardrails.allowedPriorityTiers.includes(spec.priorityTier)
    ? []
    : [
        {
          path: 'priorityTier',
          message: `"${
            spec.priorityTier
          }" is not allowed on this cluster (allowedPriorityTiers: ${guardrails.allowedPriorityTiers.join(
            ', ',
          )})`,
        },
      ];
}

function podSecurityViolations(
  spec: TenantSpec,
  guardrails: Guardrails,
): FieldIssue[] {
  const rank = (level: string) =>
    POD_SECURITY_LEVELS.indexOf(level as (typeof POD_SECURITY_LEVELS)[number]);
  return rank(spec.podSecurity) < rank(guardrails.minPodSecurity)
    ? [
        {
          path: 'podSecurity',
          message: `"${spec.podSecurity}" is below this cluster's minimum "${guardrails.minPodSecurity}" (minPodSecurity)`,
        },
      ]
    : [];
}

function quotaViolations(
  spec: TenantSpec,
  guardrails: Guardrails,
): FieldIssue[] {
  return (
    Object.entries(guardrails.maxQuota) as Array<[QuotaKey, string]>
  ).flatMap(([key, cap]) =>
    capViolation(`quota.${key}`, spec.quota[key], cap, `maxQuota.${key}`),
  );
}

function limitRangeViolations(
  spec: TenantSpec,
  guardrails: Guardrails,
): FieldIssue[] {
  return (['cpu', 'memory'] as const).flatMap(resource => {
    const cap = guardrails.maxLimitRange[resource];
    return cap
      ? capViolation(
          `limitRange.max.${resource}`,
          spec.limitRange.max[resource],
          cap,
          `maxLimitRange.${resource}`,
        )
      : [];
  });
}

/** A value above its cap, or missing (unbounded) where a cap applies. */
function capViolation(
  path: string,
  value: string | undefined,
  cap: string,
  rule: string,
): FieldIssue[] {
  if (value === undefined) {
    return [
      {
        path,
        message: `must be set: this cluster allows at most ${cap} (${rule})`,
      },
    ];
  }
  const amount = parseQuantity(value);
  const limit = parseQuantity(cap)!;
  return amount === undefined || amount > limit
    ? [
        {
          path,
          message: `${value} exceeds this cluster's limit of ${cap} (${rule})`,
        },
      ]
    : [];
}

function egressViolations(
  spec: TenantSpec,
  guardrails: Guardrails,
): FieldIssue[] {
  const allowed = guardrails.allowedEgressCidrs.map(text => parseCidr(text)!);
  return spec.network.egressCidrs.flatMap((text, index) => {
    const cidr = parseCidr(text);
    const inside =
      cidr !== undefined && allowed.some(outer => cidrInside(cidr, outer));
    return inside
      ? []
      : [
          {
            path: `network.egressCidrs.${index}`,
            message: `${text} is not inside this cluster's allowed egress (allowedEgressCidrs: ${
              guardrails.allowedEgressCidrs.join(', ') || 'none'
            })`,
          },
        ];
  });
}

function grantViolations(
  spec: TenantSpec,
  grant: DataAccessGrant,
  path: string,
  context: GuardrailContext,
): FieldIssue[] {
  const location = parseS3Prefix(grant.s3);
  if (!location) {
    return [
      { path: `${path}.s3`, message: `${grant.s3} is not s3://bucket/prefix/` },
    ];
  }
  if (location.bucket === context.assetsBucket) {
    return [
      {
        path: `${path}.s3`,
        message: `${grant.s3} is in the cluster's assets bucket, which holds every tenant's pod templates and logs and is never granted`,
      },
    ];
  }
  const patterns = patternsFor(spec, context.guardrails.dataAccess);
  const containing = patterns.filter(pattern => contains(pattern, location));
  if (containing.length === 0) {
    return [
      {
        path: `${path}.s3`,
        message: `${
          grant.s3
        } is outside the locations this cluster grants (dataAccess: ${
          patterns.map(p => `${p.s3} ${p.access}`).join(', ') || 'none'
        })`,
      },
    ];
  }
  if (
    grant.access === 'read-write' &&
    !containing.some(pattern => pattern.access === 'read-write')
  ) {
    return [
      {
        path: `${path}.access`,
        message: `read-write is more than this cluster grants on ${grant.s3} (at most read)`,
      },
    ];
  }
  const shared = containing.some(pattern => pattern.shared);
  const clash = context.others
    .filter(other => other.name !== spec.name)
    .flatMap(other => other.dataAccess)
    .find(theirs => {
      const their = parseS3Prefix(theirs.s3);
      if (!their || !overlaps(their, location)) {
        return false;
      }
      const anyWrite =
        grant.access === 'read-write' || theirs.access === 'read-write';
      return anyWrite || !shared;
    });
  if (clash) {
    return [
      {
        path: `${path}.s3`,
        message:
          grant.access === 'read-write' || clash.access === 'read-write'
            ? `${grant.s3} overlaps another tenant's grant, and a location written by one tenant is granted to no other`
            : `${grant.s3} overlaps another tenant's grant outside a shared location (dataAccess patterns marked shared)`,
      },
    ];
  }
  return [];
}

function contains(outer: S3Location, inner: S3Location): boolean {
  return outer.bucket === inner.bucket && inner.prefix.startsWith(outer.prefix);
}

function overlaps(a: S3Location, b: S3Location): boolean {
  return contains(a, b) || contains(b, a);
}
