import { z } from 'zod';
import { emrReleaseImageRepositories } from '../domain/emrReleaseImages';
import { externalIdSchema, roleArnSchema } from './assumedRole';
import { bootstrapSchema } from './bootstrap';
import { DEFAULTS } from './defaults';
import { guardrailsSchema } from './guardrails';
import { kubernetesSchema } from './kubernetes';

/*
 * emrOnEks.clusters[]: the EKS clusters tenants can be onboarded to, each
 * with its account, region, identity provider, assets bucket, Kubernetes
 * access and guardrails.
 */

/** Capacity-type label values of the two node provisioners EKS users run. */
const KNOWN_CAPACITY_LABELS: Record<
  string,
  { onDemand: string; spot: string }
> = {
  'eks.amazonaws.com/capacityType': { onDemand: 'ON_DEMAND', spot: 'SPOT' },
  'karpenter.sh/capacity-type': { onDemand: 'on-demand', spot: 'spot' },
};

const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
  message: 'must be an S3 bucket name',
});

export const clusterSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
      message: 'must be lowercase letters, digits and -',
    }),
    accountId: z
      .union([z.string(), z.number()])
      .transform(String)
      .refine(id => /^\d{12}$/.test(id), {
        message: 'must be a 12-digit AWS account id (quote it in YAML)',
      }),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, {
      message: 'must be an AWS region like us-east-1',
    }),
    eksClusterName: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, {
      message: 'must be an EKS cluster name',
    }),
    oidcIssuer: z
      .string()
      .transform(issuer => issuer.replace(/^https:\/\//, '').replace(/\/$/, ''))
      .refine(issuer => /^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/.test(issuer), {
        message:
          'must be the cluster OIDC issuer, like oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE',
      }),
    capacityTypeLabel: z
      .string()
      .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9._-]+$/, {
        message: 'must be a node label key',
      })
      .default('eks.amazonaws.com/capacityType'),
    capacityTypeValues: z
      .object({ onDemand: z.string().min(1), spot: z.string().min(1) })
      .optional(),
    assetsBucket: bucketName.optional(),
    /** @deprecated the old name of assetsBucket, still read. */
    podTemplateBucket: bucketName.optional(),
    /**
     * The cluster's account from another account: every AWS call for this
     * cluster uses credentials from assuming `roleArn` (refreshed before they
     * expire). Left out, the backend's own credentials are used.
     */
    aws: z
      .object({
        roleArn: roleArnSchema.optional(),
        /** The external id the role's trust policy asks for. */
        externalId: externalIdSchema.optional(),
        sessionName: z
          .string()
          .regex(/^[\w+=,.@-]{2,64}$/, {
            message: 'must be 2-64 characters of letters, digits and +=,.@-',
          })
          .default(DEFAULTS.awsSessionName),
      })
      .strict()
      .prefault({}),
    /**
     * How the tenants' Spark pods get their job-execution role: IRSA (the
     * cluster's OIDC provider, the default) or EKS Pod Identity (the Pod
     * Identity agent add-on and one association per EMR service account;
     * EMR 7.3.0 and later).
     */
    identity: z.enum(['irsa', 'podIdentity']).default('irsa'),
    /** What the cluster bootstrap bundle (Karpenter node pools) is made of. */
    bootstrap: bootstrapSchema.prefault({}),
    kubernetes: kubernetesSchema,
    guardrails: guardrailsSchema.prefault({}),
    /**
     * EMR's job-run events of the cluster's account and region, pushed by an
     * EventBridge rule into this SQS queue; without it the sync alone keeps
     * runs up to date (every minute).
     */
    events: z
      .object({
        queueUrl: z
          .string()
          .regex(
            /^https?:\/\/[A-Za-z0-9.:-]+\/(\d{12}|queue)\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
            {
              message:
                'must be an SQS queue URL like https://sqs.us-east-1.amazonaws.com/123456789012/emr-job-run-events',
            },
          )
          // Left out (an unset environment variable in app-config): no events.
          .optional(),
      })
      .strict()
      .optional(),
  })
  .transform((cluster, ctx) => {
    const { podTemplateBucket, assetsBucket, ...rest } = cluster;
    const values =
      cluster.capacityTypeValues ??
      KNOWN_CAPACITY_LABELS[cluster.capacityTypeLabel];
    if (!values) {
      ctx.addIssue({
        code: 'custom',
        path: ['capacityTypeValues'],
        message: `is required for the custom capacityTypeLabel ${cluster.capacityTypeLabel}`,
      });
    }
    if (
      assetsBucket &&
      podTemplateBucket &&
      assetsBucket !== podTemplateBucket
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['podTemplateBucket'],
        message: `is the deprecated name of assetsBucket and names another bucket (${podTemplateBucket}, not ${assetsBucket}); remove it`,
      });
    }
    if (cluster.aws.externalId && !cluster.aws.roleArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['aws', 'externalId'],
        message: 'is used only with aws.roleArn; add the role to assume',
      });
    }
    const bucket = assetsBucket ?? podTemplateBucket;
    cluster.guardrails.dataAccess.forEach((pattern, index) => {
      if (bucket && pattern.s3.startsWith(`s3://${bucket}/`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['guardrails', 'dataAccess', index, 's3'],
          message: `is in the assets bucket ${bucket}, which holds every tenant's pod templates and logs and is never granted to a tenant`,
        });
      }
    });
    if (!bucket) {
      ctx.addIssue({
        code: 'custom',
        path: ['assetsBucket'],
        message:
          "is required: the existing S3 bucket for the tenants' pod templates, logs and Spark scratch",
      });
    }
    if (!values || !bucket) {
      return z.NEVER;
    }
    const guardrails = {
      ...rest.guardrails,
      allowedImages:
        rest.guardrails.allowedImages ??
        emrReleaseImageRepositories(rest.region),
    };
    return {
      ...rest,
      assetsBucket: bucket,
      capacityTypeValues: values,
      guardrails,
    };
  });

/** One EKS cluster tenants can be onboarded to. */
export type ClusterSettings = z.output<typeof clusterSchema>;

/** The configured cluster a tenant lives on; throws if it was removed from config. */
export function clusterOfTenant(
  settings: { clusters: ClusterSettings[] },
  tenant: { name: string; spec: { cluster: string } },
): ClusterSettings {
  const cluster = settings.clusters.find(c => c.name === tenant.spec.cluster);
  if (!cluster) {
    throw new Error(
      `tenant ${tenant.name} refers to cluster ${tenant.spec.cluster}, which is no longer configured`,
    );
  }
  return cluster;
}
