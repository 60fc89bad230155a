import { packageConfig } from '../../tsup.base.js';

// `import.meta.url` (createRequire for cedar-wasm) must still work in the CJS build.
export default packageConfig({ shims: true });
