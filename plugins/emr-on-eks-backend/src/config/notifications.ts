import { z } from 'zod';

/*
 * emrOnEks.notifications: which Backstage notifications the plugin sends
 * (through @backstage/plugin-notifications, when it is installed).
 */

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
  })
  .prefault({});

/** Which notifications are on. */
export type NotificationSettings = z.output<typeof notificationsSchema>;
