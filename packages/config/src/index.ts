export { loadConfig, ConfigError, type Config } from './config.ts';
export { projectRoot, defaultDataDir } from './paths.ts';
