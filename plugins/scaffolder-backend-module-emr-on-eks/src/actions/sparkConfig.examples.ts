import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `emr-on-eks:spark:config`, run by its test. */
export const examples: TemplateExample[] = [
  {
    description:
      "Write a PySpark job's emr-job.json and pod templates into the project, with the code under the tenant's assets prefix",
    example: yaml.stringify({
      steps: [
        {
          id: 'config',
          action: 'emr-on-eks:spark:config',
          name: 'Write the job configuration',
          input: {
            tenant: 'team-a',
            job: {
              name: 'daily-sales',
              entryPoint:
                "${{ steps['tenant'].output.assetsPrefix }}code/daily-sales/main.py",
              executor: {
                cores: 2,
                memory: '4g',
                minExecutors: 1,
                maxExecutors: 10,
              },
              entityRef: 'component:default/daily-sales',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Write a jar job configuration, executors On-Demand, into a sub-directory',
    example: yaml.stringify({
      steps: [
        {
          id: 'config',
          action: 'emr-on-eks:spark:config',
          name: 'Write the job configuration',
          input: {
            tenant: 'team-a',
            targetPath: 'deploy',
            job: {
              name: 'sales-report',
              entryPoint: 's3://data-lake/team-a/jobs/sales-report.jar',
              mainClass: 'com.example.SalesReport',
              spot: false,
            },
          },
        },
      ],
    }),
  },
];
