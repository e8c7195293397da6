import { z } from 'zod';

/*
 * emrOnEks.clusters[].bootstrap: what the cluster bootstrap bundle
 * (GET /clusters/:name/bootstrap) is made of. Every key has a default that
 * matches the Karpenter getting-started layout (`karpenter.sh/discovery`
 * tags, a `KarpenterNodeRole-<cluster>` node role).
 */

const instanceFamily = z.string().regex(/^[a-z][a-z0-9-]{0,15}$/, {
  message: 'must be an EC2 instance family like m6i or r7g',
});

const tagSelector = z
  .record(
    z.string().regex(/^[\w.:/=+@ -]{1,128}$/, { message: 'must be a tag key' }),
    z.string().regex(/^[\w.:/=+@* -]{0,256}$/, {
      message: 'must be a tag value (or *)',
    }),
  )
  .refine(tags => Object.keys(tags).length > 0, {
    message: 'must name at least one tag',
  });

export const bootstrapSchema = z
  .object({
    /**
     * The node IAM role of Karpenter's nodes. Default
     * `KarpenterNodeRole-<eksClusterName>`.
     */
    nodeRole: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, { message: 'must be an IAM role name' })
      .optional(),
    /** EC2NodeClass `amiSelectorTerms[].alias`, like `al2023@latest` or `bottlerocket@latest`. */
    amiAlias: z
      .string()
      .regex(
        /^(al2|al2023|bottlerocket|windows2019|windows2022)@(latest|v[\w.-]+)$/,
        {
          message: 'must be a Karpenter AMI alias like al2023@latest',
        },
      )
      .default('al2023@latest'),
    /** Tags of the subnets nodes go in. Default `karpenter.sh/discovery: <eksClusterName>`. */
    subnetSelectorTags: tagSelector.optional(),
    /** Tags of the nodes' security groups. Default `karpenter.sh/discovery: <eksClusterName>`. */
    securityGroupSelectorTags: tagSelector.optional(),
    /**
     * Instance families of the Spot executors: diversified, so Spot capacity
     * is found in many pools (price-capacity-optimized picks among them).
     */
    spotInstanceFamilies: z
      .array(instanceFamily)
      .min(1)
      .default([
        'm5',
        'm5a',
        'm6i',
        'm6a',
        'm7i',
        'r5',
        'r6i',
        'r6a',
        'c5',
        'c6i',
        'c6a',
      ]),
    /** Instance families of the On-Demand drivers and job submitters. */
    onDemandInstanceFamilies: z
      .array(instanceFamily)
      .min(1)
      .default(['m6i', 'm6a', 'm7i']),
    /**
     * The nodes' EBS volume (GiB): room for EMR's images (several GB each)
     * and Spark's local scratch when executors spill to the node's disk.
     */
    nodeVolumeGiB: z
      .number()
      .int({ message: 'must be a whole number of GiB' })
      .min(20, { message: 'must be at least 20 (EMR images need the room)' })
      .max(16384, { message: 'must be at most 16384 (the gp3 maximum)' })
      .default(100),
    /** The Spot node pool's CPU limit (cores). */
    spotMaxCpu: z.number().int().positive().default(1000),
    /** The On-Demand node pool's CPU limit (cores). */
    onDemandMaxCpu: z.number().int().positive().default(200),
    /** How long a node may live before it is replaced (Karpenter duration). */
    expireAfter: z
      .string()
      .regex(/^(Never|(\d+h)?(\d+m)?(\d+s)?)$/, {
        message: 'must be a duration like 720h, or Never',
      })
      .refine(text => text !== '', { message: 'must not be empty' })
      .default('720h'),
  })
  .strict();

/** The bundle's settings of one cluster. */
export type BootstrapSettings = z.output<typeof bootstrapSchema>;
