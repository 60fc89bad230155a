import { packageConfig } from '../../tsup.base.js';

// `setup` registers the vitest matchers (`setupFiles: ['@mandate/testing/setup']`); vitest
// is the user's, never bundled.
export default packageConfig({ entry: ['src/index.ts', 'src/setup.ts'], external: [/^vitest(\/.*)?$/] });
