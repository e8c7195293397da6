import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `emr-on-eks:tenant:onboard`, run by its test. */
export const examples: TemplateExample[] = [
  {
    description:
      'Onboard a team with the platform defaults for quotas and LimitRange',
    example: yaml.stringify({
      steps: [
        {
          id: 'onboard',
          action: 'emr-on-eks:tenant:onboard',
          name: 'Onboard the tenant',
          input: {
            name: 'team-c',
            owner: 'group:default/team-c',
            cluster: 'shared',
          },
        },
      ],
    }),
  },
  {
    description:
      'Onboard a team with its own quota, LimitRange, S3 data prefixes and priority tier, waiting at most 20 minutes',
    example: yaml.stringify({
      steps: [
        {
          id: 'onboard',
          action: 'emr-on-eks:tenant:onboard',
          name: 'Onboard the tenant',
          input: {
            name: 'team-c',
            owner: 'group:default/team-c',
            cluster: 'shared',
            description: 'Marketing analytics',
            quota: {
              'requests.cpu': '48',
              'requests.memory': '192Gi',
              'limits.cpu': '64',
              'limits.memory': '256Gi',
            },
            limitRange: {
              max: { cpu: '4', memory: '16Gi' },
              default: { cpu: '1', memory: '2Gi' },
            },
            dataAccess: [
              { s3: 's3://data-lake/team-c/', access: 'read-write' },
            ],
            priorityTier: 'low',
            waitTimeoutMinutes: 20,
          },
        },
      ],
    }),
  },
];
