/** Where the stack started by scripts/e2e.ts lives; a clear failure when run without it. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`pnpm test:e2e\` (scripts/e2e.ts starts the stack).`);
  return value;
}

export const e2eEnv = {
  get graphqlUrl() {
    return required('E2E_GRAPHQL_URL');
  },
  get factoryUrl() {
    return required('E2E_FACTORY_URL');
  },
  get apiBaseUrl() {
    return required('E2E_GRAPHQL_URL').replace(/\/graphql\/?$/, '');
  },
};
