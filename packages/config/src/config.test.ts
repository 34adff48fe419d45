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

describe('DATABASE_READ_MAX_LAG_MS', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) };

  it('bounds replica lag at 5 s unless set; 0 turns the bound off; anything else is refused', () => {
    expect(loadConfig({ ...base }).DATABASE_READ_MAX_LAG_MS).toBe(5_000);
    expect(loadConfig({ ...base, DATABASE_READ_MAX_LAG_MS: '250' }).DATABASE_READ_MAX_LAG_MS).toBe(250);
    expect(loadConfig({ ...base, DATABASE_READ_MAX_LAG_MS: '0' }).DATABASE_READ_MAX_LAG_MS).toBe(0);
    expect(() => loadConfig({ ...base, DATABASE_READ_MAX_LAG_MS: '-1' })).toThrow(/DATABASE_READ_MAX_LAG_MS/);
    expect(() => loadConfig({ ...base, DATABASE_READ_MAX_LAG_MS: 'soon' })).toThrow(/DATABASE_READ_MAX_LAG_MS/);
  });
});
