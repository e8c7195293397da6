import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  aRun,
  FakeEmrOnEksApi,
  httpError,
  renderRunDetail,
} from '../../__testUtils__';

const URL_OF_UI =
  'https://p-abc123.emrappui-prod.eu-west-1.amazonaws.com/shs/?authToken=t';

/** A stand-in for the tab `window.open` makes: where it was sent. */
function fakeTab() {
  return { opener: {}, closed: false, location: { href: '' }, close() {} };
}

function apiWithRun() {
  const api = new FakeEmrOnEksApi();
  api.runs = [aRun({ id: 'r1', state: 'RUNNING', finishedAt: undefined })];
  return api;
}

describe('the Spark UI button', () => {
  afterEach(() => jest.restoreAllMocks());

  it('opens a tab on the click and sends it to the presigned URL', async () => {
    const api = apiWithRun();
    api.sparkUiLinks.r1 = { url: URL_OF_UI, expiresAt: '2026-11-20T11:00:00Z' };
    const tab = fakeTab();
    const open = jest
      .spyOn(window, 'open')
      .mockImplementation(() => tab as unknown as Window);
    await renderRunDetail(api, 'r1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Open Spark UI' }),
    );
    // Blank at first: opened before the backend answered, so not a popup.
    expect(open).toHaveBeenCalledWith('', '_blank');
    await waitFor(() => expect(tab.location.href).toBe(URL_OF_UI));
    expect(tab.opener).toBeNull();
    expect(api.callsOf('openSparkUi')).toEqual([['r1']]);
  });

  it('shows the link when the browser blocked the tab', async () => {
    const api = apiWithRun();
    api.sparkUiLinks.r1 = { url: URL_OF_UI };
    jest.spyOn(window, 'open').mockImplementation(() => null);
    await renderRunDetail(api, 'r1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Open Spark UI' }),
    );
    const link = await screen.findByRole('link', { name: 'open the Spark UI' });
    expect(link).toHaveAttribute('href', URL_OF_UI);
    expect(link).toHaveAttribute('target', '_blank');
  });

  it('says why when the run has no Spark UI yet, and closes the blank tab', async () => {
    const api = apiWithRun();
    const tab = { ...fakeTab(), closed: false };
    tab.close = () => {
      tab.closed = true;
    };
    jest
      .spyOn(window, 'open')
      .mockImplementation(() => tab as unknown as Window);
    await renderRunDetail(api, 'r1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Open Spark UI' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The Spark UI could not be opened: Job run r1 has no Spark UI yet: EMR creates it once the driver has started',
    );
    expect(tab.closed).toBe(true);
  });

  it('tells a user who may not read the run that the UI is not available', async () => {
    const api = apiWithRun().fail(
      'openSparkUi',
      httpError(404, 'Job run r1 not found'),
    );
    jest.spyOn(window, 'open').mockImplementation(() => null);
    await renderRunDetail(api, 'r1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Open Spark UI' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The Spark UI is not available: the run is not found, or you may not see it.',
    );
  });

  it('is disabled before EMR accepted the run', async () => {
    const api = new FakeEmrOnEksApi();
    api.runs = [
      aRun({
        id: 'r1',
        state: 'SUBMITTING',
        emrJobRunId: undefined,
        arn: undefined,
      }),
    ];
    await renderRunDetail(api, 'r1');
    expect(
      await screen.findByRole('button', { name: 'Open Spark UI' }),
    ).toBeDisabled();
  });
});
