import { graphql } from '@/gql';

export const MeQuery = graphql(`
  query Me {
    me {
      id
      email
      role
    }
  }
`);

/** What signing in and registering both return: the token, its expiry and who it belongs to. */
export const SessionFragment = graphql(`
  fragment Session on AuthPayload {
    token
    expiresAt
    user {
      id
      email
      role
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...Session
    }
  }
`);

export const RegisterMutation = graphql(`
  mutation Register($email: String!, $password: String!) {
    register(email: $email, password: $password) {
      ...Session
    }
  }
`);
