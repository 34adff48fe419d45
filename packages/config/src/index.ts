export { loadConfig, ConfigError, type Config, type TrustedProxies } from './config.ts';
export { projectRoot, defaultDataDir } from './paths.ts';
