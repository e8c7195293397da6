import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `emr-on-eks:job:submit`, run by its test. */
export const examples: TemplateExample[] = [
  {
    description:
      'Submit a PySpark job with the defaults: driver On-Demand, executors on Spot with dynamic allocation',
    example: yaml.stringify({
      steps: [
        {
          id: 'submit',
          action: 'emr-on-eks:job:submit',
          name: 'Submit the first run',
          input: {
            tenant: 'team-a',
            job: {
              name: 'daily-sales',
              entryPoint: 's3://data-lake/team-a/jobs/daily_sales.py',
              entityRef: 'component:default/daily-sales',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Submit a jar job On-Demand with a fixed number of executors and a key of your own',
    example: yaml.stringify({
      steps: [
        {
          id: 'submit',
          action: 'emr-on-eks:job:submit',
          name: 'Submit a backfill',
          input: {
            tenant: 'team-a',
            idempotencyKey: 'backfill-2026-11',
            job: {
              name: 'sales-backfill',
              entryPoint: 's3://data-lake/team-a/jobs/sales.jar',
              mainClass: 'com.example.SalesBackfill',
              entryPointArguments: ['--month', '2026-11'],
              executor: { cores: 2, memory: '4g', instances: 4 },
              spot: false,
            },
          },
        },
      ],
    }),
  },
];
