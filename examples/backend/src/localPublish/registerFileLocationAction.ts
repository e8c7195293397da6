import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { registerFileLocationActionExamples } from './registerFileLocationAction.examples';

/** Id of the action that registers a file location in the catalog. */
export const REGISTER_FILE_ACTION_ID = 'example:catalog:register-file';

/**
 * `example:catalog:register-file`: registers a catalog-info.yaml that
 * `example:publish:local` made as a `file` location, with the credentials
 * of the user running the template. Only files inside the
 * publish directory (symbolic links resolved) are accepted.
 *
 * @public
 */
export function createRegisterFileLocationAction(options: {
  directory: string;
  catalog: CatalogService;
}) {
  const { directory, catalog } = options;
  return createTemplateAction({
    id: REGISTER_FILE_ACTION_ID,
    description:
      'LOCAL EXAMPLE ONLY: registers a catalog-info.yaml published with example:publish:local as a file location in the catalog.',
    examples: registerFileLocationActionExamples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z.string({
            description:
              'Absolute path of a catalog-info.yaml made by example:publish:local',
          }),
      },
      output: {
        locationId: z =>
          z.string({ description: 'Id of the catalog location' }).optional(),
        locationRef: z =>
          z.string({ description: 'The location, as file:<path>' }),
      },
    },
    async handler(ctx) {
      const given = ctx.input.path;
      if (!isAbsolute(given) || !/\.ya?ml$/.test(given)) {
        throw new InputError(
          `${JSON.stringify(
            given.slice(0, 200),
          )} is not an absolute path of a .yaml file`,
        );
      }
      let root: string;
      let target: string;
      try {
        root = await realpath(directory);
        target = await realpath(given);
      } catch {
        throw new InputError(`${given} does not exist`);
      }
      // The catalog would read any file the backend can: only what was
      // published here, even through a symbolic link in the repository.
      if (
        !target.startsWith(`${root}${sep}`) ||
        !(await lstat(target)).isFile()
      ) {
        throw new InputError(
          `${given} is not a file published under ${directory}`,
        );
      }
      const locationRef = `file:${target}`;
      ctx.output('locationRef', locationRef);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${locationRef}`);
        return;
      }
      const locationId = await ctx.checkpoint({
        key: `example.catalog.register-file.${target}`,
        fn: async () => {
          const { location } = await catalog.addLocation(
            { type: 'file', target },
            { credentials: await ctx.getInitiatorCredentials() },
          );
          return location.id;
        },
      });
      ctx.logger.info(`Registered ${locationRef} (location ${locationId})`);
      ctx.output('locationId', locationId);
    },
  });
}
