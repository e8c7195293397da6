import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLayoutEffect, useRef, useState } from 'react';
import { SectionErrorBoundary } from '../SectionErrorBoundary';
import { ConfirmDialog } from './ConfirmDialog';

/**
 * Moves keyboard focus to the dialog's first button in the commit that
 * mounts it, as a Tab pressed right after the Enter that opened the dialog
 * does in a browser: before Material UI's ripple of the button is mounted.
 */
function FastTab() {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    ref.current?.closest('[role="dialog"]')?.querySelector('button')?.focus();
  }, []);
  return <span ref={ref} />;
}

function Harness(props: { onConfirm(): Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  return (
    <SectionErrorBoundary title="Job runs">
      <button onClick={() => setOpen(true)}>Cancel run daily-sales</button>
      <ConfirmDialog
        open={open}
        title="Cancel daily-sales?"
        confirmLabel="Cancel run"
        cancelLabel="Keep running"
        onConfirm={props.onConfirm}
        onClose={() => setOpen(false)}
      >
        <FastTab />
        EMR stops the run.
      </ConfirmDialog>
    </SectionErrorBoundary>
  );
}

describe('<ConfirmDialog />', () => {
  it('survives a fast Enter then Tab: focus on a button before its ripple exists', async () => {
    const user = userEvent.setup();
    render(<Harness onConfirm={async () => {}} />);
    screen.getByRole('button', { name: 'Cancel run daily-sales' }).focus();
    await user.keyboard('{Enter}');

    const dialog = await screen.findByRole('dialog', {
      name: 'Cancel daily-sales?',
    });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Keep running' })).toHaveFocus();
    // The focused button shows it (the ripple was the only sign).
    expect(screen.getByRole('button', { name: 'Keep running' })).toHaveClass(
      'Mui-focusVisible',
    );
    expect(dialog).toBeInTheDocument();
  });

  it('confirms with the keyboard and closes', async () => {
    const user = userEvent.setup();
    const confirmed: string[] = [];
    render(
      <Harness
        onConfirm={async () => {
          confirmed.push('yes');
        }}
      />,
    );
    screen.getByRole('button', { name: 'Cancel run daily-sales' }).focus();
    await user.keyboard('{Enter}');
    await screen.findByRole('dialog');
    await user.tab();
    expect(screen.getByRole('button', { name: 'Cancel run' })).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.tab();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(confirmed).toEqual(['yes']);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows why the action failed and stays open', async () => {
    const user = userEvent.setup();
    render(
      <Harness
        onConfirm={async () => {
          throw new Error('Job run r1 is already finished');
        }}
      />,
    );
    await user.click(
      screen.getByRole('button', { name: 'Cancel run daily-sales' }),
    );
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Job run r1 is already finished',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
