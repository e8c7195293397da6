import { externalIdAllowed } from './stsTrust.mjs';

/*
 * The stand-in's reading of a trust policy (stsTrust.mjs): what IAM would
 * decide on the external id, so the moto tests refuse what STS refuses.
 */

const allow = (condition?: object) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});

describe('the external id check of the STS stand-in', () => {
  it.each<[string, boolean, unknown, string | undefined]>([
    [
      'the agreed id',
      true,
      allow({ StringEquals: { 'sts:ExternalId': 'abc' } }),
      'abc',
    ],
    [
      'another id',
      false,
      allow({ StringEquals: { 'sts:ExternalId': 'abc' } }),
      'abd',
    ],
    [
      'no id',
      false,
      allow({ StringEquals: { 'sts:ExternalId': 'abc' } }),
      undefined,
    ],
    [
      'either of two ids (rotation)',
      true,
      allow({ StringEquals: { 'sts:ExternalId': ['old', 'new'] } }),
      'new',
    ],
    [
      'an id matching a StringLike pattern',
      true,
      allow({ StringLike: { 'sts:ExternalId': 'team-?-*' } }),
      'team-a-1',
    ],
    [
      'an id not matching it',
      false,
      allow({ StringLike: { 'sts:ExternalId': 'team-?-*' } }),
      'team-ab-1',
    ],
    ['any id when the policy asks for none', true, allow(), 'whatever'],
    ['no id when the policy asks for none', true, allow(), undefined],
    ['a policy moto could not give (no role)', true, undefined, undefined],
  ])('with %s: allows it is %p', (_what, allowed, policy, externalId) => {
    expect(externalIdAllowed(policy, externalId)).toBe(allowed);
  });

  it('allows when any allowing statement is met, and ignores Deny statements and other actions', () => {
    const policy = {
      Statement: [
        { Effect: 'Deny', Action: 'sts:AssumeRole', Principal: '*' },
        { Effect: 'Allow', Action: 'sts:TagSession', Principal: '*' },
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'sts:ExternalId': 'one' } },
        },
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'two' } },
        },
      ],
    };
    expect(externalIdAllowed(policy, 'two')).toBe(true);
    expect(externalIdAllowed(policy, 'three')).toBe(false);
  });
});
