import { Header, Page } from '@backstage/core-components';
import { EmrOnEksTabs } from './EmrOnEksTabs';

/**
 * Props of {@link EmrOnEksPage}.
 *
 * @public
 */
export interface EmrOnEksPageProps {
  /** Tenants per page, 1-500 (50 by default). */
  pageSize?: number;
  /**
   * Where "Onboard a team" leads (the onboarding template in the
   * scaffolder): `/create/templates/default/emr-tenant-onboarding` by
   * default.
   */
  onboardingTemplatePath?: string;
}

/**
 * The EMR on EKS page of a legacy app: the header, then the tenants overview
 * (the page's root) and, for platform admins, the clusters (`clusters`).
 */
export function EmrOnEksPage(props: EmrOnEksPageProps) {
  return (
    <Page themeId="tool">
      <Header
        title="EMR on EKS"
        subtitle="Spark tenants on Amazon EMR on EKS: onboarding, steps, audit trail and costs"
      />
      <EmrOnEksTabs
        pageSize={props.pageSize}
        onboardingTemplatePath={props.onboardingTemplatePath}
      />
    </Page>
  );
}
