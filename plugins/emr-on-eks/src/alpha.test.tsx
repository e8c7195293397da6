import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import {
  aCostFact,
  anEntity,
  aRun,
  aTenant,
  FakeEmrOnEksApi,
} from './__testUtils__';
import plugin from './alpha';
import {
  entityEmrChargebackCard,
  entityEmrGroupCostsCard,
  entityEmrJobRunsCard,
} from './alpha/entityCards';
import { entityEmrJobRunsContent } from './alpha/entityContents';
import { emrOnEksPage } from './alpha/pages';
import { emrOnEksApiRef } from './api';

describe('the new frontend system plugin', () => {
  it('installs the API, the entity card and tab, and the page', () => {
    expect(plugin.getExtension('api:emr-on-eks')).toBeDefined();
    expect(
      plugin.getExtension('entity-card:emr-on-eks/job-runs'),
    ).toBeDefined();
    expect(
      plugin.getExtension('entity-content:emr-on-eks/job-runs'),
    ).toBeDefined();
    expect(plugin.getExtension('page:emr-on-eks')).toBeDefined();
    expect(
      plugin.getExtension('entity-card:emr-on-eks/chargeback'),
    ).toBeDefined();
    expect(
      plugin.getExtension('entity-card:emr-on-eks/group-costs'),
    ).toBeDefined();
  });

  it('shows the Group costs card on Groups only', () => {
    const filter = createExtensionTester(entityEmrGroupCostsCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(anEntity('Group'))).toBe(true);
    expect(filter(anEntity('Group', 'team-a'))).toBe(true);
    expect(filter(anEntity('Component', 'team-a'))).toBe(false);
    expect(filter(anEntity('Resource'))).toBe(false);
  });

  it('renders the Group costs card in a new-system app, from one request', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    const today = new Date().toISOString().slice(0, 10);
    api.tenants = [aTenant({ name: 'team-a' })];
    api.costFacts = [aCostFact({ tenant: 'team-a', date: today, amount: 42 })];
    const tester = createExtensionTester(entityEmrGroupCostsCard);
    renderInTestApp(
      <EntityProvider entity={anEntity('Group')}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[emrOnEksApiRef, api], mockApis.permission()],
      },
    );
    expect(await screen.findByTestId('group-cost-total')).toHaveTextContent(
      '$42.00',
    );
    expect(api.callsOf('getOwnerCosts')).toHaveLength(1);
  });

  it('shows the chargeback card on Groups, tenant Resources and entities naming a tenant', () => {
    const filter = createExtensionTester(entityEmrChargebackCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(anEntity('Component', 'team-a'))).toBe(true);
    expect(filter(anEntity('Group'))).toBe(true);
    expect(
      filter({
        ...anEntity('Resource'),
        spec: { type: 'emr-virtual-cluster' },
      }),
    ).toBe(true);
    expect(filter(anEntity('Component'))).toBe(false);
    expect(filter(anEntity('Resource'))).toBe(false);
  });

  it('renders the chargeback card in a new-system app', async () => {
    const api = new FakeEmrOnEksApi().configureCosts();
    const today = new Date().toISOString().slice(0, 10);
    api.costFacts = [aCostFact({ tenant: 'team-a', date: today, amount: 42 })];
    const tester = createExtensionTester(entityEmrChargebackCard);
    renderInTestApp(
      <EntityProvider entity={anEntity('Resource', 'team-a')}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[emrOnEksApiRef, api], mockApis.permission()],
      },
    );
    expect(await screen.findByTestId('cost-total')).toHaveTextContent('$42.00');
  });

  it('shows the card and the tab only on entities with the tenant annotation', () => {
    const card = createExtensionTester(entityEmrJobRunsCard);
    const content = createExtensionTester(entityEmrJobRunsContent);
    for (const filter of [
      card.get(EntityCardBlueprint.dataRefs.filterFunction)!,
      content.get(EntityContentBlueprint.dataRefs.filterFunction)!,
    ]) {
      expect(filter(anEntity('Component', 'team-a'))).toBe(true);
      expect(filter(anEntity('Component'))).toBe(false);
    }
    expect(content.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Spark jobs',
    );
    expect(content.get(coreExtensionData.routePath)).toBe('/emr-job-runs');
  });

  it('mounts the page at /emr-on-eks with the nav title', () => {
    const tester = createExtensionTester(emrOnEksPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/emr-on-eks');
    expect(tester.get(coreExtensionData.title)).toBe('EMR on EKS');
  });

  it('renders the card in a new-system app', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [aRun({ name: 'new-system-job' })];
    const tester = createExtensionTester(entityEmrJobRunsCard);
    renderInTestApp(
      <EntityProvider entity={anEntity('Component', 'team-a')}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[emrOnEksApiRef, api], mockApis.permission()],
      },
    );
    expect(await screen.findByText('new-system-job')).toBeInTheDocument();
  });

  it('renders the tenants page in a new-system app', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant({ name: 'team-new' })];
    const tester = createExtensionTester(emrOnEksPage);
    renderInTestApp(tester.reactElement(), {
      apis: [[emrOnEksApiRef, api], mockApis.permission()],
    });
    expect(
      await screen.findByRole('button', { name: 'Show tenant team-new' }),
    ).toBeInTheDocument();
    // Platform admins (the mock allows everything) get the Clusters and
    // Costs tabs.
    expect(
      await screen.findByRole('tab', { name: 'Clusters' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('tab', { name: 'Costs' }),
    ).toBeInTheDocument();
  });
});
