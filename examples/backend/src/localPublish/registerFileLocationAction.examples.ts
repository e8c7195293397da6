import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Examples of `example:catalog:register-file`, shown in the action list. */
export const registerFileLocationActionExamples: TemplateExample[] = [
  {
    description: 'Register what example:publish:local published',
    example: [
      'steps:',
      '  - id: register-local',
      '    action: example:catalog:register-file',
      '    input:',
      "      path: ${{ steps['publish-local'].output.catalogInfoPath }}",
    ].join('\n'),
  },
];
