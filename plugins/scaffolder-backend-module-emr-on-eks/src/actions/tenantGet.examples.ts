import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `emr-on-eks:tenant:get`, run by its test. */
export const examples: TemplateExample[] = [
  {
    description:
      "Read a tenant's ids, for a later step (steps['tenant'].output.virtualClusterId)",
    example: yaml.stringify({
      steps: [
        {
          id: 'tenant',
          action: 'emr-on-eks:tenant:get',
          name: 'Read the tenant',
          input: { name: 'team-a' },
        },
      ],
    }),
  },
];
