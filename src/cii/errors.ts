/** Base of every failure the CII client reports; `kind` lets callers turn it into words. */
export abstract class CiiError extends Error {
  abstract readonly kind: 'credentials' | 'not_found' | 'unavailable' | 'unexpected';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The token endpoint (or the API, after one fresh token) refused our client credentials. */
export class CiiCredentialsError extends CiiError {
  readonly kind = 'credentials';
}

/** CII answered that the user (or other object) does not exist. */
export class CiiNotFoundError extends CiiError {
  readonly kind = 'not_found';
}

/** CII could not be reached, timed out, or kept failing after the bounded retries. */
export class CiiUnavailableError extends CiiError {
  readonly kind = 'unavailable';
}

/** CII answered, but not with what we can use: GraphQL errors, or a body that fails validation. */
export class CiiUnexpectedResponseError extends CiiError {
  readonly kind = 'unexpected';
}

/** CII answered with a GraphQL `errors` array; the entries are kept so callers can recognise specific ones. */
export class CiiGraphqlError extends CiiUnexpectedResponseError {
  readonly errors: ReadonlyArray<{ message: string; errorType?: string }>;
  constructor(
    message: string,
    errors: ReadonlyArray<{ message: string; errorType?: string }>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.errors = errors;
  }
}
