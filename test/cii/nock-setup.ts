export { useNock } from '../support/nock.ts';

export const TOKEN_ORIGIN = 'https://login.cii.test';
export const TOKEN_URL = `${TOKEN_ORIGIN}/oauth/token`;
export const API_ORIGIN = 'https://api.cii.test';
export const API_URL = `${API_ORIGIN}/graphql`;
export const CLIENT_SECRET = 's3cr3t-client-secret-value';
