import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** Who the plugin's AWS credentials are: their account and ARN. */
export interface CallerIdentity {
  accountId: string;
  /** The caller's ARN; for an assumed role `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
}

/**
 * GetCallerIdentity with the client's credentials (a cluster's assumed role,
 * when it has one). It needs no IAM permission, so it fails only when the
 * credentials themselves do (a role that cannot be assumed, expired keys).
 */
export async function callerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return { accountId: identity.Account!, arn: identity.Arn! };
}
