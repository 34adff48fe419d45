import path from 'node:path';
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // NEXT_OUTPUT=standalone (the Docker build) emits a self-contained server
  // (node .next/standalone/apps/console/server.js); the default build is for `next start`, which
  // refuses to be quiet about a standalone build.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // The monorepo root, so output tracing finds the hoisted packages.
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
};

export default nextConfig;
