import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';
import { JobRunScope } from '../../hooks';
import { JobRunsPanel } from '../JobRunsPanel';
import { tenantOf } from './isEmrOnEksAvailable';

/**
 * Props of {@link EntityEmrJobRunsCard} and {@link EntityEmrJobRunsContent}.
 *
 * @public
 */
export interface EntityEmrJobRunsCardProps {
  /** Title of the card; `EMR job runs` by default. */
  title?: string;
  /**
   * How often the list refreshes while a shown run is not finished, in
   * milliseconds (10000 by default; 0 turns it off). Paused while the page is
   * hidden.
   */
  refreshIntervalMs?: number;
  /** Runs per page, 1-200 (20 on the card, 50 on the tab). */
  pageSize?: number;
}

/** The runs of the entity: a Component's own, a Group's or Resource's tenant's. */
export function EntityEmrJobRunsCard(props: EntityEmrJobRunsCardProps) {
  const { entity } = useEntity();
  const tenant = tenantOf(entity);
  if (!tenant) {
    return (
      <MissingAnnotationEmptyState annotation={ANNOTATION_EMR_ON_EKS_TENANT} />
    );
  }
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const scope: JobRunScope =
    kind === 'group' || kind === 'resource'
      ? { kind: 'tenant', tenant }
      : { kind: 'entity', entityRef: stringifyEntityRef(entity) };
  return <JobRunsPanel scope={scope} tenant={tenant} {...props} />;
}
