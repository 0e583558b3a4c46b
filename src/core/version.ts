// Injected by esbuild `define` (esbuild.mjs reads package.json at build time), so the
// bundles carry the version string instead of the whole package.json.
declare const __FLOWGEAR_VERSION__: string;

export const VERSION: string = __FLOWGEAR_VERSION__;
