import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('CORS_ORIGINS', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) };

  it("defaults to the console's address, so a console on another port can call the API", () => {
    expect(loadConfig({ ...base }).CORS_ORIGINS).toBe('http://localhost:3000,http://127.0.0.1:3000');
    expect(loadConfig({ ...base, CONSOLE_PORT: '3600' }).CORS_ORIGINS).toBe('http://localhost:3600,http://127.0.0.1:3600');
  });

  it('is what the environment says when it is set', () => {
    expect(loadConfig({ ...base, CONSOLE_PORT: '3600', CORS_ORIGINS: 'https://console.example.com' }).CORS_ORIGINS).toBe('https://console.example.com');
  });
});
