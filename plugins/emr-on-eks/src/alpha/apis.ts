import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { emrOnEksApiFactory } from '../api';

/** The API client, with the same factory as the legacy plugin. */
export const emrOnEksApi = ApiBlueprint.make({
  params: defineParams => defineParams(emrOnEksApiFactory),
});
