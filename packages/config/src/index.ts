export { loadConfig, ConfigError, DEFAULT_SESSION_RECHECK_INTERVAL_MS, type Config, type TrustedProxies } from './config.ts';
export { projectRoot, defaultDataDir } from './paths.ts';
