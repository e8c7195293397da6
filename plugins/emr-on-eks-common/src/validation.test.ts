import { formatIssues } from './validation';

describe('formatIssues', () => {
  it('formats issues with their paths', () => {
    expect(
      formatIssues([
        { path: 'name', message: 'bad' },
        { path: '', message: 'worse' },
      ]),
    ).toBe('name: bad; worse');
  });
});
