import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** Longest repository name: a catalog entity name is at most 63 characters. */
const REPOSITORY_NAME_MAX_LENGTH = 63;

/** Lowercase letters, digits and inner '-': a safe file name and entity name. */
const REPOSITORY_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The repository name, or an InputError that says what a name may be. No
 * dots, slashes or capitals: the name becomes a directory name next to
 * others (`<name>` and `<name>.git`).
 */
export function parseRepositoryName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.length > REPOSITORY_NAME_MAX_LENGTH ||
    !REPOSITORY_NAME.test(name)
  ) {
    throw new InputError(
      `${JSON.stringify(
        typeof name === 'string' ? name.slice(0, 80) : name,
      )} is not a repository name: use 1-${REPOSITORY_NAME_MAX_LENGTH} lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

/** What the publish action creates for one repository name. */
export function repositoryPaths(directory: string, name: string) {
  const repositoryPath = resolveSafeChildPath(directory, `${name}.git`);
  const checkoutPath = resolveSafeChildPath(directory, name);
  return {
    repositoryPath,
    remoteUrl: pathToFileURL(repositoryPath).href,
    checkoutPath,
    catalogInfoPath: join(checkoutPath, 'catalog-info.yaml'),
  };
}
