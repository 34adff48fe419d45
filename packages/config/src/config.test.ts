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

describe('JWT_SECRET in production', () => {
  const base = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://coupons@db.internal/coupons' };

  it('refuses a secret that is long but not secret: blank, or one character repeated', () => {
    for (const secret of [' '.repeat(40), 'x'.repeat(40), `${' '.repeat(30)}abcdefghij`]) {
      expect(() => loadConfig({ ...base, JWT_SECRET: secret }), JSON.stringify(secret)).toThrow(/JWT_SECRET: must be a random secret/);
    }
  });

  it('takes a random one (and development or tests may use placeholders)', () => {
    const secret = 'Zq3v0X8pL2mN7rT1yB5cD9fG4hJ6kW0s';
    expect(loadConfig({ ...base, JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
    expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toBe('x'.repeat(32));
  });
});
