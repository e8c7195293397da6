import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** The account the plugin's AWS credentials belong to. */
export async function callerAccountId(sts: STSClient): Promise<string> {
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  return identity.Account!;
}
