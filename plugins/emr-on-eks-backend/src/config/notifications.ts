import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';

/*
 * emrOnEks.notifications: which Backstage notifications the plugin sends
 * (through @backstage/plugin-notifications, when it is installed).
 */

/** A user or group ref, normalised as the catalog compares refs. */
const recipientSchema = z.string().transform((value, ctx) => {
  try {
    const ref = parseEntityRef(value);
    if (['user', 'group'].includes(ref.kind.toLocaleLowerCase('en-US'))) {
      return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
    }
  } catch {
    // Refused below.
  }
  ctx.addIssue({
    code: 'custom',
    message: `must be a user or group ref such as group:default/platform-team, not "${value}"`,
  });
  return z.NEVER;
});

export const notificationsSchema = z
  .object({
    /** A run failed: its submitter and its entity's owners. */
    jobRunFailed: z.boolean().default(true),
    /** A run was cancelled by someone other than its submitter: the same people. */
    jobRunCancelled: z.boolean().default(true),
    /** A tenant became Ready: whoever asked for the change. */
    tenantReady: z.boolean().default(true),
    /** A tenant's reconcile failed: whoever asked for the change. */
    tenantFailed: z.boolean().default(true),
    /** A tenant's month crossed a budget threshold: the tenant's owner. */
    budgetThreshold: z.boolean().default(true),
    /**
     * Who gets one digest per budget check listing the thresholds crossed
     * in it (user or group refs, such as the platform team); none by default.
     */
    budgetDigest: z.array(recipientSchema).max(50).default([]),
  })
  .prefault({});

/** Which notifications are on. */
export type NotificationSettings = z.output<typeof notificationsSchema>;
