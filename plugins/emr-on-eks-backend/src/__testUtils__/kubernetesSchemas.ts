import {
  LimitRange,
  Namespace,
  Pod,
  ResourceQuota,
} from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { PriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1';

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'v1/Pod': Pod,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'scheduling.k8s.io/v1/PriorityClass': PriorityClass,
};

/**
 * Validates an object against the upstream Kubernetes OpenAPI schema of its
 * kind (kubernetes-models); throws with the schema errors when it does not fit.
 */
export function validateAgainstUpstreamSchema(object: {
  apiVersion: string;
  kind: string;
}): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) {
    throw new Error(
      `no upstream schema loaded for ${object.apiVersion} ${object.kind}`,
    );
  }
  new Model(object).validate();
}
