import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';

/**
 * True when the entity names an EMR on EKS tenant in the annotation
 * `emr-on-eks.spot-spark.io/tenant`: on a Group the tenant it owns, on a
 * Component the tenant its jobs run in, on a Resource the tenant itself.
 *
 * @public
 */
export function isEmrOnEksAvailable(entity: Entity): boolean {
  return Boolean(
    entity.metadata.annotations?.[ANNOTATION_EMR_ON_EKS_TENANT]?.trim(),
  );
}

/** The tenant an entity names, if any. */
export function tenantOf(entity: Entity): string | undefined {
  return (
    entity.metadata.annotations?.[ANNOTATION_EMR_ON_EKS_TENANT]?.trim() ||
    undefined
  );
}
