// Injected at build time would couple core to esbuild; package.json is the single source.
// eslint-disable-next-line @typescript-eslint/no-var-requires
import pkg from '../../package.json';

export const VERSION: string = pkg.version;
