import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { describeError, ERROR_MESSAGES, isErrorCode, isUnauthenticated, NETWORK_MESSAGE } from './describe-error';

const graphqlError = (message: string, extensions: Record<string, unknown>) => new CombinedGraphQLErrors({ errors: [{ message, extensions }] });

describe('describeError', () => {
  it('reads the contract code and message of a GraphQL error', () => {
    expect(describeError(graphqlError('Coupon ABC is LOCKED', { code: 'INVALID_STATE' }))).toEqual({
      code: 'INVALID_STATE',
      message: 'Coupon ABC is LOCKED',
      field: null,
    });
  });

  it('names the field of a BAD_USER_INPUT: from extensions.field, extensions.fields, or the message', () => {
    expect(describeError(graphqlError('too long', { code: 'BAD_USER_INPUT', field: 'input.name' })).field).toBe('input.name');
    expect(describeError(graphqlError('invalid', { code: 'BAD_USER_INPUT', fields: ['count', 'prefix'] })).field).toBe('count');
    expect(describeError(graphqlError('email: already registered', { code: 'BAD_USER_INPUT' })).field).toBe('email');
    expect(describeError(graphqlError('email: not mine', { code: 'FORBIDDEN' })).field).toBeNull();
  });

  it('explains SERVICE_UNAVAILABLE with the wait the API asks for, from a 503 body', () => {
    const body = JSON.stringify({ errors: [{ message: 'db down', extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 3, retryable: true } }] });
    const error = new ServerError('Response not successful', { response: new Response(body, { status: 503 }), bodyText: body });
    expect(describeError(error)).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is briefly unavailable (its database is restarting or unreachable): try again in 3 s.',
      field: null,
      retryAfterSeconds: 3,
    });
  });

  it('gives an HTTP code to a server error without a GraphQL body', () => {
    const error = new ServerError('Bad gateway', { response: new Response('<html>', { status: 502 }), bodyText: '<html>' });
    expect(describeError(error)).toMatchObject({ code: 'HTTP_502', message: 'The server is not answering right now. Try again in a moment.' });
  });

  it('never shows a bug’s details, only the request id to report', () => {
    const described = describeError(graphqlError('Unexpected error.', { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' }));
    expect(described.message).toBe('Something went wrong on the server. If it happens again, report request req-42.');
  });

  it('says NETWORK_ERROR when fetch fails, and falls back to the code’s sentence without a message', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatchObject({ code: 'NETWORK_ERROR', message: NETWORK_MESSAGE });
    expect(NETWORK_MESSAGE).not.toMatch(/NETWORK_ERROR/);
    expect(describeError(graphqlError('', { code: 'SOLD_OUT' })).message).toBe(ERROR_MESSAGES.SOLD_OUT);
  });

  it('starts a server message with a capital letter', () => {
    expect(describeError(graphqlError('name: must be at most 200 characters', { code: 'BAD_USER_INPUT' })).message).toBe('Name: must be at most 200 characters');
  });

  it('keeps an unknown code from a newer API verbatim', () => {
    expect(describeError(graphqlError('new rule', { code: 'QUOTA_EXCEEDED' })).code).toBe('QUOTA_EXCEEDED');
    expect(isErrorCode('QUOTA_EXCEEDED')).toBe(false);
    expect(isErrorCode('LOCK_EXPIRED')).toBe(true);
  });

  it('recognises an ended session', () => {
    expect(isUnauthenticated(graphqlError('expired', { code: 'UNAUTHENTICATED' }))).toBe(true);
    expect(isUnauthenticated(graphqlError('no', { code: 'FORBIDDEN' }))).toBe(false);
  });
});
