import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples of `example:publish:local`, shown in the action list. */
export const localPublishActionExamples: TemplateExample[] = [
  {
    description: 'Publish the generated project as daily-sales',
    example: [
      'steps:',
      '  - id: publish-local',
      '    action: example:publish:local',
      '    input:',
      '      name: daily-sales',
    ].join('\n'),
  },
];
