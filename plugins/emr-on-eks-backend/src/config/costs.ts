import { z } from 'zod';
import { externalIdSchema, roleArnSchema } from './assumedRole';
import { DEFAULTS } from './defaults';

/** A SQL identifier from config: it is written into query text, so only plain names. */
const sqlIdentifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, {
  message:
    'must be a plain SQL identifier (letters, digits and _, not starting with a digit)',
});

const httpUrl = z
  .string()
  .url()
  .refine(url => /^https?:\/\//.test(url), {
    message: 'must be an http:// or https:// URL',
  })
  .transform(url => url.replace(/\/+$/, ''));

const rateSchema = z.object({
  /** EMR on EKS uplift per requested vCPU-hour. */
  vcpuHour: z.number().min(0).max(10),
  /** EMR on EKS uplift per requested GB-hour of memory. */
  gbHour: z.number().min(0).max(10),
});

/**
 * `emrOnEks.costs`: where chargeback figures come from. Absent: costs are
 * off, and the API says so (`sources` null) rather than showing zeros.
 */
export const costsSchema = z
  .object({
    /** Where the EMR uplift comes from: the CUR, in Athena or in local files. */
    uplift: z.enum(['athena', 'duckdb']).default('duckdb'),
    /** Where compute (EC2 of the pods) comes from. */
    compute: z
      .enum(['kubecost', 'opencost', 'cur-split', 'duckdb'])
      .default('duckdb'),
    /** Which CUR cost column is charged: unblended, or net of discounts. */
    costColumn: z.enum(['unblended', 'net-unblended']).default('unblended'),
    /** Currency of the bill and of the rates (CUR bills in one currency). */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code like USD' })
      .default('USD'),
    athena: z
      .object({
        database: sqlIdentifier,
        table: sqlIdentifier,
        workgroup: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,128}$/, {
            message: 'must be an Athena workgroup name',
          })
          .default('primary'),
        outputLocation: z
          .string()
          .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, {
            message: 'must be an s3:// URI',
          })
          .optional(),
        /** Region of the Athena workgroup; default the first cluster's. */
        region: z
          .string()
          .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, {
            message: 'must be an AWS region like us-east-1',
          })
          .optional(),
        /** The CUR layout: legacy CUR, or CUR 2.0 (Data Exports). */
        layout: z.enum(['legacy', 'cur2']).default('cur2'),
        /**
         * The CUR's account seen from the backend's (often the management
         * account): Athena queries run as this role, assumed with the SDK's
         * temporary-credentials provider and refreshed before expiry.
         */
        roleArn: roleArnSchema.optional(),
        /** The external id the role's trust policy asks for. */
        externalId: externalIdSchema.optional(),
        /** How long one query may take before it is given up. */
        queryTimeoutSeconds: z
          .number()
          .int()
          .min(10)
          .max(3600)
          .default(DEFAULTS.athenaQueryTimeoutSeconds),
      })
      .optional(),
    duckdb: z
      .object({
        /** CUR-shaped CSV or Parquet files (a glob), relative to the working directory. */
        curPath: z.string().min(1).optional(),
        /** Kubecost allocation exports (a glob); see examples/cost-data/README.md. */
        kubecostPath: z.string().min(1).optional(),
      })
      .optional(),
    kubecost: z.object({ baseUrl: httpUrl }).optional(),
    opencost: z.object({ baseUrl: httpUrl }).optional(),
    /** EMR on EKS uplift rates per region, for the estimate of unbilled days. */
    rates: z
      .record(z.string(), rateSchema)
      .superRefine((rates, ctx) => {
        for (const region of Object.keys(rates)) {
          if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
            ctx.addIssue({
              code: 'custom',
              path: [region],
              message:
                'is not an AWS region: keys must be AWS regions like us-east-1',
            });
          }
        }
      })
      .default({}),
    /**
     * On-Demand price over Spot price, for Spot savings when the bill has no
     * public On-Demand columns (Kubecost, OpenCost). Absent: no savings shown.
     */
    onDemandToSpotRatio: z.number().min(1).max(20).optional(),
    /** Days the scheduled rollup recomputes, ending today (late CUR data). */
    lookbackDays: z.number().int().min(1).max(62).default(7),
    /** The longest period one request may ask for. */
    maxRangeDays: z.number().int().min(1).max(3660).default(400),
  })
  .superRefine((costs, ctx) => {
    if (costs.uplift === 'athena' || costs.compute === 'cur-split') {
      if (costs.uplift === 'athena' && !costs.athena) {
        ctx.addIssue({
          code: 'custom',
          path: ['athena'],
          message: 'is required when uplift is athena',
        });
      }
    }
    if (costs.athena?.externalId && !costs.athena.roleArn) {
      ctx.addIssue({
        code: 'custom',
        path: ['athena', 'externalId'],
        message: 'is used only with athena.roleArn; add the role to assume',
      });
    }
    if (costs.uplift === 'duckdb' && !costs.duckdb?.curPath) {
      ctx.addIssue({
        code: 'custom',
        path: ['duckdb', 'curPath'],
        message: 'is required when uplift is duckdb',
      });
    }
    if (costs.compute === 'duckdb' && !costs.duckdb?.kubecostPath) {
      ctx.addIssue({
        code: 'custom',
        path: ['duckdb', 'kubecostPath'],
        message: 'is required when compute is duckdb',
      });
    }
    if (costs.compute === 'kubecost' && !costs.kubecost) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubecost', 'baseUrl'],
        message: 'is required when compute is kubecost',
      });
    }
    if (costs.compute === 'opencost' && !costs.opencost) {
      ctx.addIssue({
        code: 'custom',
        path: ['opencost', 'baseUrl'],
        message: 'is required when compute is opencost',
      });
    }
  });

/** Validated `emrOnEks.costs`. */
export type CostSettings = z.output<typeof costsSchema>;
