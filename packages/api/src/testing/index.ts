export { startTestServer, type TestServer, type TestServerOptions } from './test-server.ts';
export { graphqlRequest, errorCode, type GraphQLResponse } from './graphql-request.ts';
export { signUp, TEST_PASSWORD, type SignedUpUser } from './factories.ts';
export { createTestClock, type TestClock } from './test-clock.ts';
export { connectGraphQLWs, wsRequest } from './graphql-ws-client.ts';
