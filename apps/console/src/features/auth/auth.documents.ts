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

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
      expiresAt
      user {
        id
        email
        role
      }
    }
  }
`);

export const RegisterMutation = graphql(`
  mutation Register($email: String!, $password: String!) {
    register(email: $email, password: $password) {
      token
      expiresAt
      user {
        id
        email
        role
      }
    }
  }
`);
