import { Entity } from '@backstage/catalog-model';
import { ANNOTATION_EMR_ON_EKS_TENANT } from '@spot-spark/plugin-emr-on-eks-common';

/** An entity of a kind, with or without the tenant annotation. */
export function anEntity(kind: string, tenant?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name: kind === 'Component' ? 'daily-sales' : 'team-a',
      namespace: 'default',
      annotations: tenant ? { [ANNOTATION_EMR_ON_EKS_TENANT]: tenant } : {},
    },
    spec: {},
  };
}
