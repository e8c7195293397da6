import {
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
  PodIdentityAssociation,
  PodIdentityAssociationSummary,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { parsePolicyDocument } from '../../domain/iam';
import {
  foreignAssociationReason,
  PodIdentityAssociationPlan,
  roleAssociations,
  trustsPodIdentity,
} from '../../domain/podIdentity';
import type { TenantPlan } from '../../domain/plan';
import { NotManagedError } from '../errors';
import { errorName, isNoSuchEntity } from './errorName';

/**
 * The tenant's EKS Pod Identity associations (one per EMR service account of
 * its role, in its namespace): create the missing ones, and delete them. Each
 * method returns what it changed; nothing when all was as planned. An
 * association for one of those service accounts that this plugin did not
 * create for this tenant (its tags say so) is never changed, adopted or
 * deleted ({@link NotManagedError}).
 */
export interface PodIdentityGateway {
  ensureAssociations(plan: TenantPlan): Promise<string[]>;
  deleteAssociations(plan: TenantPlan): Promise<string[]>;
  /**
   * On a cluster that no longer uses Pod Identity (IRSA): while the tenant's
   * role still trusts EKS Pod Identity, deletes the associations this plugin
   * made for this tenant incarnation when the cluster used it. Others are
   * left in place and named in what it returns. Nothing is sent to EKS when
   * the role does not trust Pod Identity (a tenant that never had
   * associations, or whose role was already rewritten for IRSA), nor on a
   * Pod Identity cluster.
   */
  deleteFormerAssociations(plan: TenantPlan): Promise<string[]>;
}

/** {@link PodIdentityGateway} on the Amazon EKS API (and IAM, to read the role's trust). */
export class EksPodIdentityGateway implements PodIdentityGateway {
  constructor(
    private readonly eks: EKSClient,
    private readonly iam: IAMClient,
  ) {}

  async ensureAssociations(plan: TenantPlan): Promise<string[]> {
    const changes: string[] = [];
    for (const desired of plan.podIdentity.associations) {
      let found = await this.find(desired);
      if (found.length === 0) {
        try {
          const { association } = await this.eks.send(
            new CreatePodIdentityAssociationCommand({
              clusterName: desired.clusterName,
              namespace: desired.namespace,
              serviceAccount: desired.serviceAccount,
              roleArn: desired.roleArn,
              tags: desired.tags,
            }),
          );
          changes.push(
            `created Pod Identity association ${association?.associationId} for ${desired.serviceAccount}`,
          );
          continue;
        } catch (error) {
          // Made between our look and our create (another pass, or a person):
          // look again and judge it like any existing one.
          if (errorName(error) !== 'ResourceInUseException') {
            throw error;
          }
          found = await this.find(desired);
        }
      }
      for (const association of found) {
        assertOurs(association, desired, plan.tenant);
        if (
          association.roleArn !== desired.roleArn ||
          association.disableSessionTags === true
        ) {
          // The trust policy's conditions read the session tags: without
          // them the role could not be assumed at all.
          await this.eks.send(
            new UpdatePodIdentityAssociationCommand({
              clusterName: desired.clusterName,
              associationId: association.associationId,
              roleArn: desired.roleArn,
              disableSessionTags: false,
            }),
          );
          changes.push(
            `updated Pod Identity association ${association.associationId} for ${desired.serviceAccount}`,
          );
        }
      }
    }
    return changes;
  }

  async deleteAssociations(plan: TenantPlan): Promise<string[]> {
    const { changes, foreign } = await this.deleteOurs(
      plan.tenant,
      plan.podIdentity.associations,
    );
    if (foreign.length > 0) {
      // Ours are gone; the others stay, and the step says why.
      throw new NotManagedError(foreign.join('; '));
    }
    return changes;
  }

  async deleteFormerAssociations(plan: TenantPlan): Promise<string[]> {
    if (plan.cluster.identity === 'podIdentity') {
      return [];
    }
    let trust: unknown;
    try {
      const { Role } = await this.iam.send(
        new GetRoleCommand({ RoleName: plan.iam.roleName }),
      );
      trust = parsePolicyDocument(Role?.AssumeRolePolicyDocument);
    } catch (error) {
      if (isNoSuchEntity(error)) {
        return []; // no role yet: a new tenant, nothing was ever associated
      }
      throw error;
    }
    if (!trustsPodIdentity(trust)) {
      return [];
    }
    const { changes, foreign } = await this.deleteOurs(
      plan.tenant,
      roleAssociations({
        cluster: plan.cluster,
        tenant: plan.tenant,
        uid: plan.uid,
        namespace: plan.namespace,
        roleName: plan.iam.roleName,
        roleArn: plan.iam.roleArn,
      }),
    );
    // Not this tenant's: on an IRSA cluster the plugin does not judge them
    // (as offboarding leaves them), so they stay and are named once, in this
    // pass, the last one to look before the trust is rewritten.
    return [...changes, ...foreign.map(message => `left in place: ${message}`)];
  }

  /**
   * Deletes the associations of these service accounts whose tags say this
   * plugin made them for this tenant incarnation; the others are described
   * in `foreign` and left.
   */
  private async deleteOurs(
    tenant: string,
    associations: PodIdentityAssociationPlan[],
  ): Promise<{ changes: string[]; foreign: string[] }> {
    const changes: string[] = [];
    const foreign: string[] = [];
    for (const desired of associations) {
      for (const association of await this.find(desired)) {
        const reason = foreignAssociationReason(association.tags, desired.tags);
        if (reason) {
          foreign.push(notOursMessage(association, desired, tenant, reason));
          continue;
        }
        try {
          await this.eks.send(
            new DeletePodIdentityAssociationCommand({
              clusterName: desired.clusterName,
              associationId: association.associationId,
            }),
          );
        } catch (error) {
          // Gone already (another pass got there first): nothing to do.
          if (errorName(error) !== 'ResourceNotFoundException') {
            throw error;
          }
          continue;
        }
        changes.push(
          `deleted Pod Identity association ${association.associationId} for ${desired.serviceAccount}`,
        );
      }
    }
    return { changes, foreign };
  }

  /**
   * The associations of one service account in one namespace (EKS allows
   * one; every page is read anyway), each described for its role and tags.
   */
  private async find(
    desired: PodIdentityAssociationPlan,
  ): Promise<PodIdentityAssociation[]> {
    const summaries: PodIdentityAssociationSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.eks.send(
        new ListPodIdentityAssociationsCommand({
          clusterName: desired.clusterName,
          namespace: desired.namespace,
          serviceAccount: desired.serviceAccount,
          nextToken,
        }),
      );
      summaries.push(...(page.associations ?? []));
      nextToken = page.nextToken;
    } while (nextToken);

    const described: PodIdentityAssociation[] = [];
    for (const summary of summaries) {
      // The filters are the server's; check them here too before acting.
      if (
        summary.namespace !== desired.namespace ||
        summary.serviceAccount !== desired.serviceAccount
      ) {
        continue;
      }
      try {
        const { association } = await this.eks.send(
          new DescribePodIdentityAssociationCommand({
            clusterName: desired.clusterName,
            associationId: summary.associationId,
          }),
        );
        if (association) {
          described.push(association);
        }
      } catch (error) {
        // Deleted between the list and the describe.
        if (errorName(error) !== 'ResourceNotFoundException') {
          throw error;
        }
      }
    }
    return described;
  }
}

function assertOurs(
  association: PodIdentityAssociation,
  desired: PodIdentityAssociationPlan,
  tenant: string,
) {
  const reason = foreignAssociationReason(association.tags, desired.tags);
  if (reason) {
    throw new NotManagedError(
      notOursMessage(association, desired, tenant, reason),
    );
  }
}

function notOursMessage(
  association: PodIdentityAssociation,
  desired: PodIdentityAssociationPlan,
  tenant: string,
  reason: string,
): string {
  return `EKS Pod Identity association ${association.associationId} for service account ${desired.serviceAccount} in namespace ${desired.namespace} of cluster ${desired.clusterName} exists but is not managed by this plugin for tenant ${tenant} (${reason}); delete it (aws eks delete-pod-identity-association --cluster-name ${desired.clusterName} --association-id ${association.associationId}) if nothing else needs it`;
}
