import path from 'node:path';
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `standalone` gives the Docker image a self-contained server (node .next/standalone/apps/console/server.js);
  // `next start` keeps working for local runs and the e2e suite.
  output: 'standalone',
  // The monorepo root, so output tracing finds the hoisted packages.
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
};

export default nextConfig;
