// The bundlers' side of `#sdkCore` (the `module` condition, which esbuild and webpack honour and
// Node does not): a static import, resolved with the same conditions as the SDK client's own, so
// a bundle holds one copy of `@aws-sdk/core/client`. Node takes src/sdkCore.cjs instead.
export { partition } from '@aws-sdk/core/client';
