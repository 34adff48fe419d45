import path from 'node:path';
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // NEXT_DIST_DIR lets two builds of the same sources live side by side (parallel e2e runs in one
  // checkout); the default is Next's own `.next`.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // A self-contained server for the Docker image (docker/console.Dockerfile runs
  // .next/standalone/apps/console/server.js). `next start` still serves the same build (local
  // runs, the e2e suite); it only prints a warning that it is not the standalone server.
  output: 'standalone',
  // The monorepo root, so output tracing finds the hoisted packages.
  outputFileTracingRoot: path.resolve(import.meta.dirname, '../..'),
  turbopack: { root: path.resolve(import.meta.dirname, '../..') },
  // @coupons/rules (the input rules shared with the API) is TypeScript source, compiled with the app.
  transpilePackages: ['@coupons/rules'],
};

export default nextConfig;
