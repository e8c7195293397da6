import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SectionErrorBoundary } from './SectionErrorBoundary';

let broken = true;

function Fragile() {
  if (broken) {
    throw new Error('Cannot read properties of null');
  }
  return <p>Fine now</p>;
}

describe('<SectionErrorBoundary />', () => {
  beforeEach(() => {
    broken = true;
    // React reports the caught error on the console; the test expects it.
    jest.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows what failed in its section only, and the rest of the card stays', () => {
    render(
      <>
        <SectionErrorBoundary title="Logs">
          <Fragile />
        </SectionErrorBoundary>
        <SectionErrorBoundary title="State history">
          <p>Created</p>
        </SectionErrorBoundary>
      </>,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Logs could not be shown');
    expect(alert).toHaveTextContent('Cannot read properties of null');
    expect(screen.getByText('Created')).toBeInTheDocument();
  });

  it('renders the section again on Try again', async () => {
    render(
      <SectionErrorBoundary title="Logs">
        <Fragile />
      </SectionErrorBoundary>,
    );
    broken = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByText('Fine now')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
