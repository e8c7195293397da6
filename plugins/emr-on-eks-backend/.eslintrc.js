// The layering in README.md ("Where things are"), enforced: each zone's
// `target` may not import from its `from`.
const layers = [
  {
    target: ['./src/routes', './src/router.ts'],
    from: ['./src/stores', './src/gateways', './src/domain'],
    // The error handler redacts what it answers with the domain's pure rule.
    except: { './src/domain': ['./redact.ts'] },
    message: 'routes talk to services only (parse, authorize, call a service)',
  },
  {
    target: './src/services',
    from: ['./src/routes', './src/router.ts'],
    message: 'services do not know about HTTP',
  },
  {
    target: './src/domain',
    from: ['./src/routes', './src/services', './src/gateways', './src/stores'],
    message: 'the domain is pure: no I/O, no gateways, no stores',
  },
  {
    target: './src/gateways',
    from: ['./src/routes', './src/services', './src/stores'],
    message: 'gateways do I/O for services; they do not call up',
  },
  {
    target: './src/stores',
    from: ['./src/routes', './src/services'],
    message: 'stores hold tables; they do not call up',
  },
];

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  // no-restricted-paths must resolve the TypeScript imports to check them.
  settings: {
    'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
  },
  rules: {
    'import/no-restricted-paths': [
      'error',
      {
        basePath: __dirname,
        zones: layers.flatMap(({ target, from, message, except = {} }) =>
          from.map(source => ({
            target,
            from: source,
            message,
            ...(except[source] ? { except: except[source] } : {}),
          })),
        ),
      },
    ],
  },
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
