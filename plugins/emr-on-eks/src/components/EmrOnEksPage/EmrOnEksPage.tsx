import { Content, Header, Page } from '@backstage/core-components';
import { TenantsOverview } from './TenantsOverview';

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

/** The EMR on EKS page of a legacy app: header plus the tenants overview. */
export function EmrOnEksPage(props: EmrOnEksPageProps) {
  return (
    <Page themeId="tool">
      <Header
        title="EMR on EKS"
        subtitle="Spark tenants on Amazon EMR on EKS: onboarding, steps and audit trail"
      />
      <Content>
        <TenantsOverview
          pageSize={props.pageSize}
          onboardingTemplatePath={props.onboardingTemplatePath}
        />
      </Content>
    </Page>
  );
}
