import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Rendering pages of tables takes about a second alone, but several times
// that when the whole repository's suites run at once; Jest's 5 s default
// then fails tests that are correct. (testTimeout in package.json is a
// global option that per-package configs cannot set.)
jest.setTimeout(30_000);

// findBy* and waitFor give up after 1 s by default; a card that renders a
// chart after two requests can take longer when every suite runs at once.
configure({ asyncUtilTimeout: 10_000 });
