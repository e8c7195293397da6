module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // Benchmarks are test code run by `npm run bench`, not part of the package.
      files: ['src/bench/**'],
      rules: {
        'no-restricted-imports': 'off',
        'no-restricted-syntax': 'off',
        '@backstage/no-undeclared-imports': 'off',
      },
    },
  ],
});
