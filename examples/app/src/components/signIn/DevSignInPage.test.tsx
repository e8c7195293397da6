import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { DevSignInPage, EXAMPLE_USERS } from './DevSignInPage';

describe('DevSignInPage', () => {
  it('offers every example user', async () => {
    await renderInTestApp(<DevSignInPage onSignInSuccess={() => {}} />);
    for (const user of EXAMPLE_USERS) {
      expect(
        screen.getByRole('button', { name: `Sign in as ${user.name}` }),
      ).toBeInTheDocument();
    }
    expect(screen.getByText(/Platform admin/)).toBeInTheDocument();
  });
});
