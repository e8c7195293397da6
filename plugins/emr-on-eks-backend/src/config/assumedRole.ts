import { z } from 'zod';

/*
 * The keys of a role the backend assumes in another account: a cluster's
 * `aws` and the costs' `athena` (docs/cross-account.md).
 */

/** `roleArn`: an IAM role ARN, in any partition. */
export const roleArnSchema = z
  .string()
  .regex(/^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, {
    message:
      'must be an IAM role ARN like arn:aws:iam::123456789012:role/backstage-emr-on-eks',
  });

/** `externalId`: what the role's trust policy asks for (STS's own limits). */
export const externalIdSchema = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, {
  message: 'must be 2-1224 characters of letters, digits and +=,.@:/-',
});
