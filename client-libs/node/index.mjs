// ESM entry point: the same implementation as the CommonJS one, so a program
// that mixes both still shares one module instance.
import dvicLog from './index.cjs';

export const { Logger, LEVELS, version } = dvicLog;
export default dvicLog;
