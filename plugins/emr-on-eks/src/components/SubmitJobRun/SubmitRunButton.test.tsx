import { renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { JobRun } from '@spot-spark/plugin-emr-on-eks-common';
import {
  aTenant,
  FakeEmrOnEksApi,
  fakePermissionApi,
  httpError,
  Providers,
} from '../../__testUtils__';
import { SubmitRunButton } from './SubmitRunButton';

// usePermission keeps answers per tenant for the whole file: team-ro is the
// tenant the user may not submit to.
const permissions = fakePermissionApi(
  (permission, tenant) =>
    !(permission === 'emr-on-eks.job-run.submit' && tenant === 'team-ro'),
);

async function renderButton(api: FakeEmrOnEksApi, tenant = 'team-a') {
  const submitted: JobRun[] = [];
  await renderInTestApp(
    <Providers api={api} permissions={permissions}>
      <SubmitRunButton
        tenant={tenant}
        tenantInfo={api.tenants.find(t => t.name === tenant)}
        entityRef="component:default/daily-sales"
        onSubmitted={run => submitted.push(run)}
      />
    </Providers>,
  );
  return submitted;
}

async function fillIn(user: ReturnType<typeof userEvent.setup>) {
  const dialog = screen.getByRole('dialog', {
    name: 'Submit a run to team-a',
  });
  await user.type(within(dialog).getByLabelText(/Job name/), 'daily-sales');
  await user.type(
    within(dialog).getByLabelText(/Entry point/),
    's3://team-a-data/jobs/daily.py',
  );
  await user.type(within(dialog).getByLabelText('Arguments'), '--day{Enter}1');
  const retries = within(dialog).getByLabelText('Retries');
  await user.clear(retries);
  await user.type(retries, '2');
  return dialog;
}

describe('<SubmitRunButton />', () => {
  it('is not there for who may not submit to the tenant', async () => {
    const api = new FakeEmrOnEksApi();
    await renderButton(api, 'team-ro');
    await waitFor(() =>
      expect(permissions.answered).toContainEqual({
        permission: 'emr-on-eks.job-run.submit',
        resourceRef: 'team-ro',
        allowed: false,
      }),
    );
    expect(
      screen.queryByRole('button', { name: 'Submit run' }),
    ).not.toBeInTheDocument();
  });

  it('previews the StartJobRun, then submits once with an idempotency key', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    const user = userEvent.setup();
    const submitted = await renderButton(api);
    await user.click(await screen.findByRole('button', { name: 'Submit run' }));
    const dialog = await fillIn(user);
    // The tenant's limit is the hint: 8 cores per pod.
    expect(
      within(dialog).getAllByText("1-8 (the tenant's most per pod)"),
    ).toHaveLength(2);

    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    const preview = await within(dialog).findByLabelText('StartJobRun preview');
    const startJobRun = JSON.parse(preview.textContent!);
    expect(startJobRun).toMatchObject({
      name: 'daily-sales',
      jobDriver: {
        sparkSubmitJobDriver: {
          entryPoint: 's3://team-a-data/jobs/daily.py',
          entryPointArguments: ['--day', '1'],
        },
      },
      retryPolicyConfiguration: { maxAttempts: 3 },
    });

    await user.click(
      within(dialog).getByRole('button', { name: 'Submit run' }),
    );
    await waitFor(() => expect(submitted).toHaveLength(1));
    const [[tenant, request]] = api.callsOf('submitJobRun') as [
      [string, Record<string, unknown>],
    ];
    expect(tenant).toBe('team-a');
    expect(request).toMatchObject({
      name: 'daily-sales',
      entityRef: 'component:default/daily-sales',
      driver: { cores: 1, memory: '2g' },
      executor: { cores: 2, memory: '4g', instances: 2 },
      spot: true,
      retries: 2,
    });
    expect(request.idempotencyKey).toMatch(/^submit-/);
    // The preview sent the same request, without a key.
    expect(api.callsOf('dryRunJobRun')[0][1]).not.toHaveProperty(
      'idempotencyKey',
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it("shows the backend's objections on their fields and keeps the dialog open", async () => {
    const api = new FakeEmrOnEksApi().fail(
      'submitJobRun',
      httpError(
        400,
        'Invalid job run: executor.cores: 16 exceeds the LimitRange max cpu 8 of tenant team-a; retries: 2 is above the cluster maxRetries 1',
      ),
    );
    api.tenants = [aTenant()];
    const user = userEvent.setup();
    await renderButton(api);
    await user.click(await screen.findByRole('button', { name: 'Submit run' }));
    const dialog = await fillIn(user);
    await user.click(
      within(dialog).getByRole('button', { name: 'Submit run' }),
    );

    expect(
      await within(dialog).findByText(
        '16 exceeds the LimitRange max cpu 8 of tenant team-a',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Executor cores')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(within(dialog).getByLabelText('Retries')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(
      within(dialog).getByText('2 is above the cluster maxRetries 1'),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('checks the fields in the browser before asking the backend', async () => {
    const api = new FakeEmrOnEksApi();
    api.tenants = [aTenant()];
    const user = userEvent.setup();
    await renderButton(api);
    await user.click(await screen.findByRole('button', { name: 'Submit run' }));
    const dialog = screen.getByRole('dialog');
    await user.click(
      within(dialog).getByRole('button', { name: 'Submit run' }),
    );
    expect(within(dialog).getByLabelText(/Job name/)).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(api.callsOf('submitJobRun')).toEqual([]);
    expect(api.callsOf('dryRunJobRun')).toEqual([]);
  });
});
