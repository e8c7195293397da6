import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { aRun } from '../../__testUtils__';
import { formatTime } from '../../lib/format';
import { JobRunsTable } from './JobRunsTable';

const LONG_REASON =
  'USER_ERROR: Job failed: py4j.protocol.Py4JJavaError: An error occurred while calling o123.save. org.apache.spark.SparkException: Job aborted due to stage failure';

function names() {
  const table = screen.getByRole('table', { name: 'Runs' });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('button')[0].textContent);
}

describe('<JobRunsTable />', () => {
  const runs = [
    aRun({ id: 'b', name: 'beta', createdAt: '2026-11-20T10:00:00.000Z' }),
    aRun({ id: 'a', name: 'alpha', createdAt: '2026-11-20T09:00:00.000Z' }),
    aRun({
      id: 'c',
      name: 'gamma',
      state: 'FAILED',
      failureReason: 'USER_ERROR',
      stateDetails: LONG_REASON.slice('USER_ERROR: '.length),
      createdAt: '2026-11-20T11:00:00.000Z',
    }),
  ];

  it('sorts the rows shown by a column, ascending then descending', async () => {
    const user = userEvent.setup();
    await renderInTestApp(
      <JobRunsTable title="Runs" runs={runs} onOpen={() => {}} />,
    );
    // The server's order (newest first) until a column is chosen.
    expect(names()).toEqual(['beta', 'alpha', 'gamma']);
    const name = screen.getByRole('columnheader', { name: /Name/ });
    expect(name).not.toHaveAttribute('aria-sort');

    await user.click(within(name).getByRole('button'));
    expect(names()).toEqual(['alpha', 'beta', 'gamma']);
    expect(name).toHaveAttribute('aria-sort', 'ascending');

    await user.click(within(name).getByRole('button'));
    expect(names()).toEqual(['gamma', 'beta', 'alpha']);
    expect(name).toHaveAttribute('aria-sort', 'descending');

    const created = screen.getByRole('columnheader', { name: /Created/ });
    await user.click(within(created).getByRole('button'));
    expect(names()).toEqual(['alpha', 'beta', 'gamma']);
    expect(within(created).getByRole('button')).toHaveAttribute(
      'title',
      'Sort the rows shown by created',
    );
  });

  it('shows how long ago a run was created, the exact time on hover', async () => {
    const createdAt = new Date(Date.now() - 5 * 60_000).toISOString();
    await renderInTestApp(
      <JobRunsTable
        title="Runs"
        runs={[aRun({ createdAt })]}
        onOpen={() => {}}
      />,
    );
    const time = screen.getByText('5 minutes ago');
    expect(time.tagName).toBe('TIME');
    expect(time).toHaveAttribute('dateTime', createdAt);
    expect(time).toHaveAttribute('title', formatTime(createdAt));
  });

  it('cuts a long failure reason to one line, the whole text on hover', async () => {
    await renderInTestApp(
      <JobRunsTable title="Runs" runs={runs} onOpen={() => {}} />,
    );
    const reason = screen.getByTitle(LONG_REASON);
    expect(reason).toHaveTextContent(LONG_REASON);
    // CSS cuts it: one line with an ellipsis, never a letter-wide column.
    expect(getComputedStyle(reason).whiteSpace).toBe('nowrap');
    expect(getComputedStyle(reason).textOverflow).toBe('ellipsis');
  });

  it('keeps a cost whole, but lets its `est.` go under it where room is short', async () => {
    await renderInTestApp(
      <JobRunsTable
        title="Runs"
        runs={runs}
        onOpen={() => {}}
        costs={{
          currency: 'USD',
          of: run => ({ amount: 1234.5, estimated: run.id === 'a' }),
        }}
      />,
    );
    const table = screen.getByRole('table', { name: 'Runs' });
    const alpha = within(table).getByRole('row', { name: /alpha/ });
    const amount = within(alpha).getByText('$1,234.50');
    expect(getComputedStyle(amount).whiteSpace).toBe('nowrap');
    const estimated = within(alpha).getByTitle(/^Estimated/);
    expect(estimated).toHaveTextContent('est.');
    // The cell may wrap (between the amount and `est.`): a nowrap cell
    // pushed `est.` out of view at 1400 px.
    expect(getComputedStyle(estimated.closest('td')!).whiteSpace).not.toBe(
      'nowrap',
    );
  });

  it('puts the columns that matter first, actions among them', async () => {
    await renderInTestApp(
      <JobRunsTable title="Runs" runs={runs} onOpen={() => {}} />,
    );
    const headers = screen
      .getAllByRole('columnheader')
      .map(header => header.textContent);
    expect(headers.slice(0, 4)).toEqual([
      'Name',
      'State',
      'Actions',
      'Created',
    ]);
  });

  it('marks keyboard focus with a clear outline', async () => {
    const user = userEvent.setup();
    await renderInTestApp(
      <JobRunsTable title="Runs" runs={runs} onOpen={() => {}} />,
    );
    const link = screen.getByRole('button', { name: /Details of run beta/ });
    while (document.activeElement !== link) {
      await user.tab();
    }
    expect(link).toHaveClass('Mui-focusVisible');
    // jsdom's cascade ignores specificity, so rather than its computed
    // style: a rule of the page draws a 2px outline on the focused link.
    const outlines = Array.from(document.styleSheets)
      .flatMap(sheet => Array.from(sheet.cssRules))
      .filter(
        (rule): rule is CSSStyleRule =>
          rule instanceof CSSStyleRule &&
          /^2px solid/.test(rule.style.outline) &&
          !rule.selectorText.includes(':focus-visible'),
      );
    expect(outlines.some(rule => link.matches(rule.selectorText))).toBe(true);
  });
});
