import { Entity } from '@backstage/catalog-model';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';
import { ChargebackPanel } from './ChargebackPanel';
import { tenantOf } from '../EntityEmrJobRunsCard/isEmrOnEksAvailable';
import { CostTarget, costTargetOf } from './costTarget';

/**
 * Props of {@link EntityEmrChargebackCard}.
 *
 * @public
 */
export interface EntityEmrChargebackCardProps {
  /** Title of the card; `EMR on EKS costs` by default. */
  title?: string;
}

function scopeLabelOf(entity: Entity, target: CostTarget): string {
  if (target.kind === 'tenant') {
    return `tenant ${target.tenant}`;
  }
  return entity.metadata.title ?? entity.metadata.name;
}

/**
 * The costs of the entity: a Component's runs, a tenant's (the tenant the
 * entity names, or a tenant's Resource), a Group's tenants summed.
 */
export function EntityEmrChargebackCard(props: EntityEmrChargebackCardProps) {
  const { entity } = useEntity();
  const target = costTargetOf(entity);
  if (!target) {
    return (
      <MissingAnnotationEmptyState annotation={ANNOTATION_EMR_ON_EKS_TENANT} />
    );
  }
  return (
    <ChargebackPanel
      target={target}
      scopeLabel={scopeLabelOf(entity, target)}
      title={props.title}
      tenant={tenantOf(entity)}
    />
  );
}
